"""The dashboard's buttons on the archive (run it now, switch its schedule, load a day from it)
and the progress of the tasks they queue.

Every action is written to the admin's log (LogEntry) and to the ``dashboard.actions`` logger.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from celery.backends.base import DisabledBackend
from celery.result import EagerResult
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from archive.selectors import ScheduleState, schedule_state
from archive.services import archive_identity, archive_schedule_switch
from archive.tasks import archive_all, seed_from_s3
from meetassist.celery import app as celery_app
from meetassist.exceptions import DomainError

logger = logging.getLogger("dashboard.actions")


@dataclass(frozen=True)
class TaskStarted:
    task_id: str | None
    finished: bool  # ran in-process (no broker configured): the outcome is known now
    failed: bool
    detail: str | None


@dataclass(frozen=True)
class TaskProgress:
    task_id: str
    state: str  # Celery's: PENDING (or unknown), STARTED, PROGRESS, SUCCESS, FAILURE, …
    ready: bool
    detail: str | None


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
    started = _start(archive_all)
    _record(
        user=user,
        obj=archive_identity(),
        message=_("Archive run started from the dashboard: %(outcome)s.")
        % {"outcome": _outcome(started)},
    )
    return started


def archive_day_load(*, user: Any, date: dt.date) -> TaskStarted:
    """Load one day's slice from the archive (``archive.tasks.seed_from_s3``) on request."""
    started = _start(seed_from_s3, date=date.isoformat())
    _record(
        user=user,
        obj=archive_identity(),
        message=_("Loading %(date)s from the archive: %(outcome)s.")
        % {"date": date_format(date, "SHORT_DATE_FORMAT"), "outcome": _outcome(started)},
    )
    return started


def archive_schedule_set(
    *, user: Any, enabled: bool, every_minutes: int | None = None
) -> ScheduleState:
    """Switch the periodic archive on (optionally at a new interval) or off."""
    task = archive_schedule_switch(enabled=enabled, every_minutes=every_minutes)
    now = schedule_state()
    if enabled:
        message = _("Periodic archive enabled from the dashboard, every %(minutes)s minutes.") % {
            "minutes": f"{now.every_minutes:g}" if now.every_minutes else "?"
        }
    else:
        message = _("Periodic archive disabled from the dashboard.")
    _record(user=user, obj=task, message=message)
    return now


def task_progress(task_id: str) -> TaskProgress:
    """A queued task's state from the result backend (unknown without one, or unreachable)."""
    if isinstance(celery_app.backend, DisabledBackend):
        return TaskProgress(task_id, "UNKNOWN", False, None)
    result = celery_app.AsyncResult(task_id)
    try:
        state, info, ready = result.state, result.info, result.ready()
    except Exception as err:  # whatever the configured backend raises when it is down
        return TaskProgress(task_id, "UNKNOWN", False, str(err))
    if isinstance(info, dict):
        detail = ", ".join(f"{k}: {v}" for k, v in info.items())
    else:
        detail = str(info) if info is not None else None
    return TaskProgress(task_id, state, ready, detail)
