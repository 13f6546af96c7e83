"""appointments.E001: the slot defaults "generate slots" proposes make a working day."""

from __future__ import annotations

import pytest

from appointments.checks import check_slot_defaults


def test_the_shipped_defaults_pass():
    assert check_slot_defaults() == []


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"SLOT_WORKING_DAYS": []}, "SLOT_WORKING_DAYS=[]"),
        ({"SLOT_WORKING_DAYS": [0, 7]}, "SLOT_WORKING_DAYS=[0, 7]"),
        ({"SLOT_START_HOUR": 17, "SLOT_END_HOUR": 8}, "need 0 ≤ start < end ≤ 24"),
        ({"SLOT_END_HOUR": 25}, "need 0 ≤ start < end ≤ 24"),
        ({"SLOT_MINUTES": 4}, "SLOT_MINUTES=4"),
        ({"SLOT_START_HOUR": 8, "SLOT_END_HOUR": 9, "SLOT_MINUTES": 90}, "SLOT_MINUTES=90"),
        ({"SLOT_LUNCH_BREAK": "noon"}, "SLOT_LUNCH_BREAK: 'noon' is not HH:MM-HH:MM"),
        ({"SLOT_LUNCH_BREAK": "13:00-12:00"}, "the break ends before it starts"),
        ({"SLOT_LUNCH_BREAK": "18:00-19:00"}, "lies outside 8:00–17:00"),
    ],
)
def test_a_bad_slot_default_is_an_error_naming_the_setting(settings, overrides, fragment):
    for name, value in overrides.items():
        setattr(settings, name, value)
    errors = check_slot_defaults()
    assert {error.id for error in errors} == {"appointments.E001"}
    assert any(fragment in error.msg for error in errors), [error.msg for error in errors]


def test_no_lunch_break_is_allowed(settings):
    settings.SLOT_LUNCH_BREAK = ""
    assert check_slot_defaults() == []
