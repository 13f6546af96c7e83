"""The one CSV codec: how a value becomes a cell and a cell becomes a value again.

Export, seed and staff upload all go through here, so a value survives the round trip
exactly. Canonical cell text (what the exporter writes, what ``normalize`` returns):

- NULL and the empty string are both an empty cell. That is lossless because text columns
  are NOT NULL (models.py): an empty cell is "" for a text column and NULL for any other.
- booleans ``true``/``false``; dates ``YYYY-MM-DD``; times ``HH:MM:SS[.ffffff]``;
  timestamps in UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`` (trailing zeros of the fraction
  dropped, as PostgreSQL prints them); floats in their shortest exact form as PostgreSQL
  prints them (``4.5``, ``4``, ``1e+15``, ``NaN``).
- Spreadsheet safety: text that could start a formula, or an ID that looks like a number
  a spreadsheet made, is written behind one more apostrophe (escape.py).

Reading is lenient where people's files differ (the original system's and Excel's):
booleans TRUE/FALSE/1/0, ``T`` or space in timestamps, no offset = local time in TIME_ZONE,
phone cells in any form ``meetassist.phones`` accepts (``+84…``, ``="0912…"``, a lost
leading zero, separators), stored in its one national form; a phone cell that is not a valid
number is kept as typed and flagged (``Cell.warning``) so the summary counts it.
It also reads the forms spreadsheets write (archive.core.spreadsheet: 12-hour times, day-first
dates) and is strict where a spreadsheet destroyed a value: an ID in scientific notation is
refused.

Writing has two paths that must agree byte for byte: ``encode`` + ``csv_line`` in Python
(SQLite, merges) and ``sql_cell`` inside PostgreSQL's ``COPY … (FORMAT csv)``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _

from archive.core import spreadsheet
from archive.core.escape import (
    is_text,
    is_text_reference,
    key_escape,
    key_unescape,
    text_cell,
    unescape_text,
)
from meetassist.phones import PHONE_FIELDS, phone_normalize

BOM = "\ufeff"
# The kind of form (TableCounts.forms) of a choice written as its label, as the export does.
CHOICE_LABEL = "choice label"
_NOT_ALNUM = re.compile(r"[\W_]+")
_TRUE = frozenset({"true", "t", "1", "yes"})
_FALSE = frozenset({"false", "f", "0", "no"})
PHONE_COLUMNS = PHONE_FIELDS
_CSV_SPECIAL = re.compile(r'[",\r\n]')
_FLOAT_WORDS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


class CellError(ValueError):
    """A cell that cannot be read; the caller adds file, line and column."""


def header_key(header: str) -> str:
    """Compare headers loosely: ``CustomerID``, ``customer_id`` and ``customerid`` agree,
    and so do ``Mã khách hàng`` and ``mã  KHÁCH hàng`` (letters of any script are kept)."""
    text = unicodedata.normalize("NFC", header.lstrip(BOM).strip())
    return _NOT_ALNUM.sub("", text.casefold())


@cache
def _choice_codes(field: models.Field) -> dict[str, str]:
    """A choice field's labels, in every language the site speaks, to their codes."""
    codes: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in field.flatchoices:
                codes.setdefault(header_key(str(label)), str(code))
    return codes


def choice_code(field: models.Field, text: str) -> str | None:
    """The code a choice label stands for (``Đã xác nhận``, ``Confirmed`` → ``confirmed``),
    as the admin's export writes statuses; None when ``text`` is no label of ``field``."""
    return _choice_codes(field).get(header_key(text)) if field.choices else None


def _fraction(microsecond: int) -> str:
    return f".{microsecond:06d}".rstrip("0") if microsecond else ""


def local_timestamp(value: dt.datetime) -> str:
    """A timestamp in local time (TIME_ZONE) with its offset, exact to the microsecond:
    ``2025-01-02 15:04:05.5+07:00``, what staff read; ``decode`` reads it back exactly."""
    local = timezone.localtime(value)
    offset = local.utcoffset() or dt.timedelta()
    if offset % dt.timedelta(minutes=1):
        return _utc_timestamp(value)  # a zone's old local mean time: no ±HH:MM offset
    sign, minutes = (
        ("-" if offset < dt.timedelta() else "+"),
        abs(offset) // dt.timedelta(minutes=1),
    )
    whole = f"{local:%Y-%m-%d %H:%M:%S}{_fraction(local.microsecond)}"
    return f"{whole}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _utc_timestamp(value: dt.datetime) -> str:
    utc = value.astimezone(dt.UTC).replace(tzinfo=None)
    whole = utc.replace(microsecond=0).isoformat(sep=" ")
    return f"{whole}{_fraction(utc.microsecond)}+00:00"


def encode(field: models.Field, value: object) -> str:
    """A Python value of ``field`` as canonical cell text."""
    if value is None:
        return ""
    if isinstance(field, models.BooleanField):
        return "true" if value else "false"
    if isinstance(field, models.DateTimeField):
        return _utc_timestamp(value)
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.TimeField):
        return f"{value.replace(microsecond=0).isoformat()}{_fraction(value.microsecond)}"
    if isinstance(field, models.FloatField):
        return _float_text(float(value))
    if is_text(field):
        return text_cell(field, str(value))
    if is_text_reference(field):
        return key_escape(str(value))
    return str(value)


