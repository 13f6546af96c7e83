"""COPY's line and row numbers turned back into a file's lines, for placing its errors.

Rows dropped (outside the window, already held) and records running over several lines
make the two part; only the places where they part are noted, and looked up by bisection.
"""

from __future__ import annotations

import bisect


class CopyLines:
    """The file lines of the rows given to COPY, noted as they are given."""

    def __init__(self) -> None:
        self._marks: list[tuple[int, int]] = []  # (COPY line, file line − COPY line)
        self._copy_line, self._delta = 1, None  # the next row's COPY line; the last mark
        self._row_marks: list[tuple[int, int]] = []  # (COPY row, file line − COPY row)
        self._copy_row, self._row_delta = 1, None

    def mark(self, line: int, lines: int, rows: int = 1) -> None:
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

    def row_line(self, copy_row: int) -> int | None:
        """The file's line where the ``copy_row``-th row given to COPY (1-based) starts."""
        at = bisect.bisect_right(self._row_marks, (copy_row, float("inf"))) - 1
        return copy_row + self._row_marks[at][1] if at >= 0 else None

    def file_line(self, copy_line: int) -> int | None:
        """The file's line for a line number PostgreSQL's COPY reported."""
        at = bisect.bisect_right(self._marks, (copy_line, float("inf"))) - 1
        return copy_line + self._marks[at][1] if at >= 0 else None
