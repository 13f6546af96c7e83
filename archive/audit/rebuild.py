"""Rebuilding the manifest from the stored objects: the recovery for an unreadable or lost one.

Every object under ``data/`` is read in full (object_scan.py). The rebuild refuses, writing
nothing, when a file of our layout does not read as its table's CSV or is not in key order,
or when an object belongs to no archived table (it would be left out of the manifest and
break its promise that no object under a table's prefix goes unlisted). Otherwise the old
manifest object is copied aside (``metadata/archive_info.<UTC time>.<why>.json``) and a
fresh version-1 manifest is written that lists every file as it is, owned by this database
and marked ``rebuilt`` (when, by whom, why). A readable manifest is replaced only when
forced: objects changed behind its back are repaired by the next archive run, which a
rebuild would instead take as the truth.

The original system's single files (``data/Customer.csv``) are left out on purpose: the
seeder keeps reading them for a table the manifest does not list.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.audit.object_scan import ObjectScan
from archive.audit.stored_files import (
    DATA_PREFIX,
    MISSING,
    NOTE,
    UNLISTED,
    Finding,
    layout_table,
    original_table,
    parse_findings,
    scan_or_finding,
    stored_objects,
)
from archive.core.csvfile import file_md5
from archive.core.lock import archive_held
from archive.core.status import RunStatus, TableStatus
from archive.core.tables import TABLES
from archive.models import ArchiveIdentity
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import (
    ManifestUnreadable,
    manifest_build,
    manifest_read,
    manifest_write,
    table_entry,
)
from archive.storage.objects import Listed, Objects, objects
from meetassist.exceptions import DomainError


class RebuildRefused(DomainError):
    """The manifest was not rebuilt; ``problems`` says which objects stopped it."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__("\n".join([message, *self.problems]))


@dataclass
class RebuildResult:
    manifest: dict[str, Any]
    previous_problem: str
    kept_aside: str | None  # where the old manifest object was copied, if there was one
    notes: list[Finding] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(len(e["files"]) for e in self.manifest["tables"].values())


def manifest_rebuild(*, by: str, force: bool = False, wait_seconds: float = 60) -> RebuildResult:
    """Write a fresh manifest from the objects; raises ``RebuildRefused`` (nothing written)."""
    with archive_held(wait_seconds):
        return _rebuild(by=by, force=force)


def _previous(store: Objects, force: bool) -> tuple[str, str, dict[str, Any] | None]:
    """Why the current manifest is being replaced, a word for its copy's name, and itself
    when it could be read."""
    try:
        manifest = manifest_read()
    except ManifestUnreadable as err:
        return err.problem, "unreadable", None
    if manifest is None:
        if store.etag(MANIFEST_KEY) is None:
            return MISSING, MISSING, None
        return _("the original system's manifest (no version 1)"), "original", None
    if not force:
        raise RebuildRefused(
            _(
                "The manifest is readable, so it was not rebuilt. Objects changed behind its "
                "back are reported by verify_archive and rewritten by the next archive_now; "
                "to replace the manifest with one read from the objects anyway, add --force "
                "(the current one is kept aside)."
            )
        )
    return _("replaced by --rebuild-manifest --force while readable"), "replaced", manifest


def _rebuild(*, by: str, force: bool) -> RebuildResult:
    started = timezone.now()
    store = objects(archive_storage())
    problem, why, previous = _previous(store, force)
    stored = stored_objects()
    if not stored:
        raise RebuildRefused(
            _(
                "There are no files under %(prefix)s to rebuild the manifest from; the first "
                "archive_now writes a new archive."
            )
            % {"prefix": DATA_PREFIX}
        )
    files, refusals, notes = _files(stored)
    if refusals:
        raise RebuildRefused(
            ngettext(
                "The manifest was not rebuilt (nothing was written): %(n)d problem.",
                "The manifest was not rebuilt (nothing was written): %(n)d problems.",
                len(refusals),
            )
            % {"n": len(refusals)},
            [str(f) for f in refusals],
        )
    now = started.isoformat()
    database_id = str(ArchiveIdentity.current().database_id)
    manifest = _manifest(files, previous, database_id, now)
    manifest["rebuilt"] = manifest["last_run"]["rebuilt"] = {
        "at": now,
        "by": by,
        "database_id": database_id,
        "previous_problem": problem,
    }
    aside = _keep_aside(store, why, started) if why != MISSING else None
    manifest_write(manifest)
    return RebuildResult(manifest, problem, aside, notes)


def _files(stored: dict[str, Listed]) -> tuple[dict[str, dict], list[Finding], list[Finding]]:
    """Each table's file entries, the problems that stop the rebuild, and notes."""
    files: dict[str, dict] = {}
    refusals, notes = [], []
    for key in sorted(stored):
        spec = layout_table(key)
        if spec is None:
            original = original_table(key)
            if original is None:
                what = _("not a file of any archived table: move it out of data/ first")
                refusals.append(Finding(UNLISTED, key, what))
            else:
                what = _("left out: the original system's single file of table %(t)s")
                notes.append(Finding(NOTE, key, what % {"t": original.name}))
            continue
        read = scan_or_finding(key, spec)
        if isinstance(read, Finding):
            refusals.append(read)
        elif not read.parses:
            refusals.extend(parse_findings(read))
        else:
            files.setdefault(spec.name, {})[key] = _file_entry(read, stored[key])
    return files, refusals, notes


def _file_entry(scan: ObjectScan, listed: Listed) -> dict[str, Any]:
    return {
        "checksum": scan.md5,
        "records": scan.records,
        "bytes": scan.bytes,
        "etag": listed.etag,
        "max_key": scan.max_key,
    }


def _manifest(
    files: dict[str, dict], previous: dict[str, Any] | None, database_id: str, started: str
) -> dict[str, Any]:
    old = (previous or {}).get("tables") or {}
    tables = {}
    for spec in TABLES:
        if spec.name not in files:
            continue
        entries = {key: {**info, "last_updated": started} for key, info in files[spec.name].items()}
        entry = table_entry(
            status=TableStatus.UNCHANGED, files=entries, error="", now=started, previous=None
        )
        entry["last_updated"] = started
        keys = [f["max_key"] for f in entries.values() if f["max_key"] is not None]
        before = (old.get(spec.name) or {}).get("max_key")
        if isinstance(before, int):  # the highest key ever held may be a deleted row's
            keys.append(before)
        entry["max_key"] = max(keys) if keys else None
        tables[spec.name] = entry
    last_run = {
        "run_id": uuid.uuid4().hex,  # not this database's last run: the next one re-checks all
        "started_at": started,
        "finished_at": timezone.now().isoformat(),
        "status": RunStatus.SUCCESS,
        "uploaded": [],
        "skipped": list(tables),
        "failed": [],
    }
    # Only the old history carries over: its tables are what the objects say now.
    kept = {"history": (previous or {}).get("history") or []}
    return manifest_build(kept, database_id=database_id, last_run=last_run, tables=tables)


def _keep_aside(store: Objects, why: str, when: dt.datetime) -> str:
    """Copy the manifest object, whatever it holds, to a key beside it; returns that key."""
    stamp = when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    key = MANIFEST_KEY.removesuffix(".json") + f".{stamp}.{why}.json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "archive_info.json"
        store.get(MANIFEST_KEY, path)
        store.put(key, path, file_md5(path), "application/json")
    return key
