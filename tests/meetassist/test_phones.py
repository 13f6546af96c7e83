"""Phone numbers in one stored form: every written form staff and files bring, and search."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meetassist.phones import (
    OLD_MOBILE_PREFIXES,
    PhoneReading,
    phone_normalize,
    phone_search_terms,
    stored_form_pattern,
)

# (as typed, stored, valid): every form the issue and the reference file name.
FORMS = [
    ("0912345678", "0912345678", True),
    ("0912 345 678", "0912345678", True),
    ("0912.345.678", "0912345678", True),
    ("0912-345-678", "0912345678", True),
    (" 0912345678 ", "0912345678", True),
    ("0912\u00a0345\u00a0678", "0912345678", True),  # Excel's no-break spaces
    ("+84912345678", "0912345678", True),
    ("+84 912 345 678", "0912345678", True),
    ("+84 (0) 912 345 678", "0912345678", True),
    ("84912345678", "0912345678", True),
    ("0084912345678", "0912345678", True),
    ("912345678", "0912345678", True),  # a mobile that lost its 0 in Excel
    ("841234567", "0841234567", True),  # ... one whose digits start like the country code
    ('="0912345678"', "0912345678", True),  # the original system's text trick
    ('="0912 345 678"', "0912345678", True),
    ("02438261234", "02438261234", True),
    ("2438261234", "02438261234", True),  # a landline that lost its 0
    ("+84 24 3826 1234", "02438261234", True),
    ("(024) 3826 1234", "02438261234", True),
    ("028 3822 1234", "02838221234", True),
    ("01623456789", "0323456789", True),  # old 11-digit mobiles: our table
    ("1623456789", "0323456789", True),  # ... that also lost the 0
    ("+841623456789", "0323456789", True),
    ("0084 162 345 6789", "0323456789", True),
    ('="01203456789"', "0703456789", True),
    ("01993456789", "0593456789", True),
    ("19001234", "19001234", True),  # service numbers: the library knows them
    ("1900 1234", "19001234", True),
    ("1900123456", "1900123456", True),
    ("18001090", "18001090", True),
    ("1800 1090", "18001090", True),
    ("+1 650 253 0000", "+16502530000", True),  # foreign: E.164
    ("+44 20 7946 0958", "+442079460958", True),
    ("", "", True),
    ("   ", "", True),
    # Kept as typed, reported as not valid (a warning), never changed:
    ("113", "113", False),  # an emergency short code, nobody's own number
    ("0123456789", "0123456789", False),  # 10 digits of an old prefix: a digit lost
    ("09123456789", "09123456789", False),
    ("0912345", "0912345", False),
    ("04 3826 1234", "04 3826 1234", False),  # a landline area code before 2017
    ("Tel 0912345678", "Tel 0912345678", False),  # the library would pick the number out
    ("0912345678 ext 12", "0912345678 ext 12", False),
    ("0912345678 / 0987654321", "0912345678 / 0987654321", False),
    ("'0912345678", "'0912345678", False),
    ("０９１２３４５６７８", "０９１２３４５６７８", False),  # full-width digits
    ('="113"', '="113"', False),
    ("chưa có", "chưa có", False),
]


@pytest.mark.parametrize(("typed", "stored", "valid"), FORMS)
def test_every_written_form_has_one_stored_form_or_is_kept_as_typed(typed, stored, valid):
    reading = phone_normalize(typed)
    assert (reading.text, reading.valid) == (stored, valid)
    assert reading.changed == (stored != typed)


def test_every_old_mobile_prefix_becomes_a_valid_new_one():
    for old, new in OLD_MOBILE_PREFIXES.items():
        reading = phone_normalize(f"0{old}3456789")
        assert (reading.text, reading.valid) == (f"0{new}3456789", True), old


@given(st.text(max_size=25))
def test_the_stored_form_is_stored_again_as_it_is(typed):
    stored = phone_normalize(typed)
    again = phone_normalize(stored.text)
    assert (again.text, again.valid, again.changed) == (stored.text, stored.valid, False)


@given(st.from_regex(stored_form_pattern(), fullmatch=True))
def test_what_the_fast_path_passes_is_a_valid_stored_form(text):
    assert phone_normalize(text) == PhoneReading(text, valid=True, changed=False)


@given(st.from_regex(re.compile(r"0[35789][0-9]{8}|02[0-9]{9}"), fullmatch=True))
def test_numbers_of_the_stored_shape_outside_the_plan_are_not_taken_by_the_fast_path(text):
    fast = re.compile(stored_form_pattern()).fullmatch(text) is not None
    assert fast == phone_normalize(text).valid


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("0912", ["0912"]),
        ("+84912", ["0912"]),
        ("+84 912 345 678", ["0912345678"]),
        ("0084 912", ["0912"]),
        ("912 345", ["912345"]),
        ("0912.345.678", ["0912345678"]),
        ("84912345678", ["0912345678", "84912345678"]),
        ("+84 24 3826", ["0243826"]),
        ("Nguyễn", []),
        ("an@gmail.com", []),
    ],
)
def test_a_search_term_becomes_what_a_stored_number_contains(term, found):
    assert phone_search_terms(term) == found
