"""Reading one archive or upload CSV file as a stream of rows ready for COPY.

What people really have: our own exports; the original system's files (PascalCase
headers); UTF-8 with or without BOM, UTF-16 with BOM (comma- or tab-separated); CRLF or LF.
The header maps to the table's columns case-insensitively. Rows are checked as they
stream by: a block of lines without any of the window's dates is counted outside at once,
a row outside the window is dropped after one look at its date cell; a row that
PostgreSQL reads exactly as the codec would is passed on as the bytes it came in (one
regular-expression match; for a whole file's load, one match per block of lines), any
other is decoded cell by cell and rewritten. Every problem becomes a ``RowError`` with
file, line and column.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core.codec import CellError
from archive.core.collision import IDENTITY
from archive.core.tables import TableSpec
from archive.seed.errors import ErrorLog, RowError
from archive.seed.fast_path import SEPARATOR, block_pattern, copy_text, fast_pattern
from archive.seed.repairs import repair_row, row_repairs
from archive.seed.spreadsheet import DAY_FIRST, DMY, MONTH_FIRST, date_order
from archive.storage.streams import ByteCounter, open_text

BATCH_ROWS = 2000
HELD_AGAIN = 2  # what a ``skip_known`` callable says of a held key it was asked before
BLOCK_CHARS = 1 << 20  # a block of lines checked by one match
_BLANK = " \t\r\n,;"  # a line of nothing but these is no record
# A line that may be blank: its block is read line by line.
_MAYBE_BLANK_LINE = re.compile(f"\n[{re.escape(_BLANK)}]")
_ALL_BUT_QUOTES_AND_LINE_FEEDS = bytes(c for c in range(256) if c not in b'"\n')
csv.field_size_limit(max(csv.field_size_limit(), 16 << 20))  # long notes stay readable


def delimiter_of(first_line: str) -> str:
    """The separator a header line uses: a comma, else a tab or a semicolon (Excel's)."""
    if "\t" in first_line and "," not in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


@dataclass
class HeaderFields:
    """A header mapped to a table: its fields in file order, the table's fields it lacks
    (filled by their defaults), and each problem as (line, column, value, reason)."""

    fields: list[models.Field] = field(default_factory=list)
    missing: list[models.Field] = field(default_factory=list)
    problems: list[tuple[int, int | None, str | None, str]] = field(default_factory=list)
    #: File positions (0-based) of ``fields`` when the file has columns to ignore, else None.
    positions: list[int] | None = None


def header_fields(spec: TableSpec, headers: list[str], *, names: bool = False) -> HeaderFields:
    """Map a file's header to the table's columns, ours or the original's, case-insensitively.

    ``names``: ignore the columns the admin's export adds for reading (a customer's name
    next to its key), so that an export uploads as it is.
    """
    mapped, seen, positions = HeaderFields(), set(), []
    for position, header in enumerate(headers, start=1):
        found = spec.field_for_header(header)
        if found is None and names and spec.is_name_column(header):
            mapped.positions = positions
            continue
        if found is None:
            known = ", ".join(spec.columns)
            reason = _("unknown column; known: %(k)s") % {"k": known}
            mapped.problems.append((1, position, header, reason))
        elif found.attname in seen:
            mapped.problems.append((1, position, header, _("the same column twice")))
        else:
            seen.add(found.attname)
            mapped.fields.append(found)
            positions.append(position - 1)
    for candidate in spec.fields:
        if candidate.attname in seen:
            continue
        if candidate.attname in spec.key_columns or not (candidate.has_default() or candidate.null):
            mapped.problems.append((1, None, candidate.attname, _("missing required column")))
        else:
            mapped.missing.append(candidate)
    return mapped


@dataclass(frozen=True)
class RowFilter:
    """Keep a row when ``accepts`` says yes to its cell in ``column`` (canonical text).

    ``hint``, if given, finds in a line some text every kept row contains (a window's
    dates): a one-line record without it is counted outside before it is even parsed.
    """

    column: str
    accepts: Callable[[str], bool]
    hint: Callable[[str], object] | None = None


class KeptCheck(Protocol):
    """Whether rows kept because the table holds their key may be kept (pg_merge.KnownKeys).

    ``check(line, key, creation cell)`` and ``flush()`` return the problems found, as
    (line, creation cell, reason); ``flush`` ends a file, after its COPY (CsvFile.check_kept).
    """

    def check(self, line: int, key: str, cell: str) -> list[tuple[int, str, str]]: ...

    def flush(self) -> list[tuple[int, str, str]]: ...


@dataclass
class FileStats:
    rows: int = 0
    outside: int = 0
    existing: int = 0  # rows skipped because the table holds their key (rows kept)
    fixed: int = 0
    warnings: int = 0  # values kept as they came though they look wrong (phone numbers)
    forms: Counter = field(default_factory=Counter)  # values read from spreadsheet forms

    @property
    def records(self) -> int:
        """Every data record read: kept, outside the window, or skipped as already held."""
        return self.rows + self.outside + self.existing


@dataclass(eq=False)
class CsvFile:
    """One file of one table: its header read on opening, its rows read by ``records``."""

    spec: TableSpec
    name: str
    chunks: Iterator[bytes]
    errors: ErrorLog
    row_filter: RowFilter | None = None
    collect: str | None = None  # a column whose values (of rows kept) are gathered
    on_bytes: ByteCounter | None = None
    exact: bool = False  # every row through the codec (when no COPY checks types after us)
    fields: list[models.Field] = field(init=False, default_factory=list)
    headers: list[str] = field(init=False, default_factory=list)
    missing: list[models.Field] = field(init=False, default_factory=list)
    stats: FileStats = field(init=False, default_factory=FileStats)
    collected: set[str] = field(init=False, default_factory=set)
    delimiter: str = field(init=False, default=",")
    ok: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._text: TextIO = open_text(self.chunks, self.on_bytes)
        self._pending: list[str] = []
        self._line = 1
        self._marks: list[tuple[int, int]] = []  # (COPY line, file line − COPY line)
        self._copy_line, self._delta = 1, None  # the next row's COPY line; the last mark
        self._row_marks: list[tuple[int, int]] = []  # (COPY row, file line − COPY row)
        self._copy_row, self._row_delta = 1, None
        self._moment = timezone.now().replace(microsecond=0)  # for rows without a date
        # Per column: the first date read in SEED_DATE_ORDER because both orders were
        # possible, and the first that can only be read in the other order (line, cell).
        self._guessed: dict[int, tuple[int, str]] = {}
        self._contrary: dict[int, tuple[int, str]] = {}
        self._known: Callable[[str], bool] | None = None
        self._positions: list[int] | None = None
        self._kept: KeptCheck | None = None
        self._identity_at = 0
        try:
            self._read_header()
        except (UnicodeDecodeError, csv.Error) as err:
            self._unreadable(err)

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    def close(self) -> None:
        self._text.close()

    def _error(self, line, column, value, reason) -> None:
        header = self.headers[column - 1] if column and column <= len(self.headers) else None
        self.errors.add(RowError(self.name, line, column, header, value, reason))

    def _unreadable(self, err: Exception) -> None:
        self.ok = False
        line = self._line
        if isinstance(err, UnicodeDecodeError):
            reason = _("not UTF-8 or UTF-16 (with BOM) text")
            # The decoder runs ahead of the parser: place the byte by the bytes before it.
            line = self._text.buffer.line_of(err, self._eol[-1]) or line
        else:
            reason = _("not readable as CSV: %(error)s") % {"error": err}
        self._error(line, None, None, reason)

    @property
    def skips_known(self) -> bool:
        return self._known is not None

    def skip_known(self, known: Callable[[str], bool | int], kept: KeptCheck | None = None) -> None:
        """Skip rows whose key ``known`` says the table holds (they are kept as they are);
        ``HELD_AGAIN`` from it means the key came before in the files: refused.

        ``kept`` is asked of each row skipped so whether the database's row under that
        key may be kept (collision.kept_over): each row it refuses is an error.
        """
        (key,) = self.spec.key_columns
        self._known, self._key_at = known, self.columns.index(key)
        if kept is not None and IDENTITY in self.columns:
            self._kept = kept
            self._identity_at = self.columns.index(IDENTITY)

    def _lines(self, first: str) -> Iterator[str]:
        pending = self._pending
        pending.append(first)
        yield first
        skip = self._line_skipper()  # asked for once the first row is wanted
        skip_block = self._block_skipper()
        lines = self._text if skip_block is None else self._unskipped_lines(skip_block)
        for line in lines:
            if skip is not None and not pending and skip(line):
                self._line += 1
                continue
            pending.append(line)
            yield line

    def _unskipped_lines(self, skip_block: Callable[[str], bool]) -> Iterator[str]:
        """The stream's lines, less the blocks ``skip_block`` counts whole (asked only
        between records). Iterating the text stream itself is faster when none is."""
        for block in iter(self._read_block, ""):
            if not self._pending and skip_block(block):
                continue
            yield from io.StringIO(block, newline="")

    def _block_skipper(self) -> Callable[[str], bool] | None:
        """Decide about a whole block of lines at once, when that is safe.

        A block without any of the window's dates, whose lines are each one whole record
        (no line may be blank, every line's quotes pair up), lies wholly outside the
        window: it is counted without being split into lines (the line-by-line check costs
        twice as much, and a window is a few blocks of a year's file).
        """
        hint = self.row_filter.hint if self.row_filter else None
        if hint is None or self._eol[-1] != "\n":
            return None
        stats, maybe_blank = self.stats, _MAYBE_BLANK_LINE.search

        def outside(block: str) -> bool:
            if hint(block) or maybe_blank(block) or block[0] in _BLANK:
                return False
            if not _quotes_pair_up_on_each_line(block):
                return False
            lines = block.count("\n") + (not block.endswith("\n"))
            self._line += lines
            stats.outside += lines
            return True

        return outside

    def _line_skipper(self) -> Callable[[str], bool] | None:
        """Decide about a whole one-line record without parsing it, when that is safe.

        Between records, a line whose quotes pair up is a whole record. Without any of the
        window's dates it lies outside the window; with a known key first, it is kept.
        """
        stats, delimiter = self.stats, self.delimiter
        hint = self.row_filter.hint if self.row_filter else None
        if hint is not None:

            def outside(line: str) -> bool:
                if hint(line) or line.count('"') % 2:
                    return False
                if line.strip(_BLANK):
                    stats.outside += 1
                return True

            return outside
        first_is_key = self._positions is None and getattr(self, "_key_at", None) == 0
        known = self._known if self._known is not None and first_is_key else None
        if known is None:
            return None
        check = self._kept.check if self._kept is not None else None
        # The creation moment is found from the line's end, past the cells after it (a few
        # searches from the right, nothing split or copied but the cell itself).
        after = len(self.fields) - 1 - self._identity_at

        def existing(line: str) -> bool:
            end = line.find(delimiter)
            if end <= 0 or line[0] == '"':
                return False
            quoted = '"' in line
            if quoted and line.count('"') % 2:
                return False
            if check is not None:
                start = stop = len(line)
                for _cell in range(after + 1):
                    stop, start = start, line.rfind(delimiter, end, start)
                    if start < 0:
                        return False  # too few cells: read as CSV, which says so
                if quoted and line.find('"', start) >= 0:
                    return False  # a quote from the moment on: read as CSV instead
                created = line[start + 1 : stop] if after else line[start + 1 :].rstrip("\r\n")
            key = line[:end]
            held = known(key)
            if not held:
                return False
            if held is HELD_AGAIN:
                self._key_again(self._line, key)
            elif check is not None:
                for problem in check(self._line, key, created):
                    self._kept_error(*problem)
            stats.existing += 1
            return True

        return existing

    def _read_header(self) -> None:
        self._eol = "\n"
        first = self._text.readline()
        if not first.strip():
            self._error(1, None, None, _("empty file: no header row"))
            return
        self.delimiter = delimiter_of(first)
        self._eol = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
        self._reader = csv.reader(self._lines(first), delimiter=self.delimiter)
        self.headers = next(self._reader)
        self._line += len(self._pending)
        self._pending.clear()
        self.ok = self._map_header()
        if self.ok:
            self._prepare()

    def _map_header(self) -> bool:
        mapped = header_fields(self.spec, self.headers, names=True)
        for line, column, value, reason in mapped.problems:
            self._error(line, column, value, reason)
        self.fields, self.missing = mapped.fields, mapped.missing
        self._positions = mapped.positions
        return not mapped.problems

    def file_column(self, position: int) -> int:
        """The file's column (1-based) of the ``position``-th field read (1-based): they
        differ when the file has columns the upload ignores (an export's names)."""
        return position if self._positions is None else self._positions[position - 1] + 1

    def _prepare(self) -> None:
        patterns = [fast_pattern(f) for f in self.fields]
        # A file with ignored columns: every row is read and written again without them.
        whole = not self.exact and self._positions is None
        self._match = re.compile(SEPARATOR.join(patterns) if whole else "(?!)").fullmatch
        self._block_match = None
        if whole and self.row_filter is None and self.collect is None:
            block = block_pattern(self.fields, self.delimiter, self._eol)
            self._block_match = re.compile(block).fullmatch
        self._filter_at = self._filter_match = None
        if self.row_filter is not None:
            self._filter_at = self.columns.index(self.row_filter.column)
            pattern = patterns[self._filter_at]
            self._filter_match = re.compile(pattern, re.DOTALL).fullmatch
        self._collect_at = self.columns.index(self.collect) if self.collect else None
        self._repairs = row_repairs(self.fields)
        self._date_order = date_order()

    def records(self, batch_rows: int = BATCH_ROWS) -> Iterator[str]:
        """The kept rows as CSV text in the file's dialect, a batch of rows at a time."""
        if not self.ok:
            return
        try:
            if self._block_match is None or self._known is not None:
                yield from self._rows(self._reader, batch_rows)
                self._refuse_mixed_date_orders()
                return
            # Blocks of lines that pass as they are go on in one piece; a block that does
            # not is read row by row, which finds, repairs or reports what stopped it.
            while block := self._read_block():
                if self._block_match(block):
                    yield self._passed(block)
                else:
                    reader = csv.reader(self._block_lines(block), delimiter=self.delimiter)
                    yield from self._rows(reader, batch_rows)
        except (UnicodeDecodeError, csv.Error) as err:
            self._unreadable(err)
        self._refuse_mixed_date_orders()

    def _refuse_mixed_date_orders(self) -> None:
        """A column holding a date that can only be read in the other order (6/26/2001
        when dates are day-first) makes its ambiguous dates (6/7/2001) unsafe: refused."""
        for position, (line, cell) in sorted(self._guessed.items()):
            if position not in self._contrary:
                continue
            other_line, other = self._contrary[position]
            order = _("day-first") if self._date_order == DMY else _("month-first")
            reason = _(
                "read %(order)s (SEED_DATE_ORDER), but line %(line)d of this column holds "
                "“%(other)s”, which can only be the other order: the column mixes both or "
                "is not %(order)s; write dates as YYYY-MM-DD and export again"
            ) % {"order": order, "line": other_line, "other": other}
            self._error(line, self.file_column(position), cell, reason)

    def _read_block(self) -> str:
        """About BLOCK_CHARS characters of whole lines."""
        block = self._text.read(BLOCK_CHARS)
        if block.endswith("\r"):
            block += self._text.read(1)  # a CR LF cut in two stays together
        if block and block[-1] not in "\r\n":
            block += self._text.readline()
        return block

    def _passed(self, block: str) -> str:
        """Account for a block passed on as it is: one line per row."""
        lines = block.count(self._eol[-1])
        self._mark_copy_lines(self._line, lines, lines)
        self._line += lines
        self.stats.rows += lines
        return block

    def _block_lines(self, block: str) -> Iterator[str]:
        """A block's lines for csv.reader, then the stream's while a record runs on."""
        pending = self._pending
        for line in io.StringIO(block, newline=""):
            pending.append(line)
            yield line
        while pending:  # the reader is inside a record (pending is cleared between rows)
            line = self._text.readline()
            if not line:
                return
            pending.append(line)
            yield line

    def _mark_copy_lines(self, line: int, lines: int, rows: int = 1) -> None:
        """``lines`` COPY lines (``rows`` rows) from the file's ``line`` on: note where
        COPY's line and row numbers part from the file's, for ``file_line``/``row_line``."""
        if line - self._copy_line != self._delta:
            self._delta = line - self._copy_line
            self._marks.append((self._copy_line, self._delta))
        self._copy_line += lines
        if line - self._copy_row != self._row_delta:
            self._row_delta = line - self._copy_row
            self._row_marks.append((self._copy_row, self._row_delta))
        self._copy_row += rows

    def _rows(self, reader, batch_rows: int) -> Iterator[str]:  # the hot loop
        pending, match, eol, width = self._pending, self._match, self._eol, len(self.headers)
        positions = self._positions
        row_filter, filter_at, stats = self.row_filter, self._filter_at, self.stats
        known, key_at = self._known, getattr(self, "_key_at", None)
        collect_at, collected, mark = self._collect_at, self.collected, self._mark_copy_lines
        out = []
        for row in reader:
            lines = len(pending)
            line = self._line
            self._line += lines
            raw = pending[0] if lines == 1 else "".join(pending)
            pending.clear()
            if len(row) != width:
                if any(row):
                    counts = {"n": len(row), "m": width}
                    self._error(
                        line, None, None, _("%(n)d cells, but the header has %(m)d") % counts
                    )
                continue
            if positions is not None:
                row = [row[at] for at in positions]
            if filter_at is not None:
                cell = self._filter_cell(row[filter_at], line)
                if cell is None:
                    continue
                if not row_filter.accepts(cell):
                    stats.outside += 1
                    continue
            held = known is not None and known(row[key_at])
            if held:
                if held is HELD_AGAIN:
                    self._key_again(line, row[key_at])
                elif self._kept is not None:
                    for problem in self._kept.check(line, row[key_at], row[self._identity_at]):
                        self._kept_error(*problem)
                stats.existing += 1
                continue
            joined = SEPARATOR.join(row)
            # A quote inside a cell: Python's csv read it literally, COPY would not.
            if match(joined) is None or '"' in joined:
                raw = self._rewrite(row, line)
                if raw is None:
                    continue
                lines = raw.count(eol[-1])
            elif not raw.endswith(eol):
                raw = raw.rstrip("\r\n") + eol
            mark(line, lines)
            if collect_at is not None:
                collected.add(row[collect_at])
            out.append(raw)
            if len(out) >= batch_rows:
                stats.rows += len(out)
                yield "".join(out)
                out.clear()
        if out:
            stats.rows += len(out)
            yield "".join(out)

    def _filter_cell(self, cell: str, line: int) -> str | None:
        if self._filter_match(cell):
            return cell
        try:
            return copy_text(self.fields[self._filter_at], cell)[0]
        except CellError as err:
            self._error(line, self.file_column(self._filter_at + 1), cell, str(err))
            return None

    def _rewrite(self, row: list[str], line: int) -> str | None:
        """The slow path: decode every cell with the codec and write the row again."""
        if not any(row):
            return None
        cells, bad, forms = [], False, self.stats.forms
        if self._repairs:
            for kind in repair_row(self._repairs, self.fields, row, self._moment):
                forms[kind] += 1
                self.stats.fixed += 1
        for position, (fld, cell) in enumerate(zip(self.fields, row, strict=True), start=1):
            try:
                text, read = copy_text(fld, cell)
            except CellError as err:
                self._error(line, self.file_column(position), cell, str(err))
                bad = True
                continue
            self.stats.fixed += read.fixed
            self.stats.warnings += read.warning
            if read.forms:
                forms.update(read.forms)
                self._note_date_order(read, position, line, cell)
            cells.append(text)
            row[position - 1] = text
        if bad:
            return None
        # Every cell quoted: Python's csv would leave a lone CR bare, which COPY takes for
        # the end of the line; quoted, an empty cell is still NULL or "" (FORCE_NULL / _NOT_).
        buffer = io.StringIO()
        writer = csv.writer(
            buffer, delimiter=self.delimiter, lineterminator=self._eol, quoting=csv.QUOTE_ALL
        )
        writer.writerow(cells)
        return buffer.getvalue()

    def check_kept(self) -> None:
        """Report the rows kept that ``kept.flush`` finds to be other rows: asked once
        ``records`` is read to its end and whatever consumed it (a COPY) has ended."""
        if self._kept is not None:
            for problem in self._kept.flush():
                self._kept_error(*problem)

    def _key_again(self, line: int, key: str) -> None:
        column = self.file_column(self._key_at + 1)
        self._error(line, column, key, _("this key appears more than once in the files"))

    def _kept_error(self, line: int, created: str, reason: str) -> None:
        self._error(line, self.file_column(self._identity_at + 1), created, reason)

    def _note_date_order(self, read, position: int, line: int, cell: str) -> None:
        if read.guessed:
            self._guessed.setdefault(position, (line, cell))
        elif (DAY_FIRST if self._date_order != DMY else MONTH_FIRST) in read.forms:
            self._contrary.setdefault(position, (line, cell))

    def row_line(self, copy_row: int) -> int | None:
        """The file's line where the ``copy_row``-th row given to COPY (1-based) starts."""
        at = bisect.bisect_right(self._row_marks, (copy_row, float("inf"))) - 1
        return copy_row + self._row_marks[at][1] if at >= 0 else None

    def file_line(self, copy_line: int) -> int | None:
        """The file's line for a line number PostgreSQL's COPY reported."""
        at = bisect.bisect_right(self._marks, (copy_line, float("inf"))) - 1
        return copy_line + self._marks[at][1] if at >= 0 else None


def _quotes_pair_up_on_each_line(block: str) -> bool:
    """Whether each line of ``block`` holds an even number of quotes: then no quoted cell
    runs over a line break. Written for speed: the block's quotes and line feeds alone (one
    C pass), with every pair of quotes on one line taken out, leave no quote."""
    if '"' not in block:
        return True
    marks = block.encode().translate(None, _ALL_BUT_QUOTES_AND_LINE_FEEDS)
    return b'"' not in marks.replace(b'""', b"")
