"""Consultant admin: the 'generate slots' action and the delete guard."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from appointments.models import Consultant, ConsultantSchedule
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appointments_consultant_changelist")
MONDAY = dt.date(2031, 3, 3)


def generate(client, consultants, **options):
    form = {
        "start_date": MONDAY.isoformat(),
        "end_date": (MONDAY + dt.timedelta(days=6)).isoformat(),
        "weekdays": ["0", "2"],
        "start_hour": 8,
        "end_hour": 12,
        "slot_minutes": 60,
        **options,
    }
    return client.post(
        CHANGELIST,
        {
            "action": "generate_slots",
            helpers.ACTION_CHECKBOX_NAME: [c.pk for c in consultants],
            "apply": "1",
            **form,
        },
        follow=True,
    )


def test_generate_slots_asks_for_dates_and_hours_first(superuser_client):
    consultant = factories.ConsultantFactory()
    response = superuser_client.post(
        CHANGELIST,
        {"action": "generate_slots", helpers.ACTION_CHECKBOX_NAME: [consultant.pk]},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/appointments/consultant/generate_slots.html"
    assert response.context["form"]["slot_minutes"].value() == 60
    assert not ConsultantSchedule.objects.exists()


def test_generate_slots_creates_them_and_a_second_run_creates_none(superuser_client, caplog):
    consultants = factories.ConsultantFactory.create_batch(2)
    with caplog.at_level(logging.INFO, logger="meetassist.admin"):
        first = generate(superuser_client, consultants)
    # 2 consultants × (Monday, Wednesday) × 4 one-hour slots from 8 to 12.
    assert [str(m) for m in first.context["messages"]] == ["16 slots created (0 already existed)."]
    slots = ConsultantSchedule.objects.filter(consultant=consultants[0])
    assert sorted({s.date.weekday() for s in slots}) == [0, 2]
    assert sorted({s.start_time for s in slots}) == [dt.time(h) for h in (8, 9, 10, 11)]
    second = generate(superuser_client, consultants)
    assert [str(m) for m in second.context["messages"]] == ["0 slots created (16 already existed)."]
    assert ConsultantSchedule.objects.count() == 16
    [record, _] = [r for r in caplog.records if r.name == "meetassist.admin"]
    assert record.admin_action == "generate_slots"
    assert sorted(record.admin_object_ids) == sorted(str(c.pk) for c in consultants)


def test_generate_slots_shows_the_service_refusal_on_the_form(superuser_client):
    consultant = factories.ConsultantFactory()
    response = generate(superuser_client, [consultant], start_hour=12, end_hour=9)
    assert response.status_code == 200
    assert "Hours must satisfy 0 ≤ start &lt; end ≤ 24." in response.content.decode()
    assert not ConsultantSchedule.objects.exists()


def test_generate_slots_needs_permission_to_add_slots(login):
    client = login(perms=["appointments.view_consultant", "appointments.change_consultant"])
    consultant = factories.ConsultantFactory()
    generate(client, [consultant])
    assert not ConsultantSchedule.objects.exists()


def test_deleting_a_consultant_with_appointments_is_refused_with_a_clear_message(
    superuser_client,
):
    appointment = factories.AppointmentFactory()
    factories.AppointmentFactory(consultant=appointment.consultant, time="11:00")
    consultant = appointment.consultant
    url = reverse("admin:appointments_consultant_delete", args=[consultant.pk])
    expected = (
        f"Consultant {consultant.full_name} has 2 appointments and cannot be deleted; "
        "mark the consultant disabled instead."
    )
    page = superuser_client.get(url)
    assert page.status_code == 200
    assert expected in page.content.decode()
    refused = superuser_client.post(url, {"post": "yes"})
    assert refused.status_code == 200
    assert expected in refused.content.decode()
    assert Consultant.objects.filter(pk=consultant.pk).exists()


def test_bulk_delete_refuses_when_any_selected_consultant_has_appointments(superuser_client):
    busy = factories.AppointmentFactory().consultant
    idle = factories.ConsultantFactory()
    response = superuser_client.post(
        CHANGELIST,
        {
            "action": "delete_selected",
            helpers.ACTION_CHECKBOX_NAME: [busy.pk, idle.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert f"Consultant {busy.full_name} has 1 appointment and cannot" in response.content.decode()
    assert Consultant.objects.count() == 2


def test_a_consultant_without_appointments_is_deleted_with_the_slots(superuser_client, caplog):
    consultant = factories.ScheduleFactory().consultant
    url = reverse("admin:appointments_consultant_delete", args=[consultant.pk])
    with caplog.at_level(logging.INFO, logger="meetassist.admin"):
        response = superuser_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Consultant.objects.exists() and not ConsultantSchedule.objects.exists()
    [record] = [r for r in caplog.records if r.name == "meetassist.admin"]
    assert (record.admin_action, record.admin_object_ids) == ("delete", [str(consultant.pk)])
