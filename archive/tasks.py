"""Celery tasks of the archive: thin wrappers that call the services."""

from __future__ import annotations

from celery import shared_task
from celery.utils.log import get_task_logger

logger = get_task_logger(__name__)


@shared_task(name="archive.tasks.archive_all")
def archive_all(tables: list[str] | None = None, force: bool = False) -> dict:
    """Archive every table (or the named ones); the result is a small JSON summary."""
    from archive.progress import FILES, ProgressLog
    from archive.services import archive_run

    # A progress line in the worker's log every PROGRESS_LOG_SECONDS of a long run.
    result = archive_run(tables=tables, force=force, progress=ProgressLog(logger.info, unit=FILES))
    return {
        "status": result.status,
        "run_id": result.run_id,
        "uploaded": [t.name for t in result.tables if t.status == "uploaded"],
        "failed": [t.name for t in result.tables if t.status == "failed"],
        "message": result.message,
    }


@shared_task(name="archive.tasks.verify_archive")
def verify_archive() -> dict:
    """Read every archived object and compare it with the manifest; the result is recorded."""
    from archive.audit.verify import archive_verify
    from archive.progress import OBJECTS, ProgressLog

    report = archive_verify(progress=ProgressLog(logger.info, unit=OBJECTS))
    return {
        "result": "ok" if report.ok else "problems",
        "objects": len(report.objects),
        **report.counts(),
        "problems": [str(f) for f in report.problems[:20]],
    }


# The seeding and upload tasks (archive.tasks.seed_from_s3, upload_preview, upload_confirm)
# live in seed_tasks.py until the merge moves them here; importing them registers them by name.
from archive.seed.tasks import seed_from_s3, upload_confirm, upload_preview  # noqa: E402, F401
