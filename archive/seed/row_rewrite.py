"""Rows that cannot pass to COPY as they came: every cell decoded and the row written again.

Each cell goes through the codec (``fast_path.copy_text``); the original system's empty
timestamps are repaired first (repairs.py). Dates read in SEED_DATE_ORDER although both
orders were possible are noted, and refused at the file's end if the same column holds a
date only the other order can read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core.codec import CellError
from archive.core.spreadsheet import DAY_FIRST, DMY, MONTH_FIRST, date_order
from archive.seed.fast_path import copy_text
from archive.seed.file_stats import FileStats
from archive.seed.repairs import repair_row, row_repairs

#: A problem with a cell: (file line, the field's place in the row (1-based), cell, reason).
CellProblem = Callable[[int, int, str, str], None]


class RowRewriter:
    """The slow path of one file's rows, counting what it fixed in the file's ``stats``."""

    def __init__(
        self,
        fields: list[models.Field],
        delimiter: str,
        eol: str,
        stats: FileStats,
        problem: CellProblem,
    ) -> None:
        self._fields = fields
        self._delimiter, self._eol = delimiter, eol
        self._stats = stats
        self._problem = problem
        self._repairs = row_repairs(fields)
        self._moment = timezone.now().replace(microsecond=0)  # for rows without a date
        self._date_order = date_order()
        # Per column: the first date read in SEED_DATE_ORDER because both orders were
        # possible, and the first that can only be read in the other order (line, cell).
        self._guessed: dict[int, tuple[int, str]] = {}
        self._contrary: dict[int, tuple[int, str]] = {}

    def rewrite(self, row: list[str], line: int) -> str | None:
        """The row decoded cell by cell and written again, or None if it holds an error
        (reported) or nothing."""
        if not any(row):
            return None
        cells, bad, stats = [], False, self._stats
        forms = stats.forms
        if self._repairs:
            for kind in repair_row(self._repairs, self._fields, row, self._moment):
                forms[kind] += 1
                stats.fixed += 1
        for position, (fld, cell) in enumerate(zip(self._fields, row, strict=True), start=1):
            try:
                text, read = copy_text(fld, cell)
            except CellError as err:
                self._problem(line, position, cell, str(err))
                bad = True
                continue
            stats.fixed += read.fixed
            stats.warnings += read.warning
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
            buffer, delimiter=self._delimiter, lineterminator=self._eol, quoting=csv.QUOTE_ALL
        )
        writer.writerow(cells)
        return buffer.getvalue()

    def refuse_mixed_date_orders(self) -> None:
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
            self._problem(line, position, cell, reason)

    def _note_date_order(self, read, position: int, line: int, cell: str) -> None:
        if read.guessed:
            self._guessed.setdefault(position, (line, cell))
        elif (DAY_FIRST if self._date_order != DMY else MONTH_FIRST) in read.forms:
            self._contrary.setdefault(position, (line, cell))
