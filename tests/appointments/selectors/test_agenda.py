"""Today first, then the coming days, then the past: the order and its page reads agree."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments.models import Appointment
from appointments.selectors import upcoming_then_past, upcoming_then_past_rows
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 3, 12)


@pytest.fixture
def spread() -> list[int]:
    """Appointments before, on and after TODAY, some sharing a date and a time (not yet
    given a consultant, so the one-booking-per-consultant rule allows it)."""
    ids = []
    for days, hour in [(3, 9), (-1, 9), (0, 15), (0, 8), (-30, 9), (0, 8), (1, 8), (-1, 9), (9, 9)]:
        ids.append(
            factories.AppointmentFactory(
                date=TODAY + dt.timedelta(days=days),
                time=dt.time(hour),
                consultant=None,
            ).pk
        )
    return ids


def test_the_order_is_today_and_upcoming_ascending_then_the_past_descending(spread):
    rows = Appointment.objects.order_by(*upcoming_then_past(today=TODAY), "-pk")
    seen = [(row.date - TODAY).days for row in rows]
    assert seen == [0, 0, 0, 1, 3, 9, -1, -1, -30]
    times = [row.time.hour for row in rows][:3]
    assert times == [8, 8, 15]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 20])
def test_every_page_read_by_index_scans_matches_the_sorted_order(spread, size):
    queryset = Appointment.objects.all()
    expected = [row.pk for row in queryset.order_by(*upcoming_then_past(today=TODAY), "-pk")]
    for start in range(0, len(expected) + size, size):
        page = upcoming_then_past_rows(queryset, today=TODAY, start=start, stop=start + size)
        assert [row.pk for row in page] == expected[start : start + size], (start, size)


def test_a_filtered_queryset_keeps_its_filter(spread):
    queryset = Appointment.objects.filter(time=dt.time(9))
    page = upcoming_then_past_rows(queryset, today=TODAY, start=0, stop=10)
    assert [(row.date - TODAY).days for row in page] == [3, 9, -1, -1, -30]
