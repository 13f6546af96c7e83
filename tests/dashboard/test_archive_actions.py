"""The archive buttons: run now, schedule on/off, load a day; each logged in the admin's log."""

from __future__ import annotations

import pytest
from celery import shared_task
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages

from dashboard import archive_actions
from meetassist.exceptions import DomainError
from tests.language import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def runner(client_for, archive_dir):
    return client_for(perms=["dashboard.view_archive_status", "dashboard.run_archive"])


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/dashboard/archive/schedule/", {"enabled": "maybe"}),
        ("/dashboard/archive/schedule/", {"enabled": "on", "every_minutes": "0"}),
        ("/dashboard/archive/schedule/", {"enabled": "on", "every_minutes": "soon"}),
        ("/dashboard/appointments/load/", {"date": "12.03.2025"}),
        ("/dashboard/appointments/load/", {}),
    ],
)
def test_bad_button_input_is_a_400(client_for, url, data):
    client = client_for(superuser=True)
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"data-error" in response.content


def test_run_now_runs_the_archive_and_logs_who_asked(runner, schedule):
    response = english(runner).post("/dashboard/archive/run/")
    assert response.status_code == 302
    [(level, _text)] = messages_of(response)
    assert level == "success"
    entry = LogEntry.objects.get()
    assert entry.user.has_perm("dashboard.run_archive")
    assert "dashboard" in entry.get_change_message()


def test_load_day_runs_the_seed_for_that_date_and_logs_it(client_for, archive_dir):
    client = client_for(perms=["appointments.view_appointment", "dashboard.load_from_archive"])
    response = client.post("/dashboard/appointments/load/", {"date": "2025-03-12"})
    assert response["Location"].startswith("/dashboard/appointments/?date=2025-03-12")
    assert "12/03/2025" in LogEntry.objects.get().get_change_message()  # the staff's style


def test_schedule_buttons_switch_the_periodic_task_and_log_it(runner, schedule):
    response = runner.post("/dashboard/archive/schedule/", {"enabled": "on", "every_minutes": 10})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.enabled is True
    assert schedule.interval.every == 10 and schedule.interval.period == "minutes"
    runner.post("/dashboard/archive/schedule/", {"enabled": "off"})
    schedule.refresh_from_db()
    assert schedule.enabled is False
    messages = [e.get_change_message() for e in LogEntry.objects.order_by("pk")]
    assert len(messages) == 2
    assert all(e.object_id == str(schedule.pk) for e in LogEntry.objects.all())


@shared_task
def _refusing_task(date: str | None = None) -> None:
    raise DomainError(f"nothing archived for {date}")


@shared_task
def _succeeding_task() -> str:
    return "done"


def test_a_task_run_in_process_reports_its_refusal():
    started = archive_actions._start(_refusing_task, date="2025-03-12")
    assert (started.finished, started.failed) == (True, True)
    assert started.detail == "nothing archived for 2025-03-12"


def test_a_task_run_in_process_reports_success():
    started = archive_actions._start(_succeeding_task)
    assert (started.finished, started.failed, started.detail) == (True, False, None)
    assert started.task_id


def test_run_now_by_who_may_not_see_the_archive_page_lands_on_the_admin_index(
    client_for, archive_dir
):
    client = client_for(perms=["dashboard.run_archive"])

    response = english(client).post("/dashboard/archive/run/")

    assert response.status_code == 302 and response["Location"] == "/admin/"
    [(level, _text)] = messages_of(response)
    assert level == "success"
    assert client.get(response["Location"]).status_code == 200


def test_schedule_by_who_may_not_see_the_archive_page_lands_on_the_admin_index(
    client_for, schedule
):
    client = client_for(perms=["dashboard.run_archive"])

    response = client.post("/dashboard/archive/schedule/", {"enabled": "off"})

    assert response["Location"] == "/admin/"


def test_load_day_by_who_may_not_see_the_day_lands_on_the_admin_index(client_for, archive_dir):
    client = client_for(perms=["dashboard.load_from_archive"])

    response = client.post("/dashboard/appointments/load/", {"date": "2025-03-12"})

    assert response["Location"] == "/admin/"
    assert client.get(response["Location"]).status_code == 200
