"""Reads of the archive app for other apps (the dashboard): what the manifest says, the
periodic schedule, the last verification, the days seed loads brought in, and the words the
archive's states are shown with (``STATUS_LABELS``, from archive.core.status). Nothing here writes.

The manifest is data from storage, not code: every field is read defensively, and one
without ``"version": 1`` (the original system's) counts as none (``archive.storage.manifest``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_celery_beat.models import PeriodicTask

from archive.core.calendar import Window, merged
from archive.core.status import STATUS_LABELS as STATUS_LABELS
from archive.core.tables import TABLES
from archive.models import ArchiveIdentity, ArchiveVerification, SeedLoad
from archive.schedule import SCHEDULE_NAME, interval_minutes
from archive.storage.manifest import ManifestUnreadable, manifest_read


@dataclass(frozen=True)
class ArchiveFile:
    key: str
    checksum: str | None
    records: int | None
    bytes: int | None
    last_updated: dt.datetime | None


@dataclass(frozen=True)
class ArchiveTable:
    name: str
    status: str | None  # uploaded, unchanged, failed; None: the manifest does not list it
    records: int | None
    bytes: int | None
    last_updated: dt.datetime | None
    last_checked: dt.datetime | None
    error: str | None
    files: list[ArchiveFile] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveRun:
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status: str | None
    uploaded: list[str]
    skipped: list[str]
    failed: list[str]


@dataclass(frozen=True)
class ScheduleState:
    """The periodic archive as django-celery-beat holds it (``exists``: False once deleted)."""

    exists: bool
    enabled: bool
    every_minutes: int | None
    last_run_at: dt.datetime | None
    total_run_count: int


@dataclass(frozen=True)
class SeedLoadRow:
    table: str
    full: bool
    window_start: dt.date | None
    window_end: dt.date | None
    loaded_at: dt.datetime
    source: str


@dataclass(frozen=True)
class VerificationSummary:
    """The last ``verify_archive`` run (result: ok or problems)."""

    started_at: dt.datetime
    finished_at: dt.datetime
    result: str
    objects_read: int
    missing: int
    unlisted: int
    changed: int
    unparsable: int
    problem_count: int
    problems: list[str]  # the first few


@dataclass(frozen=True)
class ArchiveOverview:
    storage: str
    manifest_found: bool
    manifest_error: str | None  # the storage could not be read
    manifest_database_id: str | None
    database_id: str | None  # this database's id (None until the archive first ran)
    last_run: ArchiveRun | None
    tables: list[ArchiveTable]
    history: list[ArchiveRun]
    schedule: ScheduleState
    seed_loads: list[SeedLoadRow]
    verification: VerificationSummary | None = None


@dataclass(frozen=True)
class LoadedDays:
    """Which days of a table this database holds (docs/architecture.md, "Seeding")."""

    seeded: bool  # False: no seed loaded the table, the database is the origin
    full: bool
    windows: list[tuple[dt.date, dt.date]]

    def holds(self, day: dt.date) -> bool:
        return not self.seeded or self.full or any(a <= day <= b for a, b in self.windows)


def _when(value: Any) -> dt.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _run(entry: Any) -> ArchiveRun | None:
    if not isinstance(entry, dict):
        return None
    return ArchiveRun(
        started_at=_when(entry.get("started_at")),
        finished_at=_when(entry.get("finished_at")),
        status=_text(entry.get("status")),
        uploaded=_names(entry.get("uploaded")),
        skipped=_names(entry.get("skipped")),
        failed=_names(entry.get("failed")),
    )


def _file(key: str, entry: dict) -> ArchiveFile:
    return ArchiveFile(
        key=str(key),
        checksum=str(entry.get("checksum")) if entry.get("checksum") else None,
        records=_int(entry.get("records")),
        bytes=_int(entry.get("bytes")),
        last_updated=_when(entry.get("last_updated")),
    )


def _table(name: str, entry: Any) -> ArchiveTable:
    if not isinstance(entry, dict):
        return ArchiveTable(name, None, None, None, None, None, None)
    files = entry.get("files") if isinstance(entry.get("files"), dict) else {}
    return ArchiveTable(
        name=name,
        status=_text(entry.get("status")),
        records=_int(entry.get("records")),
        bytes=_int(entry.get("bytes")),
        last_updated=_when(entry.get("last_updated")),
        last_checked=_when(entry.get("last_checked")),
        error=str(entry["error"]) if entry.get("error") else None,
        files=[_file(key, f) for key, f in sorted(files.items()) if isinstance(f, dict)],
    )


def schedule_state() -> ScheduleState:
    """The periodic archive's task as it is (never created here, unlike archive.schedule)."""
    task = PeriodicTask.objects.select_related("interval").filter(name=SCHEDULE_NAME).first()
    if task is None:
        return ScheduleState(False, False, None, None, 0)
    every = interval_minutes(task.interval) if task.interval is not None else None
    return ScheduleState(True, task.enabled, every, task.last_run_at, task.total_run_count)


