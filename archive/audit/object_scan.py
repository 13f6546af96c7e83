"""Reading one stored object end to end: its MD5, size, data rows and highest key, and whether
it reads as its table's CSV (header, cells, key order). Streamed: flat memory at any size.

``verify_archive`` and the manifest rebuild read every object under ``data/`` this way. The
bytes are hashed as they stream past the parser, and read to the end even when parsing
stops early, so the MD5 and size are always the whole object's. Problems carry file, line
and column (``RowError``); the first ``MAX_FILE_PROBLEMS`` of a file are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.core.files.storage import Storage
from django.db import models
from django.utils.translation import gettext as _

from archive.core.codec import CellError
from archive.core.tables import TableSpec
from archive.export.history_merge import key_reader
from archive.seed.errors import RowError
from archive.seed.fast_path import SEPARATOR, copy_text, fast_pattern
from archive.seed.headers import delimiter_of, header_fields
from archive.storage.streams import CHUNK_BYTES, open_text, storage_chunks

MAX_FILE_PROBLEMS = 5
REMEMBERED_DAYS = 100_000


@dataclass
class ObjectScan:
    """What one object holds. ``max_key`` is None unless the table's key is one integer."""

    key: str
    md5: str = ""
    bytes: int = 0
    records: int = 0
    max_key: int | None = None
    problems: list[RowError] = field(default_factory=list)
    more_problems: int = 0  # found past MAX_FILE_PROBLEMS

    @property
    def parses(self) -> bool:
        return not self.problems

    def problem(self, line: int | None, column: int | None, value: str | None, reason: str):
        if len(self.problems) >= MAX_FILE_PROBLEMS:
            self.more_problems += 1
            return
        self.problems.append(RowError(self.key, line, column, None, value, reason))


def object_scan(storage: Storage, key: str, spec: TableSpec | None) -> ObjectScan:
    """Read the object at ``key`` once; ``spec`` None: only its CSV structure is checked.

    Raises FileNotFoundError for a missing object and the storage's errors for a failed read.
    """
    scan = ObjectScan(key)
    digest = hashlib.md5(usedforsecurity=False)
    chunks, _size = storage_chunks(storage, key)

    def hashed() -> Iterator[bytes]:
        try:
            for chunk in chunks:
                digest.update(chunk)
                scan.bytes += len(chunk)
                yield chunk
        finally:
            chunks.close()

    text = open_text(hashed())
    try:
        _Rows(scan, spec).read(text)
        while text.buffer.read(CHUNK_BYTES):  # the rest, for the MD5, when parsing stopped
            pass
    finally:
        text.close()
    scan.md5 = digest.hexdigest()
    return scan


class _Rows:
    """The row-by-row checks of one file: cells against the table's types, keys in order."""

    def __init__(self, scan: ObjectScan, spec: TableSpec | None) -> None:
        self.scan, self.spec = scan, spec
        self.line = 1  # where the record being read starts

    def read(self, text: TextIO) -> None:
        scan = self.scan
        try:
            first = text.readline()
            if not first.strip():
                scan.problem(1, None, None, _("empty file: no header row"))
                return
            reader = csv.reader(
                itertools.chain([first], text), delimiter=delimiter_of(first), strict=True
            )
            headers = next(reader)
            checks = self._prepare(headers)
            self.line = reader.line_num + 1
            for row in reader:
                self._row(row, len(headers), checks)
                self.line = reader.line_num + 1
        except UnicodeDecodeError:
            scan.problem(self.line, None, None, _("not UTF-8 or UTF-16 (with BOM) text"))
        except csv.Error as err:
            reason = _("not readable as CSV: %(error)s") % {"error": err}
            scan.problem(self.line, None, None, reason)

    def _prepare(self, headers: list[str]) -> _Checks | None:
        """The checks for this header, or None when it does not map to the table."""
        if self.spec is None:
            return None
        mapped = header_fields(self.spec, headers)
        for line, column, value, reason in mapped.problems:
            self.scan.problem(line, column, value, reason)
        if mapped.problems:
            return None
        return _Checks(self.spec, mapped.fields)

    def _row(self, row: list[str], width: int, checks: _Checks | None) -> None:
        scan = self.scan
        if not any(row):
            return  # a blank line is no record (as the seeder reads it)
        scan.records += 1
        if len(row) != width:
            counts = {"n": len(row), "m": width}
            scan.problem(self.line, None, None, _("%(n)d cells, but the header has %(m)d") % counts)
            return
        if checks is not None:
            checks.row(row, self.line, scan)


class _Checks:
    """Cells checked as the codec reads them, at the seeder's speed.

    A row is first matched whole against the cells COPY takes as they are (cells.py); that
    pattern is exact but for the calendar (2025-13-10 looks like a date), so a matching
    row's dates are then checked, each distinct day once. Any other row goes through the
    codec cell by cell, which says which cell does not read and why.
    """

    def __init__(self, spec: TableSpec, fields: list[models.Field]) -> None:
        self.fields = fields
        self.match = re.compile(SEPARATOR.join(fast_pattern(f) for f in fields)).fullmatch
        self.dated = [i for i, f in enumerate(fields) if isinstance(f, models.DateField)]
        self.days: set[str] = set()  # days seen to be real dates
        at = {f.attname: i for i, f in enumerate(fields)}
        self.key_at = [(at[name], key_reader(fields[at[name]])) for name in spec.key_columns]
        self.integer = len(self.key_at) == 1 and self.key_at[0][1] is int
        self.previous: tuple | None = None

    def row(self, row: list[str], line: int, scan: ObjectScan) -> None:
        fast = self.match(SEPARATOR.join(row)) is not None and self._real_days(row)
        if not fast and not self._cells(row, line, scan):
            return
        try:
            key = tuple(read(row[i]) for i, read in self.key_at)
        except ValueError:
            key = None
        position = self.key_at[0][0]
        if key is None or any(row[i] == "" for i, _read in self.key_at):
            scan.problem(line, position + 1, row[position], _("no usable key"))
            return
        if self.previous is not None and key <= self.previous:
            reason = _("not in key order: key %(key)s comes after %(previous)s") % {
                "key": _shown(key),
                "previous": _shown(self.previous),
            }
            scan.problem(line, position + 1, row[position], reason)
        self.previous = key
        if self.integer and (scan.max_key is None or key[0] > scan.max_key):
            scan.max_key = key[0]

    def _real_days(self, row: list[str]) -> bool:
        days = self.days
        for at in self.dated:
            day = row[at][:10]
            if day and day not in days:
                try:
                    dt.date.fromisoformat(day)
                except ValueError:
                    return False
                if len(days) >= REMEMBERED_DAYS:
                    days.clear()
                days.add(day)
        return True

    def _cells(self, row: list[str], line: int, scan: ObjectScan) -> bool:
        """Whether every cell reads; each one that does not is a problem."""
        ok = True
        for position, (fld, cell) in enumerate(zip(self.fields, row, strict=True), start=1):
            try:
                copy_text(fld, cell)
            except CellError as err:
                scan.problem(line, position, cell, str(err))
                ok = False
        return ok


def _shown(key: tuple) -> str:
    return ", ".join(map(str, key))
