"""Cells on their way into PostgreSQL's COPY: a fast check, and a slow exact rewrite.

The seeder hands COPY the cells of a row as they are when PostgreSQL reads them exactly as
``codec.decode`` would (an ISO date, ``true``, a timestamp without offset read in the
session's TIME_ZONE, text that needs no un-escaping); ``fast_pattern`` recognises such a
cell with a regular expression, so a whole row is checked by one match. Any other row goes
through ``copy_text``, which decodes each cell with the codec (the one place that converts
values) and writes it back in a form COPY reads. Both agree with the COPY options the
loaders use: an empty cell is NULL, except in text columns where it is "".

``block_pattern`` lifts the cell patterns to raw CSV lines, so that a whole block of lines
is checked by one match in C instead of row by row in Python (csv.reader, join, match).
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext as _

from archive.core.codec import (
    PHONE_COLUMNS,
    Cell,
    CellError,
    decode,
    encode,
)
from archive.core.escape import is_text, is_text_reference
from archive.core.spreadsheet import ROUNDED, SCIENTIFIC, is_key
from meetassist.phones import stored_form_pattern

SEPARATOR = "\x1f"  # joins a row's cells for one match; no pattern lets a cell contain it
# Never passed on as it is: the separator, and NUL (COPY refuses it without naming a column;
# the codec's check names it).
_NOT_IN_CELL = r"\x1f\x00"
_CELL = f"[^{_NOT_IN_CELL}]"
_NOT_ESCAPED = r"(?!'+[=+\-@\t\r])"  # a text cell the Excel escape did not touch
_DATE = r"\d{4}-\d\d-\d\d"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_OFFSET = r"(?:Z|[+-]\d\d(?::?\d\d)?)?"
_INTEGER = r"-?\d{1,18}"
_FLOAT = r"-?\d{1,15}(?:\.\d{1,17})?"
_BOOLEAN = r"(?i:true|false|t|f|yes|no)|1|0"
# A phone number already in its stored form, as the library's plan has it: nothing to repair.
# Any other phone cell goes through the codec (repaired, or kept and counted as a warning).
_PHONE_STORED = stored_form_pattern()
# Not an ID a spreadsheet turned into a number: COPY would take "1.00700411485697E+18" as a
# text key (or 1007004114856960000 as a number), so such cells go to the codec, which refuses.
# Nor one the archive escaped as such an ID (escape.key_escape): the codec takes the escape off.
_KEY_AS_IS = f"(?!'*(?:{SCIENTIFIC}|{ROUNDED})(?!{_CELL}))"


def _choices(field: models.Field) -> list[str]:
    return [str(value) for value, _label in field.flatchoices]


def _text_pattern(field: models.Field) -> str:
    if field.choices:
        allowed = "|".join(re.escape(c) for c in _choices(field))
        return f"(?:{allowed}){'' if not field.blank else '?'}"
    if field.attname in PHONE_COLUMNS:
        return f"(?:{_PHONE_STORED}){'?' if field.blank else ''}"
    low = 0 if field.blank else 1
    high = field.max_length or ""
    return f"{_NOT_ESCAPED}{_CELL}{{{low},{high}}}"


def fast_pattern(field: models.Field) -> str:
    """A regular expression for cells COPY may take as they are (never all of them)."""
    pattern = _fast_pattern(field)
    return _KEY_AS_IS + pattern if is_key(field) else pattern


def _fast_pattern(field: models.Field) -> str:
    if is_text(field):
        return _text_pattern(field)
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.BooleanField):
        pattern = f"(?:{_BOOLEAN})"
    elif isinstance(target, models.DateTimeField):
        pattern = f"{_DATE}[ T]{_TIME}{_OFFSET}"
    elif isinstance(target, models.DateField):
        pattern = _DATE
    elif isinstance(target, models.TimeField):
        pattern = _TIME
    elif isinstance(target, models.FloatField):
        pattern = _FLOAT
    elif isinstance(target, models.IntegerField | models.AutoField):
        pattern = _INTEGER
    elif isinstance(target, models.CharField):  # another table's text key, exact
        pattern = f"{_CELL}+"
    else:
        return "(?!)"
    return f"(?:{pattern})?" if field.null else pattern


def copy_text(field: models.Field, cell: str) -> tuple[str, Cell]:
    """The cell as COPY should read it, and how it was read (repaired? a warning? from
    which spreadsheet forms?); raises ``CellError``."""
    read = decode(field, cell)
    value = read.value
    if value is None:
        return "", read
    if field.choices and not (value == "" and field.blank) and str(value) not in _choices(field):
        raise CellError(_("not one of: %(allowed)s") % {"allowed": ", ".join(_choices(field))})
    if is_text(field) or is_text_reference(field):
        if "\x00" in value:
            raise CellError(_("contains a NUL character"))
        return value, read
    return encode(field, value), read


def db_value(field: models.Field, text: str) -> object:
    """The Python value of a cell ``copy_text`` wrote (used by the batch loader)."""
    if is_text(field) or (is_text_reference(field) and text):
        return text
    if text == "":
        return None
    return decode(field, text).value


def block_pattern(fields: list[models.Field], delimiter: str, eol: str) -> str:
    """A regular expression for a block of whole lines, each a row of fast cells.

    A cell is bare, or quoted without a quote or line break inside: exactly the lines
    the row-by-row check would pass on as they are. Every other block is read row by row.

    The repetition is possessive (``*+``): each line ends at its first line break, so
    giving lines back could never help, and a plain ``*`` keeps a backtracking point per
    line (16 MB for a 1 MB block, most of a full seed's peak memory).
    """
    separator = re.escape(delimiter)
    bare_char = f'[^{_NOT_IN_CELL}{separator}"\\r\\n]'
    quoted_char = f'[^{_NOT_IN_CELL}"\\r\\n]'
    cells = []
    for field in fields:
        cell = fast_pattern(field)
        bare, quoted = cell.replace(_CELL, bare_char), cell.replace(_CELL, quoted_char)
        cells.append(f'(?:{bare}|"{quoted}")')
    return f"(?:{separator.join(cells)}{re.escape(eol)})*+"
