"""Customers per week and each consultant's workload against the hand-counted data."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import selectors

from .conftest import ALL

pytestmark = pytest.mark.django_db


def test_customer_totals_and_new_customers_per_week(known):
    stats = selectors.customer_stats(today=known.today)
    assert (stats.total, stats.active, stats.disabled) == (3, 2, 1)
    weeks = {w.week_start: w.count for w in stats.new_per_week}
    assert len(weeks) == 12
    assert min(weeks) == dt.date(2024, 12, 23) and max(weeks) == dt.date(2025, 3, 10)
    assert weeks[dt.date(2025, 3, 10)] == 1
    assert weeks[dt.date(2025, 3, 3)] == 1
    assert sum(weeks.values()) == 2  # k3 joined 100 days ago, before the 12 weeks


def test_newest_customers_come_first(known):
    stats = selectors.customer_stats(today=known.today, newest=2)
    assert [r.customer_id for r in stats.newest] == [known.k1.pk, known.k2.pk]


def test_consultant_table_counts_upcoming_completed_cancelled_and_rating(known):
    table = selectors.consultant_table(visible=ALL, today=known.today)
    assert (table.total, table.active) == (2, 1)
    rows = [
        (
            r.full_name,
            r.is_disabled,
            r.upcoming,
            r.completed,
            r.cancelled,
            r.average_rating,
            r.ratings,
        )
        for r in table.rows
    ]
    assert rows == [("An", False, 3, 1, 0, 4.5, 1), ("Bình", True, 1, 1, 1, 3.0, 1)]


def test_consultant_table_pages_and_hides_what_may_not_be_seen(known):
    table = selectors.consultant_table(visible={"consultant"}, today=known.today, offset=1, limit=1)
    assert table.total == 2
    [row] = table.rows
    assert row.full_name == "Bình"
    assert (row.upcoming, row.completed, row.cancelled) == (None, None, None)
    assert (row.average_rating, row.ratings) == (None, None)


def test_consultant_without_appointments_has_zero_counts_and_no_rating(known):
    from tests.factories import ConsultantFactory

    ConsultantFactory(full_name="Chi")
    rows = selectors.consultant_table(visible=ALL, today=known.today).rows
    chi = rows[-1]
    assert (chi.full_name, chi.upcoming, chi.completed, chi.cancelled) == ("Chi", 0, 0, 0)
    assert (chi.average_rating, chi.ratings) == (None, 0)
