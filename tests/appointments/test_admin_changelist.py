"""Big changelists: counts capped or estimated (never a full COUNT(*)), dates found by probes."""

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


@pytest.fixture
def spread_over_years():
    """Appointments in Dec 2029, Jan and Mar 2030 and May 2032 (none in 2031)."""
    for day in ("2029-12-30", "2030-01-02", "2030-03-15", "2030-03-16", "2032-05-01"):
        factories.AppointmentFactory(date=day)


def test_date_drilldown_lists_the_years_that_have_rows(superuser_client, spread_over_years):
    with CaptureQueriesContext(connection) as queries:
        html = superuser_client.get(CHANGELIST).content.decode()
    for year in (2029, 2030, 2032):
        assert f'href="?date__year={year}"' in html
    assert "date__year=2031" not in html
    assert not [q for q in queries if "DISTINCT" in q["sql"]]


def test_date_drilldown_lists_the_months_of_a_year_that_have_rows(
    superuser_client, spread_over_years
):
    html = superuser_client.get(CHANGELIST, {"date__year": 2030}).content.decode()
    assert 'href="?date__month=1&amp;date__year=2030"' in html
    assert 'href="?date__month=3&amp;date__year=2030"' in html
    assert "date__month=2&amp;" not in html and "date__month=12&amp;" not in html


def test_probed_dates_match_djangos_distinct_dates(spread_over_years):
    from appointments.admin.changelist import ProbingDatesMixin

    class Probing(ProbingDatesMixin, type(Appointment.objects.all())):
        pass

    probing = Appointment.objects.all()._chain()
    probing.__class__ = Probing
    for kind in ("year", "month"):
        for order in ("ASC", "DESC"):
            expected = list(Appointment.objects.dates("date", kind, order))
            assert probing.dates("date", kind, order) == expected
    assert list(probing.filter(date__year=2030).dates("date", "month")) == [
        dt.date(2030, 1, 1),
        dt.date(2030, 3, 1),
    ]


def test_a_search_keeps_djangos_single_distinct_query(superuser_client, spread_over_years):
    customer = Appointment.objects.get(date="2030-01-02").customer
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(CHANGELIST, {"q": customer.phone_number})
    assert [a.date for a in response.context["cl"].result_list] == [dt.date(2030, 1, 2)]
    assert len([q for q in queries if "DISTINCT" in q["sql"]]) <= 1


def test_filter_facets_are_never_counted(superuser_client, spread_over_years):
    with CaptureQueriesContext(connection) as queries:
        html = superuser_client.get(CHANGELIST, {"_facets": "True"}).content.decode()
    assert "Show counts" not in html
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and "FILTER" in q["sql"]]
