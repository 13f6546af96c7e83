"""Celery tasks of the archive: thin wrappers that call the services."""

from __future__ import annotations

import datetime as dt
import time

from celery import shared_task
from celery.utils.log import get_task_logger

from archive.audit.verify import archive_verify
from archive.core.progress import FILES, OBJECTS, ProgressLog
from archive.core.status import TableStatus
from archive.seed.progress import seed_progress_log
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.uploads import staff_upload_confirm, staff_upload_preview

logger = get_task_logger(__name__)

PROGRESS_EVERY_SECONDS = 0.5


@shared_task(name="archive.tasks.archive_all")
def archive_all(tables: list[str] | None = None, force: bool = False) -> dict:
    """Archive every table (or the named ones); the result is a small JSON summary."""
    # A progress line in the worker's log every PROGRESS_LOG_SECONDS of a long run.
    result = archive_run(tables=tables, force=force, progress=ProgressLog(logger.info, unit=FILES))
    return {
        "status": result.status,
        "run_id": result.run_id,
        "uploaded": [t.name for t in result.tables if t.status == TableStatus.UPLOADED],
        "failed": [t.name for t in result.tables if t.status == TableStatus.FAILED],
        "message": result.message,
    }


@shared_task(name="archive.tasks.verify_archive")
def verify_archive() -> dict:
    """Read every archived object and compare it with the manifest; the result is recorded."""

    report = archive_verify(progress=ProgressLog(logger.info, unit=OBJECTS))
    return {
        "result": "ok" if report.ok else "problems",
        "objects": len(report.objects),
        **report.counts(),
        "problems": [str(f) for f in report.problems[:20]],
    }


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@shared_task(name="archive.tasks.seed_from_s3")
def seed_from_s3(
    date: str | None = None,
    window_days: int | None = None,
    full: bool = False,
    tables: list[str] | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
    accept_changed_files: bool = False,
) -> list[str]:
    """Seed this database from the archive; returns the summary lines."""
    result = seed_run(
        progress=seed_progress_log(logger.info),  # a line in the worker's log every few s
        date=_date(date),
        window_days=window_days,
        full=full,
        tables=tables,
        overwrite=overwrite,
        dry_run=dry_run,
        accept_changed_files=accept_changed_files,
    )
    return result.lines()


@shared_task(bind=True, name="archive.tasks.upload_preview")
def upload_preview(self, upload_id: str) -> str:
    """Check a recorded staff upload (a dry run) and keep what it found; returns its status."""
    return staff_upload_preview(upload_id=upload_id, progress=_progress(self)).status


@shared_task(bind=True, name="archive.tasks.upload_confirm")
def upload_confirm(self, upload_id: str) -> list[str]:
    """Load a previewed staff upload and archive its tables, reporting progress as task state."""
    return staff_upload_confirm(upload_id=upload_id, progress=_progress(self)).lines()


def _progress(task):
    return None if task.request.is_eager or not task.request.id else _state_reporter(task)


def _state_reporter(task):
    last = 0.0

    def report(event) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY_SECONDS:
            return
        last = now
        task.update_state(
            state="PROGRESS",
            meta={
                "table": event.table,
                "file": event.file,
                "done": event.done,
                "total": event.total,
            },
        )

    return report
