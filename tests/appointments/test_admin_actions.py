"""The appointment status actions: they call the services, report, refuse and log."""

from __future__ import annotations

import logging

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appointments_appointment_changelist")


def run_action(client, action, appointments, **extra):
    return client.post(
        CHANGELIST,
        {
            "action": action,
            helpers.ACTION_CHECKBOX_NAME: [a.pk for a in appointments],
            **extra,
        },
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def statuses(appointments) -> list[str]:
    for appointment in appointments:
        appointment.refresh_from_db()
    return [a.status for a in appointments]


def test_confirm_action_confirms_every_pending_appointment(superuser_client):
    pending = factories.AppointmentFactory.create_batch(3, status="pending")
    response = run_action(superuser_client, "confirm", pending)
    assert statuses(pending) == ["confirmed"] * 3
    assert messages_of(response) == ["3 appointments confirmed."]


def test_complete_action_completes_a_confirmed_appointment(superuser_client):
    confirmed = [factories.AppointmentFactory(status="confirmed")]
    response = run_action(superuser_client, "complete", confirmed)
    assert statuses(confirmed) == ["completed"]
    assert messages_of(response) == ["1 appointment marked completed."]


def test_cancel_action_cancels_and_frees_the_slot(superuser_client):
    slot = factories.ScheduleFactory(is_available=False)
    appointment = factories.AppointmentFactory(
        consultant=slot.consultant, date=slot.date, time=slot.start_time, status="confirmed"
    )
    run_action(superuser_client, "cancel", [appointment])
    slot.refresh_from_db()
    assert statuses([appointment]) == ["cancelled"]
    assert slot.is_available


def test_a_refused_transition_shows_why_and_changes_nothing(superuser_client):
    completed = factories.AppointmentFactory(status="completed")
    pending = factories.AppointmentFactory(status="pending")
    response = run_action(superuser_client, "complete", [completed, pending])
    assert statuses([completed, pending]) == ["completed", "pending"]
    assert response.status_code == 200
    assert sorted(messages_of(response)) == sorted(
        [
            f"Appointment {completed.pk} is Completed and cannot become Completed.",
            f"Appointment {pending.pk} is Pending and cannot become Completed.",
        ]
    )


def test_a_mixed_selection_does_what_it_can_and_reports_both(superuser_client):
    cancelled = factories.AppointmentFactory(status="cancelled")
    pending = factories.AppointmentFactory(status="pending")
    response = run_action(superuser_client, "confirm", [cancelled, pending])
    assert statuses([cancelled, pending]) == ["cancelled", "confirmed"]
    assert messages_of(response) == [
        "1 appointment confirmed.",
        f"Appointment {cancelled.pk} is Cancelled and cannot become Confirmed.",
    ]


def test_actions_are_logged_with_user_action_and_objects(superuser_client, caplog):
    pending = factories.AppointmentFactory.create_batch(2, status="pending")
    done = factories.AppointmentFactory(status="completed")
    with caplog.at_level(logging.INFO, logger="meetassist.admin"):
        run_action(superuser_client, "confirm", [*pending, done])
    [record] = [r for r in caplog.records if r.name == "meetassist.admin"]
    assert record.levelno == logging.WARNING  # one of them was refused
    assert record.admin_action == "confirm"
    assert record.admin_user == "user1"
    assert record.admin_model == "appointments.Appointment"
    assert sorted(record.admin_object_ids) == sorted(str(a.pk) for a in [*pending, done])
    assert "2 done, 1 refused" in record.getMessage()


def test_status_actions_need_change_permission(login):
    client = login(perms=["appointments.view_appointment"])
    appointment = factories.AppointmentFactory(status="pending")
    response = run_action(client, "confirm", [appointment])
    assert statuses([appointment]) == ["pending"]
    assert response.status_code == 200  # Django answers "no action selected"


def test_assign_action_opens_the_slot_page_for_exactly_one_appointment(superuser_client):
    first, second = factories.AppointmentFactory.create_batch(2)
    response = superuser_client.post(
        CHANGELIST, {"action": "assign_slot", helpers.ACTION_CHECKBOX_NAME: [first.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:appointments_appointment_assign_slot", args=[first.pk]
    )
    refused = run_action(superuser_client, "assign_slot", [first, second])
    assert messages_of(refused) == ["Select exactly one appointment to assign to a slot."]
