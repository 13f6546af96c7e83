"""Staff who may view appointments but not customers (or consultants) see keys, not people:
in the changelist, its filters, its search and its export (issue 13, item 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.appointments.test_admin_export import csv_rows, export

pytestmark = pytest.mark.django_db

APPOINTMENTS = reverse("admin:appointments_appointment_changelist")
FEEDBACK = reverse("admin:appointments_appointmentfeedback_changelist")
SCHEDULE = reverse("admin:appointments_consultantschedule_changelist")
PARTICIPANTS = reverse("admin:appointments_programparticipant_changelist")


@pytest.fixture
def booked():
    """Two appointments of two customers with distinctive names and contacts."""
    first = factories.AppointmentFactory(
        customer__full_name="Phạm Bí Mật",
        customer__email="bimat@gmail.com",
        customer__phone_number="0987654321",
        consultant__full_name="Lê Tư Vấn",
    )
    second = factories.AppointmentFactory(customer__full_name="Đỗ Khác")
    return first, second


def test_appointment_list_shows_customer_and_consultant_keys_without_their_permission(
    login, booked
):
    first, _second = booked
    client = login(perms=["appointments.view_appointment"])

    html = client.get(APPOINTMENTS).content.decode()

    assert "Phạm Bí Mật" not in html
    assert "Lê Tư Vấn" not in html  # neither in a column nor in the consultant filter
    assert f">{first.customer_id}<" in html
    assert f">{first.consultant_id}<" in html


def test_appointment_list_shows_names_with_the_customer_and_consultant_permissions(login, booked):
    client = login(
        perms=[
            "appointments.view_appointment",
            "appointments.view_customer",
            "appointments.view_consultant",
        ]
    )

    html = client.get(APPOINTMENTS).content.decode()

    assert "Phạm Bí Mật" in html
    assert "Lê Tư Vấn" in html


def test_search_by_customer_email_or_phone_needs_the_customer_permission(login, booked):
    first, second = booked
    blind = login(perms=["appointments.view_appointment"])
    seeing = login(perms=["appointments.view_appointment", "appointments.view_customer"])

    for query in ("gmail.com", "0987654321", "Bí Mật"):
        blind_rows = blind.get(APPOINTMENTS, {"q": query}).context["cl"].result_list
        seeing_rows = seeing.get(APPOINTMENTS, {"q": query}).context["cl"].result_list
        # Without it the box searches nothing: the list is not narrowed by a customer's data.
        assert {a.pk for a in blind_rows} == {first.pk, second.pk}, query
        assert [a.pk for a in seeing_rows] == [first.pk], query
    assert 'id="searchbar"' not in blind.get(APPOINTMENTS).content.decode()


def test_export_without_the_customer_permission_holds_keys_not_names(login, booked):
    first, _second = booked
    client = login(perms=["appointments.view_appointment"])

    rows = csv_rows(export(client, {}, "csv"))

    assert "Customer name" not in rows[0] and "Consultant name" not in rows[0]
    by_id = {int(r["Appointment ID"]): r for r in rows}
    assert by_id[first.pk]["Customer ID"] == first.customer_id
    assert by_id[first.pk]["Consultant ID"] == str(first.consultant_id)
    assert "Phạm Bí Mật" not in str(rows)


def test_export_with_the_customer_permission_only_still_hides_consultant_names(login, booked):
    first, _second = booked
    client = login(perms=["appointments.view_appointment", "appointments.view_customer"])

    rows = csv_rows(export(client, {}, "csv"))

    by_id = {int(r["Appointment ID"]): r for r in rows}
    assert by_id[first.pk]["Customer name"] == "Phạm Bí Mật"
    assert "Consultant name" not in rows[0] and "Consultant ID" in rows[0]


def test_feedback_schedule_and_participant_lists_follow_the_same_rule(login):
    feedback = factories.FeedbackFactory(
        appointment__customer__full_name="Phạm Bí Mật",
        appointment__consultant__full_name="Lê Tư Vấn",
    )
    slot = factories.ScheduleFactory(consultant__full_name="Võ Lịch Hẹn")
    client = login(
        perms=[
            "appointments.view_appointmentfeedback",
            "appointments.view_consultantschedule",
        ]
    )

    feedback_html = client.get(FEEDBACK).content.decode()
    schedule_html = client.get(SCHEDULE).content.decode()

    assert "Phạm Bí Mật" not in feedback_html and "Lê Tư Vấn" not in feedback_html
    assert f">{feedback.appointment.customer_id}<" in feedback_html
    assert "Võ Lịch Hẹn" not in schedule_html
    assert f">{slot.consultant_id}<" in schedule_html
