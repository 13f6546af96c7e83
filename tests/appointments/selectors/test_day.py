"""One day's numbers and list against the hand-counted data."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import selectors

from .conftest import ALL

pytestmark = pytest.mark.django_db


def test_day_counts_by_status_and_free_slots(known):
    day = selectors.appointment_day(date=known.today, visible=ALL)
    assert day.by_status == {"pending": 2, "confirmed": 1, "completed": 0, "cancelled": 1}
    assert day.total == 4
    assert (day.slots_offered, day.slots_free) == (4, 2)


def test_day_by_consultant_includes_the_unassigned(known):
    day = selectors.appointment_day(date=known.today, visible=ALL)
    rows = [(r.consultant_id, r.full_name, r.by_status, r.total) for r in day.by_consultant]
    assert rows == [
        (known.c1.pk, "An", {"pending": 1, "confirmed": 1, "completed": 0, "cancelled": 0}, 2),
        (None, None, {"pending": 1, "confirmed": 0, "completed": 0, "cancelled": 0}, 1),
        (known.c2.pk, "Bình", {"pending": 0, "confirmed": 0, "completed": 0, "cancelled": 1}, 1),
    ]


def test_day_without_consultant_permission_shows_ids_not_names(known):
    day = selectors.appointment_day(date=known.today, visible={"appointment"})
    assert {r.consultant_id for r in day.by_consultant} == {known.c1.pk, known.c2.pk, None}
    assert all(r.full_name is None for r in day.by_consultant)
    assert day.slots_offered is None and day.slots_free is None


def test_day_list_is_in_time_order_with_names_where_visible(known):
    rows = selectors.appointment_day_list(date=known.today, visible=ALL)
    a = known.appointments
    assert [r.appointment_id for r in rows] == [
        min(a["a1"].pk, a["a3"].pk),
        max(a["a1"].pk, a["a3"].pk),
        a["a2"].pk,
        a["a8"].pk,
    ]
    first = next(r for r in rows if r.appointment_id == a["a1"].pk)
    assert (first.customer_name, first.consultant_name) == (known.k1.full_name, "An")
    hidden = selectors.appointment_day_list(date=known.today, visible={"appointment"})
    assert all(r.customer_name is None and r.consultant_name is None for r in hidden)
    assert {r.customer_id for r in hidden} == {known.k1.pk, known.k2.pk}


def test_day_list_pages_by_offset_and_limit(known):
    page = selectors.appointment_day_list(date=known.today, visible=ALL, offset=3, limit=2)
    assert [r.appointment_id for r in page] == [known.appointments["a8"].pk]


def test_a_day_without_appointments_is_all_zero(known):
    day = selectors.appointment_day(date=known.today + dt.timedelta(days=30), visible=ALL)
    assert day.total == 0 and day.by_consultant == []
    assert (day.slots_offered, day.slots_free) == (0, 0)
