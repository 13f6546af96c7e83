"""One archive run: every table from one snapshot, then the manifest, then the change record.

Each table is archived on its own (a failure is recorded and the others go on); the
manifest is written last, and only then is the change record consumed and this run
remembered as ours. An archive that is not ours, or cannot be read, is refused before
anything is written (docs/architecture.md, "One writer per archive").
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core import change_record
from archive.core.status import RunStatus, TableStatus
from archive.core.tables import TableSpec, parent_spec
from archive.export.context import Progress, RunContext, TableOutcome, Uploader
from archive.export.ownership import claims
from archive.export.sources import export_snapshot, row_source
from archive.export.table import table_archive
from archive.models import ArchiveIdentity, ArchiveOrigin
from archive.storage.backends import archive_storage
from archive.storage.keys import archive_key_floors, sequences_past
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import (
    ManifestUnreadable,
    manifest_build,
    manifest_read,
    manifest_write,
    table_entry,
)
from archive.storage.objects import Objects, objects
from meetassist.exceptions import DomainError

ALREADY_RUNNING = RunStatus.ALREADY_RUNNING


@dataclass
class ArchiveResult:
    status: str  # success | partial | failed | already running
    run_id: str = ""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    tables: list[TableOutcome] = field(default_factory=list)
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status in (RunStatus.PARTIAL, RunStatus.FAILED)


def _previous(store: Objects, take_over: bool) -> tuple[dict[str, Any] | None, dict]:
    """The manifest and what the bucket holds under ``data/``; refuses an unreadable archive.

    An archive whose manifest cannot be read, or is missing while data files remain, is
    never taken for a new one (another database would write over it): only ``--take-over``
    or a rebuilt manifest opens it, and a database that seeded from those files may go on.
    """
    stored = store.listing("data/")
    try:
        previous = manifest_read()
    except ManifestUnreadable:
        if not take_over:
            raise
        previous = None
    if previous is None and stored and not take_over and not _seeded_or_written_here():
        raise DomainError(
            _(
                "The archive holds %(count)d data files but no manifest (%(key)s), and this "
                "database neither wrote nor seeded from them. Nothing was written. If the manifest "
                "was lost, rebuild it from the files (manage.py verify_archive "
                "--rebuild-manifest); to load the files here, run seed_from_s3; to make this "
                "database the archive's writer anyway, run archive_now --take-over (no "
                "archived row this database lacks is removed)."
            )
            % {"count": len(stored), "key": MANIFEST_KEY}
        )
    return previous, stored


def _seeded_or_written_here() -> bool:
    """Whether this database loaded the archive's files or wrote its first copy of a table."""
    loads, origins = claims(ArchiveIdentity.current())
    return loads.exists() or origins.exists()


def _guard(previous: dict[str, Any] | None, identity: ArchiveIdentity, take_over: bool) -> bool:
    """Whether this run takes the archive over; refuses another database's archive."""
    owner = (previous or {}).get("database_id")
    if previous is not None and owner == str(identity.database_id):
        return False
    if take_over:
        return True  # also over an archive whose manifest was unreadable or missing
    if previous is None:
        return False
    raise DomainError(
        _(
            "The archive belongs to another database (%(owner)s); this database is "
            "%(ours)s. Seed this database from the archive first (manage.py seed_from_s3), "
            "which lets it write there, or run archive_now --take-over to make this "
            "database the archive's writer. Either way, no archived row this database "
            "lacks is removed."
        )
        % {"owner": owner, "ours": identity.database_id}
    )


def _trusted(specs, previous, identity, recorded, *, force: bool, taking_over: bool) -> set:
    """Tables whose change record covers everything since the manifest we last wrote."""
    last = ((previous or {}).get("last_run") or {}).get("run_id")
    if force or taking_over or not last or last != identity.last_run_id:
        return set()
    entries = previous.get("tables") or {}
    return {
        s.name
        for s in specs
        if s.name in recorded
        and (entries.get(s.name) or {}).get("status")
        in (TableStatus.UPLOADED, TableStatus.UNCHANGED)
    }


def run_archive(
    specs: list[TableSpec], *, force: bool, take_over: bool, progress: Progress | None
) -> ArchiveResult:
    started = timezone.now()
    now = started.isoformat()
    run_id = uuid.uuid4().hex
    store = objects(archive_storage())
    previous, stored = _previous(store, take_over)
    identity = ArchiveIdentity.current()
    taking_over = _guard(previous, identity, take_over)
    if taking_over:
        identity.claims_since = started
        identity.save(update_fields=["claims_since"])
    # Keys created here from now on are past every archived key (docs/architecture.md, "Keys").
    floors = archive_key_floors(previous, store, stored)
    sequences_past(floors)
    pg = connection.vendor == "postgresql"
    previous_tables = (previous or {}).get("tables") or {}
    outcomes: list[TableOutcome] = []
    with (
        tempfile.TemporaryDirectory(prefix="archive-") as tmp,
        Uploader() as uploader,
        export_snapshot() as snapshot,
    ):
        recorded = change_record.recorded_tables(specs) if pg else set()
        trusted = _trusted(
            specs, previous, identity, recorded, force=force, taking_over=taking_over
        )
        ctx = RunContext(
            objects=store,
            source=row_source(),
            tmp=Path(tmp),
            identity=identity,
            now=now,
            force=force,
            trusted=trusted,
            recorded=recorded,
            changes=change_record.changed_months() if trusted else {},
            stored=stored,
            floors=floors,
            progress=progress,
            uploader=uploader,
            checkpoint=lambda partial: _checkpoint(previous, identity, [*outcomes, partial]),
        )
        for spec in specs:
            parent = parent_spec(spec)
            failed = {o.name for o in outcomes if o.status == TableStatus.FAILED}
            if parent is not None and parent.name in failed:
                outcomes.append(_follower_held_back(spec, parent, previous_tables))
                continue
            outcomes.append(table_archive(spec, ctx, previous_tables.get(spec.name)))
    return _finish(previous, identity, outcomes, run_id, started, snapshot if pg else "")


