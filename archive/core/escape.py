"""Spreadsheet safety for text cells: what the archive escapes so that Excel neither runs a
formula nor turns an ID into a number, and how reading takes the escape off.

A text cell that would start a formula (``= + - @`` TAB CR after any
leading apostrophes) gets one more leading apostrophe, which Excel hides and
reading strips. The escape is reversible: ``'=x`` is stored as ``''=x``. A text that is a plain
signed number as Excel reads it (``+84912345678``, ``-5``, ``+1.5``, ``-0.25e3``) is left
alone: a number cannot run anything, and every other reader (DuckDB, pandas, Athena) then
sees the value itself. Un-escaping did not change, so files written before still read back
the same: a number was written ``'+84…`` then, and the apostrophe is still taken off.

An ID (a key or a reference) that looks like a number a spreadsheet made (``1E5``, 19 digits
ending in 000) is written behind one apostrophe too (``key_escape``); reading takes it as
it is. PostgreSQL's COPY writes the same escapes (core/sql.py's ``sql_cell``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db import models

from archive.core import spreadsheet

FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
# A plain signed number, as Excel reads it: no formula can hide in it (ASCII digits only).
PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# An ID a spreadsheet would have made a number of (spreadsheet.refuse_mangled_key refuses
# it): a real ID of that form is written behind one apostrophe, which keeps it text in a
# spreadsheet and tells the reader it arrived as it is (``key_escape``).
_NUMBER_LIKE = re.compile(rf"'*(?:{spreadsheet.SCIENTIFIC}|{spreadsheet.ROUNDED})")
_ESCAPED_NUMBER_LIKE = re.compile(rf"'+(?:{spreadsheet.SCIENTIFIC}|{spreadsheet.ROUNDED})")


def is_text(field: models.Field) -> bool:
    return isinstance(field, models.CharField | models.TextField) and not field.null


def is_text_reference(field: models.Field) -> bool:
    """A reference to another table's text key (an appointment's customer)."""
    return field.is_relation and isinstance(field.target_field, models.CharField)


def excel_escape(text: str) -> str:
    """One more leading apostrophe when ``text`` could start a formula, not for a number."""
    if FORMULA_START.match(text) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def excel_unescape(text: str) -> str:
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def text_cell(field: models.Field, text: str) -> str:
    """Text as the archive writes it: escaped where it could start a formula, or where an
    ID looks like a number a spreadsheet made (``key_escape``)."""
    escaped = excel_escape(text)
    return key_escape(text) if escaped == text and spreadsheet.is_key(field) else escaped


def key_escape(text: str) -> str:
    """One more leading apostrophe on an ID (a key or a reference) that looks like a number
    a spreadsheet made (``1E5``, 19 digits ending in 000), so reading takes it as it is;
    after ``excel_escape``, only where that did not escape it."""
    return "'" + text if _NUMBER_LIKE.fullmatch(text) else text


def key_unescape(text: str) -> str:
    return text[1:] if _ESCAPED_NUMBER_LIKE.fullmatch(text) else text


def text_key_reader(field: models.Field) -> Callable[[str], str]:
    """How a text key or reference cell is read back (as ``decode`` does, one function)."""
    if is_text(field):
        return lambda cell: unescape_text(field, cell)
    return key_unescape


def unescape_text(field: models.Field, cell: str) -> str:
    text = excel_unescape(cell)
    if len(text) == len(cell) and spreadsheet.is_key(field):
        return key_unescape(cell)
    return text
