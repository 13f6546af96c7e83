"""Seeding this database from the archive: the service behind ``seed_from_s3`` (command, task).

Reference tables load in full, windowed tables only the rows whose date lies in
[date − N, date + N] (feedback follows its appointment); ``full`` loads everything. Rows the
database lacks are inserted; rows it holds are kept (a live database is newer than its
archive) unless ``overwrite``. Nothing is ever deleted. The run records what it loaded and
adopts the archive's ``database_id`` (docs/architecture.md, "The archive never loses a row").

Every file the manifest lists is checked against its MD5 and record count as it is read;
one that changed since it was archived fails the run, unless ``accept_changed_files``
(then the load record lists it as unverified). An unreadable manifest, or a lost one
while monthly files remain, is refused before anything is read; so is a storage that
holds no archive at all (no manifest, no data file: a wrong or missing ARCHIVE_DIR or
bucket) or cannot be reached, rather than reporting "no file" for every table.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core.calendar import Window
from archive.core.tables import TableSpec
from archive.core.tables import tables as registry_tables
from archive.models import ArchiveIdentity, SeedLoad
from archive.seed.load import LoadResult, ProgressCallback, run_load
from archive.seed.loaders.base import TableCounts
from archive.seed.plan import archive_sources
from archive.storage.backends import archive_place, archive_reached, archive_storage
from archive.storage.keys import sequences_past_archive
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import manifest_read
from archive.storage.objects import objects
from meetassist.exceptions import DomainError


@dataclass
class SeedResult(LoadResult):
    manifest_database_id: str | None = None

    def lines(self) -> list[str]:
        lines = super().lines()
        if self.manifest_database_id and not self.dry_run:
            lines.append(
                _("Database ID adopted from the archive: %(id)s")
                % {"id": self.manifest_database_id}
            )
        return lines


def seed_run(
    *,
    date: dt.date | None = None,
    window_days: int | None = None,
    full: bool = False,
    tables: list[str] | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    accept_changed_files: bool = False,
) -> SeedResult:
    """Load the archive into this database, all or nothing; see the module docstring."""
    specs = registry_tables(tables)
    window = None if full else _window(date, window_days)
    with archive_reached():
        manifest = manifest_read()  # ManifestUnreadable: refused, nothing is loaded
        if manifest is None:
            _require_archive()
        plan = archive_sources(specs, manifest, window)
        if not any(plan.values()):
            # An archive whose manifest lists only empty tables: nothing to load, no failure.
            if not dry_run:
                sequences_past_archive(manifest)
            return SeedResult([TableCounts(s.name) for s in specs], window, dry_run)
        result = run_load(
            specs,
            plan,
            window=window,
            overwrite=overwrite,
            dry_run=dry_run,
            progress=progress,
            after=partial(_record, specs, window, manifest),
            accept_changed_files=accept_changed_files,
        )
    database_id = _manifest_id(manifest)
    adopted = str(database_id) if database_id else None
    return SeedResult(result.tables, result.window, result.dry_run, adopted)


def _require_archive() -> None:
    """With no manifest, the original system's files must be there (docs/architecture.md), or this
    is not an archive: a folder or bucket named wrongly, or nothing archived there yet."""
    if objects(archive_storage()).listing("data/"):
        return
    place = archive_place()
    storage = archive_storage()
    if getattr(storage, "location", None) and not Path(storage.location).is_dir():
        raise DomainError(
            _(
                "There is no archive to load: %(place)s does not exist. Nothing was loaded. "
                "Set ARCHIVE_DIR to the folder that holds the archive, or ARCHIVE_BUCKET to "
                "its bucket."
            )
            % {"place": place}
        )
    raise DomainError(
        _(
            "There is no archive to load: %(place)s holds no manifest (%(manifest)s) and no "
            "data files (data/*.csv). Nothing was loaded. Check ARCHIVE_BUCKET or "
            "ARCHIVE_DIR, or archive a database there first (manage.py archive_now)."
        )
        % {"place": place, "manifest": MANIFEST_KEY}
    )


def _window(date: dt.date | None, window_days: int | None) -> Window:
    days = settings.SEED_WINDOW_DAYS if window_days is None else window_days
    if days < 0:
        raise DomainError(_("The window cannot have a negative number of days."))
    return Window.around(date or timezone.localdate(), days)


def _manifest_id(manifest: dict[str, Any] | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str((manifest or {})["database_id"]))
    except (KeyError, ValueError):
        return None


def _record(
    specs: list[TableSpec],
    window: Window | None,
    manifest: dict[str, Any] | None,
    results: list[TableCounts],
) -> None:
    """Write down what was loaded (per table: full or the window), and adopt the archive."""
    now = timezone.now()
    database_id = _manifest_id(manifest)
    last_run = (manifest or {}).get("last_run") or {}
    finished_at = str(last_run.get("finished_at") or "")[:40]
    for spec, counts in zip(specs, results, strict=True):
        if not counts.files:
            continue
        full = window is None or not spec.windowed
        load, _created = SeedLoad.objects.update_or_create(
            table=spec.name,
            full=full,
            window_start=None if full else window.start,
            window_end=None if full else window.end,
            defaults={
                "loaded_at": now,
                "source": ", ".join(counts.files)[:500],
                "manifest_database_id": database_id,
                "manifest_finished_at": finished_at,
            },
        )
        if counts.changed:
            # Kept across later loads of the same window: the rows loaded stay.
            unverified = set(load.unverified) | {c.key for c in counts.changed}
            load.unverified = sorted(unverified)
            load.save(update_fields=["unverified"])
    sequences_past_archive(manifest)
    if database_id is not None:
        identity = ArchiveIdentity.current()
        identity.database_id = database_id
        identity.adopted_at = now
        identity.save(update_fields=["database_id", "adopted_at"])
