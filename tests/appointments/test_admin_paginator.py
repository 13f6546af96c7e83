"""Big changelists on PostgreSQL: counts are capped or estimated, never a full COUNT(*)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appointments.admin.paginator import EstimatedCountPaginator
from appointments.models import Appointment
from tests import factories

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appointments_appointment_changelist")
ROWS = 600
LIMIT = 100


@pytest.fixture
def many_appointments(monkeypatch):
    """ROWS appointments, analysed, with an exact-count limit well below them."""
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", LIMIT)
    customer = factories.CustomerFactory()
    start = dt.date(2030, 1, 1)
    Appointment.objects.bulk_create(
        Appointment(
            customer=customer,
            date=start + dt.timedelta(days=n // 10),
            time=dt.time(8 + n % 10),
            status="pending" if n % 3 else "confirmed",
        )
        for n in range(ROWS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute('ANALYZE "appointments_appointment"')


def uncapped_counts(queries) -> list[str]:
    """COUNT queries over the appointment table that are not capped by a LIMIT."""
    return [
        q["sql"]
        for q in queries
        if re.search(r"COUNT\(", q["sql"], re.IGNORECASE)
        and '"appointments_appointment"' in q["sql"]
        and "LIMIT" not in q["sql"].upper()
    ]


@pytest.mark.postgres
def test_unfiltered_changelist_estimates_instead_of_counting(superuser_client, many_appointments):
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST)
    assert response.status_code == 200
    assert uncapped_counts(queries) == []
    assert any(q["sql"].startswith("EXPLAIN") for q in queries)
    # The planner's estimate after ANALYZE is the table's size.
    assert abs(response.context["cl"].result_count - ROWS) <= ROWS // 10
    assert len(response.context["cl"].result_list) == 50


@pytest.mark.postgres
def test_filtered_changelist_caps_its_count(superuser_client, many_appointments):
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"status__exact": "pending"})
    assert response.status_code == 200
    assert uncapped_counts(queries) == []
    assert abs(response.context["cl"].result_count - ROWS * 2 // 3) <= ROWS // 10
    assert {a.status for a in response.context["cl"].result_list} == {"pending"}


@pytest.mark.postgres
def test_a_result_under_the_limit_is_counted_exactly(superuser_client, many_appointments):
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"date": "2030-01-03"})
    assert uncapped_counts(queries) == []
    assert not any(q["sql"].startswith("EXPLAIN") for q in queries)
    assert response.context["cl"].result_count == 10


def test_other_databases_count_exactly(many_appointments):
    paginator = EstimatedCountPaginator(Appointment.objects.order_by("pk"), 50)
    if connection.vendor == "postgresql":
        assert abs(paginator.count - ROWS) <= ROWS // 10
    else:
        assert paginator.count == ROWS
