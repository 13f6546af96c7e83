"""A date drill-down past the calendar is a bad filter (a message and the plain list), not a
500 (issue 13, item 4), in every admin that has one: the project's and the libraries'."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "That date is out of range: the list shows all dates."
DATED_ADMINS = sorted(
    (model._meta.app_label, model._meta.model_name, model_admin.date_hierarchy)
    for model, model_admin in admin.site._registry.items()
    if model_admin.date_hierarchy
)


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("appointments_appointment", {"date__year": "9999999999999999999999"}),
        ("appointments_appointment", {"date__year": "9999"}),  # the year after is none
        ("appointments_appointment", {"date__year": "9999", "date__month": "12"}),
        ("appointments_customer", {"created_at__year": "-99999999999999999999"}),
    ],
)
def test_a_drill_down_date_out_of_range_shows_the_list_with_a_message(
    superuser_client, changelist, query
):
    appointment = factories.AppointmentFactory()
    url = reverse(f"admin:{changelist}_changelist")

    response = superuser_client.get(url, query)

    assert response.status_code == 302 and response["Location"] == f"{url}?e=1"
    [message] = [m.message for m in get_messages(response.wsgi_request)]
    assert message == OUT_OF_RANGE
    listed = superuser_client.get(response["Location"])
    assert listed.status_code == 200
    if changelist == "appointments_appointment":
        assert [a.pk for a in listed.context["cl"].result_list] == [appointment.pk]


def test_the_libraries_dated_admins_are_walked_too():
    assert {("axes", "accessattempt"), ("django_celery_beat", "periodictask")} <= {
        (app, model) for app, model, _field in DATED_ADMINS
    }


@pytest.mark.parametrize("year", ["9999999999999999999999", "9999"])
@pytest.mark.parametrize(("app", "model", "field"), DATED_ADMINS)
def test_every_date_drill_down_refuses_a_year_past_the_calendar(
    superuser_client, app, model, field, year
):
    url = reverse(f"admin:{app}_{model}_changelist")

    response = superuser_client.get(url, {f"{field}__year": year})

    assert response.status_code == 302 and response["Location"] == f"{url}?e=1"
    assert [m.message for m in get_messages(response.wsgi_request)] == [OUT_OF_RANGE]
    assert superuser_client.get(response["Location"]).status_code == 200
