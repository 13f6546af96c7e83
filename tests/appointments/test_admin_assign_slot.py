"""The assign-to-slot page: it offers free slots only, moves, frees, and refuses politely."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse

from appointments.models import ConsultantSchedule
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2031, 3, 3)


def page_url(appointment) -> str:
    return reverse("admin:appointments_appointment_assign_slot", args=[appointment.pk])


def slot(*, hour: int, day: dt.date = DAY, **fields) -> ConsultantSchedule:
    return factories.ScheduleFactory(
        date=day, start_time=dt.time(hour), end_time=dt.time(hour + 1), **fields
    )


@pytest.fixture
def booked():
    """An appointment holding a slot, plus a free and a taken slot of another consultant."""
    held = slot(hour=9, is_available=False)
    appointment = factories.AppointmentFactory(
        consultant=held.consultant, date=DAY, time=held.start_time, status="confirmed"
    )
    other = factories.ConsultantFactory()
    free = slot(hour=14, consultant=other)
    taken = slot(hour=10, consultant=other, is_available=False)
    return appointment, held, free, taken


def test_page_offers_only_free_slots(superuser_client, booked):
    appointment, held, free, taken = booked
    disabled = slot(hour=11, consultant__is_disabled=True)
    response = superuser_client.get(page_url(appointment), {"date_from": DAY.isoformat()})
    assert response.status_code == 200
    assert [s.pk for s in response.context["slots"]] == [free.pk]
    offered = response.content.decode()
    assert f'id="slot-{free.pk}"' in offered
    for not_offered in (held, taken, disabled):
        assert f'id="slot-{not_offered.pk}"' not in offered


def test_page_filters_slots_by_consultant_and_dates(superuser_client, booked):
    appointment, _held, free, _taken = booked
    later = slot(hour=8, consultant=free.consultant, day=DAY + dt.timedelta(days=9))
    mine = slot(hour=16, consultant=appointment.consultant)
    url = page_url(appointment)
    by_consultant = superuser_client.get(url, {"consultant": free.consultant_id})
    assert [s.pk for s in by_consultant.context["slots"]] == [free.pk, later.pk]
    by_dates = superuser_client.get(url, {"date_from": DAY, "date_to": DAY})
    assert {s.pk for s in by_dates.context["slots"]} == {free.pk, mine.pk}


def test_choosing_a_free_slot_moves_the_appointment_and_frees_the_old_slot(
    superuser_client, booked, caplog
):
    appointment, held, free, _taken = booked
    with caplog.at_level(logging.INFO, logger="meetassist.admin"):
        response = superuser_client.post(page_url(appointment), {"slot": free.pk}, follow=True)
    appointment.refresh_from_db()
    held.refresh_from_db()
    free.refresh_from_db()
    assert (appointment.consultant_id, appointment.date, appointment.time) == (
        free.consultant_id,
        free.date,
        free.start_time,
    )
    assert held.is_available and not free.is_available
    assert response.redirect_chain[-1][0] == reverse(
        "admin:appointments_appointment_change", args=[appointment.pk]
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith(f"Appointment #{appointment.pk} ") and "now holds the slot" in message
    [record] = [r for r in caplog.records if r.name == "meetassist.admin"]
    assert record.admin_action == "assign_slot"
    assert record.admin_object_ids == [str(appointment.pk)]
    assert f"slot {free.pk}" in record.getMessage()


def test_a_slot_taken_meanwhile_is_refused_and_nothing_moves(superuser_client, booked):
    appointment, held, _free, taken = booked
    response = superuser_client.post(page_url(appointment), {"slot": taken.pk})
    assert response.status_code == 200
    assert "That slot is no longer free; choose another one." in response.content.decode()
    appointment.refresh_from_db()
    held.refresh_from_db()
    assert appointment.consultant_id == held.consultant_id and not held.is_available


def test_a_service_refusal_is_a_message_not_a_server_error(superuser_client, booked):
    appointment, _held, free, _taken = booked
    appointment.status = "completed"
    appointment.save()
    response = superuser_client.post(page_url(appointment), {"slot": free.pk}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"Appointment {appointment.pk} is Completed; only pending or confirmed ones can move."
    ]
    free.refresh_from_db()
    assert free.is_available


def test_the_page_needs_the_csrf_token(login, booked):
    appointment, _held, free, _taken = booked
    client = Client(enforce_csrf_checks=True)
    client.cookies = login(superuser=True).cookies
    assert client.post(page_url(appointment), {"slot": free.pk}).status_code == 403
    free.refresh_from_db()
    assert free.is_available
    page = client.get(page_url(appointment))
    token = page.context["csrf_token"]
    moved = client.post(page_url(appointment), {"slot": free.pk, "csrfmiddlewaretoken": token})
    assert moved.status_code == 302
    assert not ConsultantSchedule.objects.get(pk=free.pk).is_available


def test_view_only_staff_cannot_open_the_page(login, booked):
    appointment, _held, free, _taken = booked
    client = login(perms=["appointments.view_appointment"])
    assert client.get(page_url(appointment)).status_code == 403
    assert client.post(page_url(appointment), {"slot": free.pk}).status_code == 403


def test_an_unknown_appointment_redirects_with_a_message(superuser_client):
    response = superuser_client.get(
        reverse("admin:appointments_appointment_assign_slot", args=[987654]), follow=True
    )
    assert response.status_code == 200
    assert "doesn’t exist" in str(list(response.context["messages"])[0])


def test_change_page_links_to_the_slot_page_while_the_appointment_can_move(
    superuser_client, booked
):
    appointment, *_ = booked
    change = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    assert page_url(appointment) in superuser_client.get(change).content.decode()
    appointment.status = "cancelled"
    appointment.save()
    assert page_url(appointment) not in superuser_client.get(change).content.decode()
