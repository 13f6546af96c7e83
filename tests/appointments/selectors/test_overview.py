"""The overview's numbers against the hand-counted data."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import selectors

from .conftest import ALL

pytestmark = pytest.mark.django_db


def test_overview_counts_every_headline_number(known):
    o = selectors.overview(visible=ALL, today=known.today, now=known.now)
    assert o.appointments.by_status == {
        "pending": 3,
        "confirmed": 2,
        "completed": 2,
        "cancelled": 1,
    }
    assert o.appointments.total == 8
    assert o.appointments.today == 4
    assert o.appointments.created_last_7_days == 5
    assert o.active_customers == 2
    assert o.active_consultants == 1
    assert (o.programs.upcoming, o.programs.total) == (1, 4)
    assert o.participants == 4
    assert o.average_rating == pytest.approx(3.75)
    assert o.ratings == 2


def test_thirty_day_chart_has_every_day_and_only_those_days(known):
    days = selectors.overview(visible=ALL, today=known.today, now=known.now).last_30_days
    assert [d.date for d in days] == [known.today - dt.timedelta(days=n) for n in range(29, -1, -1)]
    by_date = {d.date: d for d in days}
    assert by_date[known.today].by_status == {
        "pending": 2,
        "confirmed": 1,
        "completed": 0,
        "cancelled": 1,
    }
    assert by_date[known.today - dt.timedelta(days=3)].total == 1
    assert sum(d.total for d in days) == 5  # a5 (40 days back) and future ones are outside


def test_busiest_consultants_this_week_with_slot_utilisation(known):
    busiest = selectors.overview(visible=ALL, today=known.today, now=known.now)
    assert busiest.week_start == dt.date(2025, 3, 10)
    rows = [
        (r.full_name, r.appointments, r.slots_booked, r.slots_offered, r.utilisation)
        for r in busiest.busiest_consultants
    ]
    assert rows == [("An", 2, 2, 4, 0.5), ("Bình", 1, 1, 2, 0.5)]


def test_overview_leaves_out_what_the_caller_may_not_see(known):
    o = selectors.overview(visible={"customer"}, today=known.today, now=known.now)
    assert o.active_customers == 2
    assert o.appointments is None
    assert o.active_consultants is None
    assert o.programs is None
    assert o.participants is None
    assert o.average_rating is None and o.ratings is None
    assert o.last_30_days is None
    assert o.busiest_consultants is None


def test_busiest_consultants_without_schedule_permission_have_no_slot_numbers(known):
    o = selectors.overview(visible={"appointment", "consultant"}, today=known.today, now=known.now)
    assert [(r.full_name, r.appointments) for r in o.busiest_consultants] == [
        ("An", 2),
        ("Bình", 1),
    ]
    assert all(r.slots_offered is None and r.utilisation is None for r in o.busiest_consultants)


def test_overview_of_an_empty_database_is_zeros_not_errors(db):
    o = selectors.overview(visible=ALL)
    assert o.appointments.total == 0
    assert o.average_rating is None
    assert o.ratings == 0
    assert o.busiest_consultants == []
    assert len(o.last_30_days) == 30
