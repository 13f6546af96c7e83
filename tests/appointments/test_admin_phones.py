"""Phone numbers in the admin: saved in their stored form, warned about, found by any form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from appointments.models import Consultant, Customer
from tests import factories

pytestmark = pytest.mark.django_db

CUSTOMERS = reverse("admin:appointments_customer_changelist")


def _add_customer(client, phone: str):
    data = {
        "customer_id": "c-new",
        "full_name": "Nguyễn Văn An",
        "email": "",
        "phone_number": phone,
        "date_of_birth": "",
        "notes": "",
    }
    return client.post(reverse("admin:appointments_customer_add"), data)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0084912345678", "0912345678"),
        ("912345678", "0912345678"),
        ("(024) 3826 1234", "02438261234"),
        ('="0912345678"', "0912345678"),
        ("0162 345 6789", "0323456789"),
        ("1800 1090", "18001090"),
    ],
)
def test_a_customer_saved_in_the_admin_gets_the_stored_form(superuser_client, typed, stored):
    response = _add_customer(superuser_client, typed)
    assert response.status_code == 302
    assert Customer.objects.get(pk="c-new").phone_number == stored
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


def test_text_that_is_not_a_number_is_saved_as_typed_with_a_warning(superuser_client):
    response = _add_customer(superuser_client, "0912 345 678 (bố)")
    assert response.status_code == 302
    assert Customer.objects.get(pk="c-new").phone_number == "0912 345 678 (bố)"
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "“0912 345 678 (bố)” (Phone number) is not a valid phone number; it was saved as typed."
    ]


def test_the_form_says_which_forms_are_accepted(superuser_client):
    page = superuser_client.get(reverse("admin:appointments_customer_add"))
    assert "Any form is accepted (+84…, 84…, 0084…" in page.content.decode()


def test_a_consultant_saved_in_the_admin_gets_the_stored_form(superuser_client):
    consultant = factories.ConsultantFactory(phone_number="")
    data = {
        "full_name": consultant.full_name,
        "email": consultant.email,
        "phone_number": "+84 28 3822 1234",
        "specialties": "",
        "qualifications": "",
        "join_date": "2024-01-15",
        "is_disabled": "",
    }
    url = reverse("admin:appointments_consultant_change", args=[consultant.pk])
    assert superuser_client.post(url, data).status_code == 302
    assert Consultant.objects.get(pk=consultant.pk).phone_number == "02838221234"


@pytest.mark.parametrize(
    "term",
    ["0912", "0912345678", "+84912345678", "+84 912 345 678", "0084 912 345", "912 345",
     "0912.345.678", "84912345678", "0912-345"],
)  # fmt: skip
def test_staff_find_a_customer_by_any_form_of_the_number(superuser_client, term):
    wanted = factories.CustomerFactory(phone_number="0912345678")
    factories.CustomerFactory(phone_number="0987654321")
    response = superuser_client.get(CUSTOMERS, {"q": term})
    assert [c.pk for c in response.context["cl"].result_list] == [wanted.pk]


def test_a_phone_search_keeps_the_filters(superuser_client):
    factories.CustomerFactory(phone_number="0912345678", is_disabled=True)
    active = factories.CustomerFactory(phone_number="0912345679")
    response = superuser_client.get(CUSTOMERS, {"q": "+84 912 345", "is_disabled__exact": "0"})
    assert [c.pk for c in response.context["cl"].result_list] == [active.pk]


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("appointment", lambda c: factories.AppointmentFactory(customer=c)),
        ("appointmentfeedback", lambda c: factories.FeedbackFactory(appointment__customer=c)),
        ("programparticipant", lambda c: factories.ParticipantFactory(customer=c)),
    ],
)
def test_lists_searched_by_the_customers_phone_find_any_form(superuser_client, model, make):
    wanted = make(factories.CustomerFactory(phone_number="02438261234"))
    make(factories.CustomerFactory(phone_number="0912345678"))
    url = reverse(f"admin:appointments_{model}_changelist")
    response = superuser_client.get(url, {"q": "+84 24 3826 1234"})
    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]


def test_schedule_slots_are_found_by_the_consultants_phone_in_any_form(superuser_client):
    wanted = factories.ScheduleFactory(consultant__phone_number="0912345678")
    factories.ScheduleFactory(consultant__phone_number="0987654321", date=dt.date(2030, 1, 2))
    url = reverse("admin:appointments_consultantschedule_changelist")
    response = superuser_client.get(url, {"q": "+84 912 345 678"})
    assert [row.pk for row in response.context["cl"].result_list] == [wanted.pk]