def _checkpoint(previous, identity, outcomes: list[TableOutcome]) -> None:
    """The manifest as things stand mid-run: the previous one (its owner, its last run),
    with the files stored so far."""
    if previous is None:
        return  # nothing readable to add to: a seed of such an archive reads every file
    manifest = manifest_build(
        previous,
        database_id=previous.get("database_id") or str(identity.database_id),
        last_run=previous.get("last_run"),
        tables=_entries(outcomes, previous, timezone.now().isoformat(), mid_run=True),
    )
    manifest["history"] = previous.get("history") or []  # no run has ended since
    manifest_write(manifest)


def _entries(
    outcomes: list[TableOutcome], previous: dict | None, now: str, *, mid_run: bool = False
) -> dict[str, dict]:
    """The manifest entries of these tables' outcomes; mid-run, a table still being
    archived counts as uploaded once it stored a file, and no max_key has grown yet."""
    previous_tables = (previous or {}).get("tables") or {}
    entries = {}
    for o in outcomes:
        before = previous_tables.get(o.name)
        entries[o.name] = table_entry(
            status=TableStatus.UPLOADED
            if mid_run and o.status == TableStatus.UNCHANGED and o.uploaded
            else o.status,
            files=o.files,
            error=o.error,
            now=now,
            previous=before,
            max_key=(before or {}).get("max_key") if mid_run else o.max_key,
            carried=o.carried,
        )
    return entries


def _follower_held_back(spec: TableSpec, parent: TableSpec, previous: dict) -> TableOutcome:
    """A follower is not archived when its parent failed: its new rows would point at
    parents the archive does not hold, and a seed would refuse them."""
    entry = previous.get(spec.name) or {}
    files = dict(entry.get("files") or {})
    return TableOutcome(
        spec.name,
        "failed",
        files,
        held_before=bool(files),
        carried=entry.get("carried") or [],
        error=_("not archived because %(parent)s failed in this run; it goes with it next time")
        % {"parent": parent.name},
    )


def _run_status(outcomes: list[TableOutcome]) -> str:
    failed = sum(o.status == TableStatus.FAILED for o in outcomes)
    if not failed:
        return RunStatus.SUCCESS
    return RunStatus.FAILED if failed == len(outcomes) else RunStatus.PARTIAL


def _finish(
    previous, identity, outcomes: list[TableOutcome], run_id: str, started, snapshot: str
) -> ArchiveResult:
    finished = timezone.now()
    status = _run_status(outcomes)
    last_run = {
        "run_id": run_id,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "status": status,
        "uploaded": [o.name for o in outcomes if o.status == TableStatus.UPLOADED],
        "skipped": [o.name for o in outcomes if o.status == TableStatus.UNCHANGED],
        "failed": [o.name for o in outcomes if o.status == TableStatus.FAILED],
    }
    manifest = manifest_build(
        previous,
        database_id=str(identity.database_id),
        last_run=last_run,
        tables=_entries(outcomes, previous, started.isoformat()),
    )
    result = ArchiveResult(status, run_id, started, finished, outcomes)
    unlisted = [o.name for o in outcomes if o.status == TableStatus.FAILED and o.held_before]
    if previous is None and unlisted:
        # Without a manifest to carry their entries over, the failed tables' archived files
        # would go unlisted: to a seed, as good as lost. Leave the manifest as it was.
        result.status = RunStatus.FAILED
        result.message = _(
            "The manifest was not written: there was no readable manifest to keep the "
            "entries of %(tables)s, which failed, so a new one would leave their archived "
            "files out. Rebuild it from the files first (manage.py verify_archive "
            "--rebuild-manifest), then run again."
        ) % {"tables": ", ".join(unlisted)}
        return result
    try:
        manifest_write(manifest)
    except Exception as err:
        result.status = RunStatus.FAILED
        result.message = _("The manifest could not be written: %(error)s") % {"error": err}
        return result
    done = [o.name for o in outcomes if o.status != TableStatus.FAILED]
    with transaction.atomic():
        if snapshot:
            change_record.consume(done, snapshot)
        for outcome in outcomes:
            if outcome.status != TableStatus.FAILED and not outcome.held_before:
                ArchiveOrigin.objects.update_or_create(
                    table=outcome.name, defaults={"created_at": started}
                )
        identity.last_run_id = run_id
        identity.save(update_fields=["last_run_id"])
    return result
