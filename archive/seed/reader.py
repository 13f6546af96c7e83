"""Reading one archive or upload CSV file as a stream of rows ready for COPY.

What people really have: our own exports; the original system's files (PascalCase
headers); UTF-8 with or without BOM, UTF-16 with BOM (comma- or tab-separated); CRLF or LF.
The header maps to the table's columns case-insensitively (headers.py). Rows are checked
as they stream by: a block of lines without any of the window's dates is counted outside
at once (window.py), a row outside the window is dropped after one look at its date cell; a
row that PostgreSQL reads exactly as the codec would is passed on as the bytes it came in
(one regular-expression match; for a whole file's load, one match per block of lines), any
other is decoded cell by cell and rewritten (row_rewrite.py). Every problem becomes a
``RowError`` with file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator

from django.db import models
from django.utils.translation import gettext as _

from archive.core.codec import CellError
from archive.core.collision import IDENTITY
from archive.core.tables import TableSpec
from archive.seed.copy_lines import CopyLines
from archive.seed.errors import ErrorLog, RowError
from archive.seed.fast_path import SEPARATOR, block_pattern, copy_text, fast_pattern
from archive.seed.file_lines import FileLines
from archive.seed.file_stats import FileStats
from archive.seed.headers import delimiter_of, header_fields
from archive.seed.held_keys import HeldKeys, KeptCheck, Known
from archive.seed.row_rewrite import RowRewriter
from archive.seed.window import BlockSkipper, LineSkipper, RowFilter, outside_blocks, outside_lines
from archive.storage.streams import ByteCounter, open_text

BATCH_ROWS = 2000
BLOCK_CHARS = 1 << 18  # a block of lines checked by one match (256K: 0.5–1 MB as text)
csv.field_size_limit(max(csv.field_size_limit(), 16 << 20))  # long notes stay readable

Match = Callable[[str], re.Match[str] | None]


class CsvFile:
    """One file of one table: its header read on opening, its rows read by ``records``."""

    def __init__(
        self,
        spec: TableSpec,
        name: str,
        chunks: Iterator[bytes],
        errors: ErrorLog,
        row_filter: RowFilter | None = None,
        collect: str | None = None,
        on_bytes: ByteCounter | None = None,
        exact: bool = False,
    ) -> None:
        self.spec = spec
        self.name = name
        self.chunks = chunks
        self.errors = errors
        self.row_filter = row_filter
        self.collect = collect  # a column whose values (of rows kept) are gathered
        self.on_bytes = on_bytes
        self.exact = exact  # every row through the codec (when no COPY checks types after us)
        self.fields: list[models.Field] = []
        self.headers: list[str] = []
        self.missing: list[models.Field] = []
        self.stats = FileStats()
        self.collected: set[str] = set()
        self.delimiter = ","
        self.ok = False
        self._source = FileLines(open_text(self.chunks, self.on_bytes), BLOCK_CHARS)
        self._reader: Iterator[list[str]] | None = None
        self._copy_lines = CopyLines()
        self._positions: list[int] | None = None  # see ``HeaderFields.positions``
        # Set once the header is mapped (``_prepare``).
        self._match: Match | None = None
        self._block_match: Match | None = None
        self._filter_at: int | None = None
        self._filter_match: Match | None = None
        self._collect_at: int | None = None
        self._rewriter: RowRewriter | None = None
        self._held: HeldKeys | None = None  # set by ``skip_known``
        try:
            self._read_header()
        except (UnicodeDecodeError, csv.Error) as err:
            self._unreadable(err)

    @property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    def close(self) -> None:
        self._source.text.close()

    def _error(self, line, column, value, reason) -> None:
        header = self.headers[column - 1] if column and column <= len(self.headers) else None
        self.errors.add(RowError(self.name, line, column, header, value, reason))

    def _cell_error(self, line: int, position: int, cell: str, reason: str) -> None:
        """An error in the ``position``-th field read (1-based), placed in its file column."""
        self._error(line, self.file_column(position), cell, reason)

    def _unreadable(self, err: Exception) -> None:
        self.ok = False
        line = self._source.line
        if isinstance(err, UnicodeDecodeError):
            reason = _("not UTF-8 or UTF-16 (with BOM) text")
            # The decoder runs ahead of the parser: place the byte by the bytes before it.
            line = self._source.text.buffer.line_of(err, self._source.eol[-1]) or line
        else:
            reason = _("not readable as CSV: %(error)s") % {"error": err}
        self._error(line, None, None, reason)

    @property
    def skips_known(self) -> bool:
        return self._held is not None

    def skip_known(self, known: Known, kept: KeptCheck | None = None) -> None:
        """Skip rows whose key ``known`` says the table holds (they are kept as they are);
        ``HELD_AGAIN`` from it means the key came before in the files: refused.

        ``kept`` is asked of each row skipped so whether the database's row under that
        key may be kept (collision.kept_over): each row it refuses is an error.
        """
        (key,) = self.spec.key_columns
        checked = kept is not None and IDENTITY in self.columns
        self._held = HeldKeys(
            known,
            self.columns.index(key),
            kept if checked else None,
            self.columns.index(IDENTITY) if checked else 0,
            self.stats,
            self._cell_error,
        )

    def _skippers(self) -> tuple[LineSkipper | None, BlockSkipper | None]:
        return self._line_skipper(), self._block_skipper()

    def _block_skipper(self) -> BlockSkipper | None:
        """Decide about a whole block of lines at once, when that is safe, for lines that
        end in LF: outside a window (window.outside_blocks), or held (held_keys)."""
        hint = self.row_filter.hint if self.row_filter else None
        if self._source.eol[-1] != "\n":
            return None
        if hint is not None:
            return outside_blocks(hint, self._count_outside)
        if self._held is None or self._positions is not None:
            return None
        return self._held.block_skipper(self.delimiter, len(self.fields), self._count_lines)

    def _count_outside(self, lines: int) -> None:
        self._count_lines(lines)
        self.stats.outside += lines

    def _count_lines(self, lines: int) -> None:
        self._source.line += lines

    def _line_skipper(self) -> LineSkipper | None:
        """Decide about a whole one-line record without parsing it, when that is safe:
        outside the window, or kept under a held key that comes first."""
        hint = self.row_filter.hint if self.row_filter else None
        if hint is not None:
            return outside_lines(hint, self.stats)
        if self._held is None or self._positions is not None or self._held.key_at != 0:
            return None
        return self._held.line_skipper(self.delimiter, len(self.fields))

    def _read_header(self) -> None:
        source = self._source
        first = source.text.readline()
        if not first.strip():
            self._error(1, None, None, _("empty file: no header row"))
            return
        self.delimiter = delimiter_of(first)
        source.eol = "\r\n" if first.endswith("\r\n") else "\r" if first.endswith("\r") else "\n"
        self._reader = csv.reader(source.lines(first, self._skippers), delimiter=self.delimiter)
        self.headers = next(self._reader)
        source.line += len(source.pending)
        source.pending.clear()
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
        if whole and self.row_filter is None and self.collect is None:
            block = block_pattern(self.fields, self.delimiter, self._source.eol)
            self._block_match = re.compile(block).fullmatch
        if self.row_filter is not None:
            self._filter_at = self.columns.index(self.row_filter.column)
            pattern = patterns[self._filter_at]
            self._filter_match = re.compile(pattern, re.DOTALL).fullmatch
        self._collect_at = self.columns.index(self.collect) if self.collect else None
        self._rewriter = RowRewriter(
            self.fields, self.delimiter, self._source.eol, self.stats, self._cell_error
        )

    def records(self, batch_rows: int = BATCH_ROWS) -> Iterator[str]:
        """The kept rows as CSV text in the file's dialect, a batch of rows at a time."""
        if not self.ok:
            return
        try:
            if self._block_match is None or self._held is not None:
                yield from self._rows(self._reader, batch_rows)
                self._rewriter.refuse_mixed_date_orders()
                return
            # Blocks of lines that pass as they are go on in one piece; a block that does
            # not is read row by row, which finds, repairs or reports what stopped it.
            while block := self._source.read_block():
                if self._block_match(block):
                    yield self._passed(block)
                else:
                    lines = self._source.block_lines(block)
                    yield from self._rows(csv.reader(lines, delimiter=self.delimiter), batch_rows)
        except (UnicodeDecodeError, csv.Error) as err:
            self._unreadable(err)
        self._rewriter.refuse_mixed_date_orders()

    def _passed(self, block: str) -> str:
        """Account for a block passed on as it is: one line per row."""
        lines = block.count(self._source.eol[-1])
        self._copy_lines.mark(self._source.line, lines, lines)
        self._source.line += lines
        self.stats.rows += lines
        return block

    def _rows(self, reader, batch_rows: int) -> Iterator[str]:  # the hot loop
        source = self._source
        pending, match, eol, width = source.pending, self._match, source.eol, len(self.headers)
        positions, rewrite = self._positions, self._rewriter.rewrite
        row_filter, filter_at, stats = self.row_filter, self._filter_at, self.stats
        held = self._held.skips if self._held is not None else None
        collect_at, collected, mark = self._collect_at, self.collected, self._copy_lines.mark
        out = []
        for row in reader:
            lines = len(pending)
            line = source.line
            source.line += lines
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
            if held is not None and held(line, row):
                continue
            joined = SEPARATOR.join(row)
            # A quote inside a cell: Python's csv read it literally, COPY would not.
            if match(joined) is None or '"' in joined:
                raw = rewrite(row, line)
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
            self._cell_error(line, self._filter_at + 1, cell, str(err))
            return None

    def check_kept(self) -> None:
        """Report the rows kept that ``kept.flush`` finds to be other rows: asked once
        ``records`` is read to its end and whatever consumed it (a COPY) has ended."""
        if self._held is not None:
            self._held.check_kept()

    def row_line(self, copy_row: int) -> int | None:
        """The file's line where the ``copy_row``-th row given to COPY (1-based) starts."""
        return self._copy_lines.row_line(copy_row)

    def file_line(self, copy_line: int) -> int | None:
        """The file's line for a line number PostgreSQL's COPY reported."""
        return self._copy_lines.file_line(copy_line)
