"""The manifest ``metadata/archive_info.json``: reading it, and building and writing it last.

Shape: DESIGN.md, "Manifest". Tables a run did not touch keep their entries; the history
keeps the last ``HISTORY_LIMIT`` runs, newest first.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from .storage import MANIFEST_KEY, archive_storage
from .streams import storage_chunks
from .transfer import objects

MANIFEST_VERSION = 1
HISTORY_LIMIT = 50


def manifest_read() -> dict[str, Any] | None:
    """The archive's manifest, or None when there is none we understand.

    The original system's manifest has no ``"version": 1``; it counts as no manifest.
    """
    try:
        # One GET (no exists() HEAD first): it is read by every run and dashboard view.
        chunks, _size = storage_chunks(archive_storage(), MANIFEST_KEY)
        raw = b"".join(chunks)
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    return data


def table_entry(
    *,
    status: str,
    files: dict[str, dict],
    error: str,
    now: str,
    previous: dict[str, Any] | None,
) -> dict[str, Any]:
    """One table's manifest entry after a run (``last_updated``: its last upload)."""
    last_updated = now if status == "uploaded" else (previous or {}).get("last_updated")
    return {
        "records": sum(f["records"] for f in files.values()),
        "bytes": sum(f["bytes"] for f in files.values()),
        "status": status,
        "last_updated": last_updated,
        "last_checked": now,
        "error": error or None,
        "files": dict(sorted(files.items())),
    }


def manifest_build(
    previous: dict[str, Any] | None,
    *,
    database_id: str,
    last_run: dict[str, Any],
    tables: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    entries = {**((previous or {}).get("tables") or {}), **tables}
    history = [last_run, *((previous or {}).get("history") or [])][:HISTORY_LIMIT]
    return {
        "version": MANIFEST_VERSION,
        "database_id": database_id,
        "last_run": last_run,
        "tables": entries,
        "history": history,
    }


def manifest_write(manifest: dict[str, Any]) -> None:
    """Replace the manifest in one PUT (S3) or one rename (folder)."""
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive_info.json"
        path.write_bytes(data)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        objects(archive_storage()).put(MANIFEST_KEY, path, md5, "application/json")
