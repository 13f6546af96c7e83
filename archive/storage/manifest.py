"""The manifest ``metadata/archive_info.json``: reading it, and building and writing it last.

Shape: docs/architecture.md, "Manifest". Tables a run did not touch keep their entries; the history
keeps the last ``HISTORY_LIMIT`` runs, newest first.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from archive.core.status import TableStatus
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.objects import objects
from archive.storage.streams import storage_chunks
from meetassist.exceptions import DomainError

MANIFEST_VERSION = 1
HISTORY_LIMIT = 50


class ManifestUnreadable(DomainError):
    """The manifest exists but cannot be trusted: cut short, not JSON, or of an unknown shape.

    Treating such an archive as new would let any database write over it (and a seed load
    a part and call it success), so every run and seed refuses it; the message says how
    to recover.
    """

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(
            _(
                "The archive's manifest (%(key)s) cannot be read: %(problem)s. Nothing was "
                "written or loaded. To recover, rebuild it from the archived files "
                "(manage.py verify_archive --rebuild-manifest), restore an earlier version "
                "of it, or make this database the archive's writer with archive_now "
                "--take-over."
            )
            % {"key": MANIFEST_KEY, "problem": problem}
        )


def manifest_read() -> dict[str, Any] | None:
    """The archive's manifest, or None when there is none (or only the original system's).

    The original system's manifest (no ``version``; ``tables`` with ``record_count`` or an
    ``archive_history``) counts as none. Anything else that is not our version 1 raises
    ``ManifestUnreadable``: an archive we cannot read is never taken for a new one.
    """
    try:
        # One GET (no exists() HEAD first): it is read by every run and dashboard view.
        chunks, _size = storage_chunks(archive_storage(), MANIFEST_KEY)
        raw = b"".join(chunks)
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ManifestUnreadable(_("it is not UTF-8 text")) from None
    except json.JSONDecodeError as err:
        raise ManifestUnreadable(
            _("it is not complete JSON (%(error)s, %(bytes)d bytes)")
            % {"error": err, "bytes": len(raw)}
        ) from None
    if _is_original(data):
        return None
    problem = _shape_problem(data)
    if problem:
        raise ManifestUnreadable(problem)
    return data


def _is_original(data: object) -> bool:
    """The original system's shape: no ``version``, per-table ``record_count`` entries."""
    if not isinstance(data, dict) or "version" in data:
        return False
    entries = data.get("tables")
    if "archive_history" in data and isinstance(entries, dict | type(None)):
        return True
    return (
        isinstance(entries, dict)
        and bool(entries)
        and all(isinstance(e, dict) and "files" not in e for e in entries.values())
    )


def _shape_problem(data: object) -> str | None:
    """Why ``data`` is not a version-1 manifest we can rely on, or None."""
    if not isinstance(data, dict):
        return _("it is not a JSON object")
    if data.get("version") != MANIFEST_VERSION:
        return _("its version is %(version)r, not %(ours)d") % {
            "version": data.get("version"),
            "ours": MANIFEST_VERSION,
        }
    entries = data.get("tables", {})
    if not isinstance(entries, dict):
        return _("its “tables” is not an object")
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("files", {}), dict):
            return _("the entry of table %(table)s is not an object with “files”") % {"table": name}
        carried = entry.get("carried", [])
        if not isinstance(carried, list) or not all(
            isinstance(k, list) and all(isinstance(c, str) for c in k) for k in carried
        ):
            return _("the “carried” keys of table %(table)s are not lists of text") % {
                "table": name
            }
        for key, info in entry.get("files", {}).items():
            if not isinstance(info, dict) or not isinstance(info.get("checksum"), str):
                return _("file %(key)s has no checksum") % {"key": key}
    return None


def table_entry(
    *,
    status: str,
    files: dict[str, dict],
    error: str,
    now: str,
    previous: dict[str, Any] | None,
    max_key: int | None = None,
    carried: list[list[str]] | None = None,
) -> dict[str, Any]:
    """One table's manifest entry after a run (``last_updated``: its last upload).

    ``max_key`` only grows: a failed run keeps the one recorded before. ``carried``, when
    any: the keys of followers moved without being held (export/retention.py).
    """
    last_updated = now if status == TableStatus.UPLOADED else (previous or {}).get("last_updated")
    recorded = (previous or {}).get("max_key")
    highest = [k for k in (recorded, max_key) if k is not None]
    return {
        "records": sum(f["records"] for f in files.values()),
        "bytes": sum(f["bytes"] for f in files.values()),
        "max_key": max(highest) if highest else None,
        "status": status,
        "last_updated": last_updated,
        "last_checked": now,
        "error": error or None,
        "files": dict(sorted(files.items())),
    } | ({"carried": carried} if carried else {})


def manifest_build(
    previous: dict[str, Any] | None,
    *,
    database_id: str,
    last_run: dict[str, Any],
    tables: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    entries = {**((previous or {}).get("tables") or {}), **tables}
    history = [last_run, *((previous or {}).get("history") or [])][:HISTORY_LIMIT]
    manifest = {
        "version": MANIFEST_VERSION,
        "database_id": database_id,
        "last_run": last_run,
        "tables": entries,
        "history": history,
    }
    if (previous or {}).get("rebuilt"):  # who rebuilt it from the objects, and why, stays
        manifest["rebuilt"] = previous["rebuilt"]
    return manifest


def manifest_write(manifest: dict[str, Any]) -> None:
    """Replace the manifest in one PUT (S3) or one rename (folder)."""
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive_info.json"
        path.write_bytes(data)
        md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
        objects(archive_storage()).put(MANIFEST_KEY, path, md5, "application/json")
