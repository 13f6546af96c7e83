"""The dashboard's buttons on the archive: run it now, switch its schedule, load a day from it.

The archive app's tasks and schedule services are imported inside each function, so the
dashboard still loads where the archive is not installed and says so when a button is used.
Every action is written to the admin's log (LogEntry) and to the ``dashboard.actions`` logger.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from dataclasses import dataclass
from typing import Any

from celery.result import EagerResult
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_celery_beat.models import PeriodicTask

from archive.models import ArchiveIdentity
from meetassist.exceptions import DomainError

from .archive_status import SCHEDULE_NAME, Schedule, schedule_read

logger = logging.getLogger("dashboard.actions")


@dataclass(frozen=True)
class TaskStarted:
    task_id: str | None
    finished: bool  # ran in-process (no broker configured): the outcome is known now
    failed: bool
    detail: str | None


def _archive_module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as err:
        raise DomainError(
            _("The archive is not available in this installation (%(module)s is missing).")
            % {"module": name}
        ) from err


def _record(*, user: Any, obj: models.Model, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=CHANGE, change_message=message
    )
    logger.info("%s (user %s)", message, user.get_username())


def _start(task: Any, **kwargs: Any) -> TaskStarted:
    """Queue ``task``; without a broker it runs here and now, and its outcome is reported."""
    try:
        result = task.delay(**kwargs)
    except DomainError as err:
        return TaskStarted(None, finished=True, failed=True, detail=str(err))
    except Exception as err:  # the in-process run failed, or the broker is unreachable
        logger.exception("Task %s failed to run", task.name)
        return TaskStarted(None, finished=True, failed=True, detail=str(err))
    if isinstance(result, EagerResult):
        failed = result.failed()
        return TaskStarted(result.id, True, failed, str(result.result) if failed else None)
    return TaskStarted(result.id, finished=False, failed=False, detail=None)


def _outcome(started: TaskStarted) -> str:
    if started.failed:
        return _("failed: %(detail)s") % {"detail": started.detail}
    if started.finished:
        return _("finished")
    return _("queued as task %(id)s") % {"id": started.task_id}


def archive_run_now(*, user: Any) -> TaskStarted:
    """Run the archive of every table (``archive.tasks.archive_all``) on staff's request."""
    tasks = _archive_module("archive.tasks")
    started = _start(tasks.archive_all)
    _record(
        user=user,
        obj=ArchiveIdentity.current(),
        message=_("Archive run started from the dashboard: %(outcome)s.")
        % {"outcome": _outcome(started)},
    )
    return started


def archive_day_load(*, user: Any, date: dt.date) -> TaskStarted:
    """Load one day's slice from the archive (``archive.tasks.seed_from_s3``) on request."""
    tasks = _archive_module("archive.tasks")
    started = _start(tasks.seed_from_s3, date=date.isoformat())
    _record(
        user=user,
        obj=ArchiveIdentity.current(),
        message=_("Loading %(date)s from the archive: %(outcome)s.")
        % {"date": date_format(date, "SHORT_DATE_FORMAT"), "outcome": _outcome(started)},
    )
    return started


def archive_schedule_set(*, user: Any, enabled: bool, every_minutes: int | None = None) -> Schedule:
    """Switch the periodic archive on (optionally at a new interval) or off."""
    schedule = _archive_module("archive.schedule")
    if enabled:
        schedule.schedule_enable(every_minutes=every_minutes)
    else:
        schedule.schedule_disable()
    now = schedule_read()
    task = PeriodicTask.objects.filter(name=SCHEDULE_NAME).first()
    if enabled:
        message = _("Periodic archive enabled from the dashboard, every %(minutes)s minutes.") % {
            "minutes": f"{now.every_minutes:g}" if now.every_minutes else "?"
        }
    else:
        message = _("Periodic archive disabled from the dashboard.")
    _record(user=user, obj=task or ArchiveIdentity.current(), message=message)
    return now
