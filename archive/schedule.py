"""The periodic archive: the django-celery-beat task "archive-all" (every 5 minutes, off), and
the nightly verification "verify-archive" (02:00 in TIME_ZONE, off).

Changes are saved through the model, which tells beat (``PeriodicTasks.changed``); a
queryset ``.update()`` would be silently ignored by a running beat.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from archive.storage.manifest import ManifestUnreadable, manifest_read
from meetassist.exceptions import DomainError

SCHEDULE_NAME = "archive-all"
SCHEDULE_TASK = "archive.tasks.archive_all"
DEFAULT_EVERY_MINUTES = 5
VERIFY_SCHEDULE_NAME = "verify-archive"
VERIFY_SCHEDULE_TASK = "archive.tasks.verify_archive"
VERIFY_HOUR = 2


@dataclass(frozen=True)
class ScheduleStatus:
    enabled: bool
    every_minutes: int
    last_run_at: dt.datetime | None
    total_run_count: int
    manifest_last_run: dict[str, Any] | None


_PERIOD_SECONDS = {
    IntervalSchedule.DAYS: 86400,
    IntervalSchedule.HOURS: 3600,
    IntervalSchedule.MINUTES: 60,
    IntervalSchedule.SECONDS: 1,
}


def interval_minutes(interval: IntervalSchedule) -> int:
    """How often an interval fires, in whole minutes (sub-minute periods read as 0)."""
    return interval.every * _PERIOD_SECONDS.get(interval.period, 0) // 60


def _interval(minutes: int) -> IntervalSchedule:
    interval, _created = IntervalSchedule.objects.get_or_create(
        every=minutes, period=IntervalSchedule.MINUTES
    )
    return interval


def _periodic_task() -> PeriodicTask:
    """The task the data migration created (re-created, disabled, if someone deleted it)."""
    task = PeriodicTask.objects.filter(name=SCHEDULE_NAME).select_related("interval").first()
    if task is None:
        task = PeriodicTask.objects.create(
            name=SCHEDULE_NAME,
            task=SCHEDULE_TASK,
            interval=_interval(DEFAULT_EVERY_MINUTES),
            enabled=False,
        )
    return task


def schedule_enable(*, every_minutes: int | None = None) -> PeriodicTask:
    task = _periodic_task()
    if every_minutes is not None:
        if every_minutes < 1:
            raise DomainError(_("The interval must be at least one minute."))
        task.interval = _interval(every_minutes)
    task.enabled = True
    task.save()
    return task


def schedule_disable() -> PeriodicTask:
    task = _periodic_task()
    task.enabled = False
    task.save()
    return task


def schedule_status() -> ScheduleStatus:
    task = _periodic_task()
    try:
        manifest = manifest_read()
    except ManifestUnreadable:
        manifest = None  # the status still answers; runs and seeds say what is wrong
    return ScheduleStatus(
        enabled=task.enabled,
        every_minutes=interval_minutes(task.interval),
        last_run_at=task.last_run_at,
        total_run_count=task.total_run_count,
        manifest_last_run=(manifest or {}).get("last_run"),
    )


@dataclass(frozen=True)
class VerifyScheduleStatus:
    enabled: bool
    at: str  # HH:MM
    timezone: str
    last_run_at: dt.datetime | None


def _verify_task() -> PeriodicTask:
    """The nightly verification the migration created (re-created, disabled, if deleted)."""
    task = PeriodicTask.objects.filter(name=VERIFY_SCHEDULE_NAME).select_related("crontab").first()
    if task is None:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=str(VERIFY_HOUR),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        task = PeriodicTask.objects.create(
            name=VERIFY_SCHEDULE_NAME, task=VERIFY_SCHEDULE_TASK, crontab=crontab, enabled=False
        )
    return task


def verify_schedule_switch(*, enabled: bool) -> PeriodicTask:
    """Turn the nightly verification on or off (saved through the model: beat notices)."""
    task = _verify_task()
    task.enabled = enabled
    task.save()
    return task


def verify_schedule_status() -> VerifyScheduleStatus:
    task = _verify_task()
    crontab = task.crontab
    zone = str(crontab.timezone) if crontab else settings.TIME_ZONE
    return VerifyScheduleStatus(task.enabled, _clock(crontab), zone, task.last_run_at)


def _clock(crontab: CrontabSchedule | None) -> str:
    """``02:00`` for a daily time; the cron fields as they are when staff set another."""
    if crontab is None:
        return "?"
    if crontab.hour.isdigit() and crontab.minute.isdigit():
        return f"{int(crontab.hour):02d}:{int(crontab.minute):02d}"
    return f"{crontab.minute} {crontab.hour} * * *"
