"""A date drill-down past the calendar is a bad filter (a message and the plain list), not a
500 (issue 13, item 4)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


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
    assert message == "That date is out of range: the list shows all dates."
    listed = superuser_client.get(response["Location"])
    assert listed.status_code == 200
    if changelist == "appointments_appointment":
        assert [a.pk for a in listed.context["cl"].result_list] == [appointment.pk]
