"""Cells as spreadsheets write them: the forms read, and the values a spreadsheet destroyed.

Read (each counted by kind, so staff see what was interpreted): 12-hour times (``08:00:00
AM``, ``8:00 PM``, Vietnamese ``SA``/``CH``), dates and timestamps written day-first
(``26/06/2001``, ``6/7/2001 8:00 PM``), month-first only when no other reading exists
(``6/26/2001``) or when ``SEED_DATE_ORDER`` is ``MDY``. Refused, with how to fix it: an ID
in scientific notation (``1.00700411485697E+18``), an ID whose digits past the 15th are
zeros (a spreadsheet rounded it), a two-digit year (which century?).

Written by hand because no library reads these strictly: dateutil guesses (a 2-digit year,
a lone number, a mix of orders), and a guess here is a silent change of the data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _


class Unreadable(ValueError):
    """A cell in a spreadsheet's form that cannot be read; ``codec.decode`` reports it."""


DMY, MDY = "DMY", "MDY"
DATE_ORDERS = (DMY, MDY)
# Kinds of forms read (TableCounts.forms keys; loading.FORM_LABELS names them for people).
TWELVE_HOUR = "12-hour"
DAY_FIRST = "day-first"
MONTH_FIRST = "month-first"

# A cell a spreadsheet wrote as a number in exponent form: 1.00700411485697E+18, 1,2E+3.
SCIENTIFIC = r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+"
# 18 or more digits whose digits past the 15th are all zeros: a number rounded to the 15
# significant digits spreadsheets keep (a real ID ends so once in a thousand).
ROUNDED = r"\d{15}0{3,}"
_SCIENTIFIC = re.compile(SCIENTIFIC)
_ROUNDED = re.compile(ROUNDED)
_SLASHED = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_CLOCK = re.compile(
    r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(?:(am|a\.m\.|sa)|(pm|p\.m\.|ch))?",
    re.IGNORECASE,
)
_STAMP = re.compile(r"(\S+)(?:[ T]+|(?<=\d)T)(.+)")
_OFFSET = re.compile(r"(.*?)\s*(Z|[+-]\d\d(?::?\d\d)?)")


@dataclass(frozen=True)
class Read:
    """A value read from a spreadsheet's form: the kinds of forms it took, and whether its
    day/month order came from ``SEED_DATE_ORDER`` because the text allowed both."""

    value: object
    forms: tuple[str, ...] = ()
    guessed: bool = False


def is_key(field: models.Field) -> bool:
    """A key or reference column: its value identifies a row, so it must arrive exactly."""
    return field.primary_key or field.is_relation or field.attname.endswith("_id")


def refuse_mangled_key(text: str) -> None:
    """Raise ``Unreadable`` when a spreadsheet visibly destroyed this ID."""
    if _SCIENTIFIC.fullmatch(text):
        raise Unreadable(
            _(
                "this ID was turned into a number by a spreadsheet (%(value)s); format the "
                "column as Text and export again"
            )
            % {"value": text}
        )
    if _ROUNDED.fullmatch(text):
        raise Unreadable(
            _(
                "this ID lost its last digits in a spreadsheet (every digit after the 15th "
                "is 0); format the column as Text and export again from the original file"
            )
        )


def date_order() -> str:
    return getattr(settings, "SEED_DATE_ORDER", DMY)


def read_date(text: str) -> Read | None:
    """A date written d/m/yyyy or m/d/yyyy (``/``, ``.`` or ``-``), or None if not so."""
    found = _SLASHED.fullmatch(text)
    if found is None:
        return None
    first, _sep, second, year = found.groups()
    if len(year) == 2:
        raise Unreadable(
            _(
                "a two-digit year (%(value)s) could be in either century; format the column "
                "as YYYY-MM-DD and export again"
            )
            % {"value": text}
        )
    a, b = int(first), int(second)
    order, guessed = date_order(), a <= 12 and b <= 12
    if not guessed:
        order = DMY if a > 12 else MDY
    day, month = (a, b) if order == DMY else (b, a)
    try:
        value = dt.date(int(year), month, day)
    except ValueError:
        raise Unreadable(_("not a date: no such day")) from None
    return Read(value, (DAY_FIRST if order == DMY else MONTH_FIRST,), guessed)


def read_time(text: str) -> Read | None:
    """A time with AM/PM (or SA/CH), or None when the text has no such marker."""
    found = _CLOCK.fullmatch(text)
    if found is None or not (found.group(5) or found.group(6)):
        return None
    hour, minute = int(found.group(1)), int(found.group(2))
    if not 1 <= hour <= 12:
        raise Unreadable(_("not a time: a 12-hour clock goes from 1 to 12"))
    hour = hour % 12 + (12 if found.group(6) else 0)
    second = int(found.group(3) or 0)
    fraction = int((found.group(4) or "0").ljust(6, "0"))
    try:
        return Read(dt.time(hour, minute, second, fraction), (TWELVE_HOUR,))
    except ValueError:
        raise Unreadable(_("not a time (HH:MM[:SS])")) from None


def read_timestamp(text: str) -> Read | None:
    """A timestamp whose date is day- or month-first or whose time is 12-hour (naive, or
    aware when an offset follows); None when it is neither."""
    found = _STAMP.fullmatch(text)
    if found is None:
        return None
    date_text, rest = found.groups()
    offset = None
    with_offset = _OFFSET.fullmatch(rest)
    if with_offset is not None and not with_offset.group(1).lower().endswith(("am", "pm")):
        rest, offset = with_offset.groups()
    date = read_date(date_text)
    clock = read_time(rest)
    if date is None and clock is None:
        return None
    day = date.value if date else _iso_date(date_text)
    time = clock.value if clock else _plain_time(rest)
    value = dt.datetime.combine(day, time)
    if offset is not None:
        value = value.replace(tzinfo=_zone(offset))
    forms = (date.forms if date else ()) + (clock.forms if clock else ())
    return Read(value, forms, bool(date and date.guessed))


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Unreadable(_("not a timestamp (YYYY-MM-DD HH:MM[:SS][+HH:MM])")) from None


def _plain_time(text: str) -> dt.time:
    found = _CLOCK.fullmatch(text)
    try:
        if found is None:
            raise ValueError
        hour, minute, second = (int(found.group(n) or 0) for n in (1, 2, 3))
        return dt.time(hour, minute, second, int((found.group(4) or "0").ljust(6, "0")))
    except ValueError:
        raise Unreadable(_("not a timestamp (YYYY-MM-DD HH:MM[:SS][+HH:MM])")) from None


def _zone(offset: str) -> dt.tzinfo:
    if offset == "Z":
        return dt.UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:] or 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))
