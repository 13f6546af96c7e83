"""Reading the manifest ``metadata/archive_info.json`` (shape: DESIGN.md, "Manifest")."""

from __future__ import annotations

import json
from typing import Any

from .storage import MANIFEST_KEY, archive_storage

MANIFEST_VERSION = 1


def manifest_read() -> dict[str, Any] | None:
    """The archive's manifest, or None when there is none we understand.

    The original system's manifest has no ``"version": 1``; it counts as no manifest.
    """
    storage = archive_storage()
    if not storage.exists(MANIFEST_KEY):
        return None
    with storage.open(MANIFEST_KEY, "rb") as handle:
        try:
            data = json.loads(handle.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    return data
