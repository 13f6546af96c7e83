"""Archive services: what other apps (the dashboard, commands, tasks) may do to the archive.

``archive_run`` copies every table to the archive storage, one run at a time
(core/lock.py); the run itself is export/run.py's. The periodic archive is switched here.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask

from archive.core.lock import run_lock
from archive.core.tables import tables as registry_tables
from archive.export.context import Progress
from archive.export.run import ALREADY_RUNNING, ArchiveResult, run_archive
from archive.models import ArchiveIdentity
from archive.schedule import schedule_disable, schedule_enable


def archive_run(
    *,
    tables: list[str] | None = None,
    force: bool = False,
    take_over: bool = False,
    progress: Progress | None = None,
) -> ArchiveResult:
    """Archive the named tables (all when None); returns at once if a run is going on.

    Raises ``DomainError`` when the archive belongs to another database (see the message).
    """
    specs = registry_tables(tables)
    with run_lock() as held:
        if not held:
            return ArchiveResult(
                ALREADY_RUNNING, message=_("Another archive run is already running.")
            )
        return run_archive(specs, force=force, take_over=take_over, progress=progress)


def archive_schedule_switch(*, enabled: bool, every_minutes: int | None = None) -> PeriodicTask:
    """Turn the periodic archive on (every ``every_minutes``, else the setting) or off."""
    return schedule_enable(every_minutes=every_minutes) if enabled else schedule_disable()


def archive_identity() -> ArchiveIdentity:
    """This database's archive identity (made on first use): what staff actions on the
    archive are logged against."""
    return ArchiveIdentity.current()
