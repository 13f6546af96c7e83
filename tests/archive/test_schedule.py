"""The periodic archive: the migration's disabled task, and archive_schedule."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from archive.schedule import SCHEDULE_NAME, schedule_enable, schedule_status
from archive.services import archive_run

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("archive_schedule", *args, stdout=out)
    return out.getvalue()


def test_migration_creates_the_task_every_five_minutes_and_disabled():
    task = PeriodicTask.objects.get(name=SCHEDULE_NAME)
    assert task.task == "archive.tasks.archive_all"
    assert (task.interval.every, task.interval.period) == (5, "minutes")
    assert task.enabled is False


def test_enable_saves_through_the_model_so_beat_notices():
    before = PeriodicTasks.last_change()
    schedule_enable(every_minutes=10)
    task = PeriodicTask.objects.get(name=SCHEDULE_NAME)
    assert task.enabled and task.interval.every == 10
    assert PeriodicTasks.last_change() and PeriodicTasks.last_change() != before


def test_schedule_commands_enable_disable_and_report(archive_dir):
    assert "enabled, every 15 min" in _run("enable", "--every", "15")
    assert "disabled, every 15 min" in _run("disable")
    status = _run("status")
    assert "disabled" in status and "never" in status and "Manifest's last run: none" in status
    archive_run()
    assert "Manifest's last run: success" in _run("status")
    assert schedule_status().enabled is False


def test_an_interval_under_a_minute_is_refused():
    with pytest.raises(CommandError, match="“0” is not a whole number of at least 1"):
        _run("enable", "--every", "0")


def test_a_deleted_task_is_recreated_disabled():
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).delete()
    assert schedule_status().enabled is False
    assert PeriodicTask.objects.filter(name=SCHEDULE_NAME).exists()
