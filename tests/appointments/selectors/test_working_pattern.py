"""The working pattern "generate slots" proposes: the consultant's own, else the defaults."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments.selectors import default_working_pattern, working_pattern
from appointments.selectors.working_pattern import WorkingPattern, parse_break, pattern_of_slots
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2031, 3, 3)


def week_of_slots(consultant, monday: dt.date, days=(0, 1, 2, 3, 5), hours=(8, 9, 10, 13, 14)):
    for day in days:
        for hour in hours:
            factories.ScheduleFactory(
                consultant=consultant,
                date=monday + dt.timedelta(days=day),
                start_time=dt.time(hour, 30),
                end_time=dt.time(hour + 1, 15),
            )


def test_a_consultant_with_slots_gets_their_own_days_hours_length_and_break():
    consultant = factories.ConsultantFactory()
    for week in range(3):
        week_of_slots(consultant, MONDAY - dt.timedelta(weeks=week + 1))
    pattern = working_pattern(consultant_ids=[consultant.pk], today=MONDAY)
    assert pattern == WorkingPattern(
        weekdays=(0, 1, 2, 3, 5),
        start_hour=8,
        end_hour=16,  # the last slot ends 15:15
        slot_minutes=45,
        break_start=dt.time(11, 15),
        break_end=dt.time(13, 30),
        from_slots=True,
    )


def test_a_consultant_without_slots_gets_the_office_defaults(settings):
    settings.SLOT_WORKING_DAYS = [0, 1, 2, 3, 4, 5]
    settings.SLOT_START_HOUR, settings.SLOT_END_HOUR, settings.SLOT_MINUTES = 7, 16, 30
    settings.SLOT_LUNCH_BREAK = "11:30-13:00"
    consultant = factories.ConsultantFactory()
    pattern = working_pattern(consultant_ids=[consultant.pk], today=MONDAY)
    assert pattern == WorkingPattern(
        weekdays=(0, 1, 2, 3, 4, 5),
        start_hour=7,
        end_hour=16,
        slot_minutes=30,
        break_start=dt.time(11, 30),
        break_end=dt.time(13),
        from_slots=False,
    )
    assert pattern == default_working_pattern()


def test_slots_older_than_the_recent_weeks_do_not_count():
    consultant = factories.ConsultantFactory()
    week_of_slots(consultant, MONDAY - dt.timedelta(weeks=10))
    assert not working_pattern(consultant_ids=[consultant.pk], today=MONDAY).from_slots


def test_consultants_with_different_patterns_get_the_defaults_and_alike_ones_theirs():
    early, late, alike = factories.ConsultantFactory.create_batch(3)
    week_of_slots(early, MONDAY - dt.timedelta(weeks=1), hours=(7, 8))
    week_of_slots(late, MONDAY - dt.timedelta(weeks=1), hours=(15, 16))
    week_of_slots(alike, MONDAY - dt.timedelta(weeks=2), hours=(7, 8))
    assert not working_pattern(consultant_ids=[early.pk, late.pk], today=MONDAY).from_slots
    shared = working_pattern(consultant_ids=[early.pk, alike.pk], today=MONDAY)
    assert (shared.from_slots, shared.start_hour, shared.end_hour) == (True, 7, 10)


def test_a_gap_on_fewer_than_half_the_days_is_no_break_and_rare_weekdays_drop():
    slots = []
    for week in range(4):
        for day in range(5):
            date = MONDAY + dt.timedelta(weeks=week, days=day)
            hours = (8, 9, 11) if (week, day) == (0, 0) else (8, 9, 10, 11)
            slots += [(date, dt.time(h), dt.time(h + 1)) for h in hours]
    slots.append((MONDAY + dt.timedelta(days=6), dt.time(8), dt.time(9)))  # one Sunday
    pattern = pattern_of_slots(slots)
    assert pattern.weekdays == (0, 1, 2, 3, 4)
    assert (pattern.break_start, pattern.break_end) == (None, None)
    assert (pattern.start_hour, pattern.end_hour, pattern.slot_minutes) == (8, 12, 60)


def test_a_slot_ending_at_midnight_makes_a_day_that_ends_at_24():
    date = MONDAY
    pattern = pattern_of_slots(
        [(date, dt.time(22), dt.time(23)), (date, dt.time(23), dt.time(23, 59, 59))]
    )
    assert pattern.end_hour == 24


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), (" 12:00 - 13:30 ", (dt.time(12), dt.time(13, 30)))],
)
def test_a_break_setting_reads_as_two_times_or_none(text, expected):
    assert parse_break(text) == expected


@pytest.mark.parametrize("text", ["12:00", "13:00-12:00", "noon-13:00", "12:00-13:00-14:00"])
def test_a_bad_break_setting_is_refused(text):
    with pytest.raises(ValueError):
        parse_break(text)