def verification_last() -> ArchiveVerification | None:
    """The latest ``verify_archive`` run, or None when none has run."""
    return ArchiveVerification.objects.order_by("-started_at", "-pk").first()


def verification_summary(*, problems: int = 10) -> VerificationSummary | None:
    """The latest verification with its first ``problems`` problems as text."""
    last = verification_last()
    if last is None:
        return None
    return VerificationSummary(
        started_at=last.started_at,
        finished_at=last.finished_at,
        result=last.result,
        objects_read=last.objects_read,
        missing=last.missing,
        unlisted=last.unlisted,
        changed=last.changed,
        unparsable=last.unparsable,
        problem_count=last.problem_count,
        problems=[str(p) for p in last.problems[:problems]],
    )


def archive_overview(*, history: int = 10, seed_loads: int = 10) -> ArchiveOverview:
    """Everything the archive page shows, tables in the registry's order.

    Storage that cannot be read, or a manifest that cannot be trusted, reads as no manifest
    with the error said: the page still shows the schedule, seed loads and verification.
    """
    error = None
    try:
        manifest = manifest_read() or {}
    except (OSError, BotoCoreError, ClientError, ManifestUnreadable) as err:
        manifest, error = {}, str(err)
    entries = manifest.get("tables") if isinstance(manifest.get("tables"), dict) else {}
    names = [spec.name for spec in TABLES] + sorted(set(entries) - {s.name for s in TABLES})
    runs = manifest.get("history") if isinstance(manifest.get("history"), list) else []
    identity = ArchiveIdentity.objects.filter(pk=1).values_list("database_id", flat=True).first()
    loads = SeedLoad.objects.order_by("-loaded_at", "-pk")[:seed_loads]
    bucket = settings.ARCHIVE_BUCKET
    return ArchiveOverview(
        storage=f"s3://{bucket}" if bucket else str(settings.ARCHIVE_DIR),
        manifest_found=bool(manifest),
        manifest_error=error,
        manifest_database_id=str(manifest["database_id"]) if manifest.get("database_id") else None,
        database_id=str(identity) if identity else None,
        last_run=_run(manifest.get("last_run")),
        tables=[_table(name, entries.get(name)) for name in names],
        history=[run for run in map(_run, runs[:history]) if run is not None],
        schedule=schedule_state(),
        seed_loads=[
            SeedLoadRow(s.table, s.full, s.window_start, s.window_end, s.loaded_at, s.source)
            for s in loads
        ],
        verification=verification_summary(),
    )


def loaded_days(table: str = "appointment") -> LoadedDays:
    """The days of ``table`` seed loads brought in: in full, or windows (touching ones merged)."""
    rows = list(
        SeedLoad.objects.filter(table=table).values_list("full", "window_start", "window_end")
    )
    windows = [Window(start, end) for full, start, end in rows if not full and start and end]
    return LoadedDays(
        seeded=bool(rows),
        full=any(full for full, _start, _end in rows),
        windows=[(window.start, window.end) for window in merged(windows)],
    )