def _float_text(value: float) -> str:
    """Shortest exact digits, as PostgreSQL's float8 output (extra_float_digits = 1) writes.

    Python's ``repr`` agrees except for the words and for magnitudes in [1e15, 1e16), which
    PostgreSQL already writes in exponent form.
    """
    text = repr(value)
    if text in _FLOAT_WORDS:
        return _FLOAT_WORDS[text]
    if 1e15 <= abs(value) < 1e16:
        sign = "-" if value < 0 else ""
        digits = text.lstrip("-").replace(".", "").rstrip("0")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e+15"
    return text[:-2] if text.endswith(".0") else text


def _quoted(cell: str) -> str:
    if _CSV_SPECIAL.search(cell):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_line(cells: Iterable[str]) -> str:
    """One record as PostgreSQL's ``COPY … (FORMAT csv)`` writes it, LF-terminated.

    A cell is quoted only when it holds a comma, a quote, CR or LF (Python's csv module
    leaves a lone CR unquoted, so it cannot serve here).
    """
    return ",".join(map(_quoted, cells)) + "\n"


@dataclass(frozen=True)
class Cell:
    """A read cell: its Python value, whether reading had to repair it, and whether it
    was kept as it came though it does not look right (a phone that is not a number).

    ``forms``: the kinds of spreadsheet forms it was read from (``spreadsheet.TWELVE_HOUR``
    …); ``guessed``: its day/month order came from SEED_DATE_ORDER (both were possible).
    """

    value: object
    fixed: bool = False
    warning: bool = False
    forms: tuple[str, ...] = ()
    guessed: bool = False


def decode(field: models.Field, cell: str) -> Cell:
    """Read one cell of ``field``; raises ``CellError`` saying why it cannot be read."""
    try:
        if spreadsheet.is_key(field):
            # As the cell is, as the fast path (seed/fast_path.py) judges it: a spreadsheet
            # writes a number it made with no space around it, and a real ID such as
            # "0E0 " is written unescaped (key_escape) and must read back as it is.
            spreadsheet.refuse_mangled_key(cell)
        return _decode(field, cell)
    except spreadsheet.Unreadable as err:
        raise CellError(str(err)) from None


def _decode(field: models.Field, cell: str) -> Cell:
    if is_text(field):
        return _decode_text(field, cell)
    if cell == "":
        if not field.null:
            raise CellError(_("empty, but the column is required"))
        return Cell(None)
    text = cell.strip()
    if isinstance(field, models.BooleanField):
        lowered = text.lower()
        if lowered in _TRUE:
            return Cell(True)
        if lowered in _FALSE:
            return Cell(False)
        raise CellError(_("not a boolean (true/false, 1/0)"))
    if isinstance(field, models.DateTimeField):
        return _spreadsheet_form(spreadsheet.read_timestamp, text) or Cell(_parse_timestamp(text))
    if isinstance(field, models.DateField):
        return _spreadsheet_form(spreadsheet.read_date, text) or Cell(
            _parsed(parse_date, text, _("not a date (YYYY-MM-DD)"))
        )
    if isinstance(field, models.TimeField):
        return _spreadsheet_form(spreadsheet.read_time, text) or Cell(
            _parsed(parse_time, text, _("not a time (HH:MM[:SS])"))
        )
    if isinstance(field, models.FloatField):
        try:
            return Cell(float(text))
        except ValueError:
            raise CellError(_("not a number")) from None
    if isinstance(field, models.IntegerField | models.AutoField) or (
        field.is_relation and isinstance(field.target_field, models.IntegerField)
    ):
        try:
            return Cell(int(text))
        except ValueError:
            raise CellError(_("not a whole number")) from None
    # A text key of another table is exact, as that table's key is (is_text: not stripped).
    return Cell(key_unescape(cell) if field.is_relation else text)


def normalize(field: models.Field, cell: str) -> tuple[str, bool]:
    """Cell text rewritten in canonical form (what PostgreSQL's COPY is given), and fixed?"""
    read = decode(field, cell)
    return encode(field, read.value) if read.value is not None else "", read.fixed


def _decode_text(field: models.Field, cell: str) -> Cell:
    text = unescape_text(field, cell)
    fixed = warning = False
    if field.choices and text not in _choice_values(field):
        code = choice_code(field, text)
        if code is not None:
            return Cell(code, forms=(CHOICE_LABEL,))
    if field.attname in PHONE_COLUMNS:
        phone = phone_normalize(text)
        text, fixed, warning = phone.text, phone.changed, not phone.valid
    if text == "" and not field.blank:
        raise CellError(_("empty, but the column is required"))
    if field.max_length and len(text) > field.max_length:
        raise CellError(_("longer than %(count)d characters") % {"count": field.max_length})
    return Cell(text, fixed, warning)


@cache
def _choice_values(field: models.Field) -> frozenset[str]:
    return frozenset(str(code) for code, _label in field.flatchoices)


def _spreadsheet_form(reader, text: str) -> Cell | None:
    """The cell read from a spreadsheet's form, or None when it is not in one."""
    read = reader(text)
    if read is None:
        return None
    value = read.value
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return Cell(value, forms=read.forms, guessed=read.guessed)


def _parsed(parser, text: str, reason: str):
    try:
        value = parser(text)
    except ValueError:
        value = None
    if value is None:
        raise CellError(reason)
    return value


def _parse_timestamp(text: str) -> dt.datetime:
    value = _parsed(parse_datetime, text, _("not a timestamp (YYYY-MM-DD HH:MM[:SS][+HH:MM])"))
    if timezone.is_naive(value):
        # The original stored TIMESTAMP without time zone: local time in TIME_ZONE.
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value
