"""Rows skipped because the table holds their key: kept as the table has them.

A key met twice in the files is refused (``HELD_AGAIN``). Where a sequence hands out keys,
each row kept is checked to be the archived row (``KeptCheck``, collision.kept_over). A
one-line record with its key first is decided from its text, without being parsed; a whole
block of such records at once, when ``known`` can take a run of keys
(``pg_known_keys.KnownKeys.take_run``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from django.utils.translation import gettext as _

from archive.seed.file_stats import FileStats
from archive.seed.window import BlockSkipper, LineSkipper

HELD_AGAIN = 2  # what a ``skip_known`` callable says of a held key it was asked before

#: Whether the table holds a key cell's value: False, True, or ``HELD_AGAIN``.
Known = Callable[[str], bool | int]


class KeptCheck(Protocol):
    """Whether rows kept because the table holds their key may be kept (pg_known_keys).

    ``check(line, key, creation cell)`` and ``flush()`` return the problems found, as
    (line, creation cell, reason); ``flush`` ends a file, after its COPY (CsvFile.check_kept).
    """

    def check(self, line: int, key: str, cell: str) -> list[tuple[int, str, str]]: ...

    def flush(self) -> list[tuple[int, str, str]]: ...


class HeldKeys:
    """One file's rows under keys the table holds: counted in ``stats.existing``; each
    problem told to ``problem(line, field's place (1-based), cell, reason)``."""

    def __init__(
        self,
        known: Known,
        key_at: int,
        kept: KeptCheck | None,
        identity_at: int,
        stats: FileStats,
        problem: Callable[[int, int, str, str], None],
    ) -> None:
        self.known = known
        self.key_at = key_at  # the key's place in a row read (0-based)
        self._kept = kept
        self._identity_at = identity_at  # the creation cell's place, when ``kept``
        self._stats = stats
        self._problem = problem

    def skips(self, line: int, row: list[str]) -> bool:
        """Whether a row read is skipped as held (after any problem with it is told)."""
        key = row[self.key_at]
        held = self.known(key)
        if not held:
            return False
        if held is HELD_AGAIN:
            self._again(line, key)
        elif self._kept is not None:
            for found in self._kept.check(line, key, row[self._identity_at]):
                self._kept_error(*found)
        self._stats.existing += 1
        return True

    def check_kept(self) -> None:
        """Report the rows kept that ``KeptCheck.flush`` finds to be other rows."""
        if self._kept is not None:
            for found in self._kept.flush():
                self._kept_error(*found)

    def line_skipper(self, delimiter: str, width: int) -> LineSkipper:
        """Skip a one-line record whose first cell is a held key (rows of ``width`` cells).

        The creation moment is found from the line's end, past the cells after it (a few
        searches from the right, nothing split or copied but the cell itself).
        """
        known, stats, again, problem = self.known, self._stats, self._again, self._kept_error
        check = self._kept.check if self._kept is not None else None
        after = width - 1 - self._identity_at

        def existing(line: str, number: int) -> bool:
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
                again(number, key)
            elif check is not None:
                for found in check(number, key, created):
                    problem(*found)
            stats.existing += 1
            return True

        return existing

    def block_skipper(
        self, delimiter: str, width: int, count: Callable[[int], None]
    ) -> BlockSkipper | None:
        """Skip a whole block of one-line records whose first cells are held keys, with a
        few passes of C code over the block instead of one Python call per line; ``count``
        is told the lines skipped. None when ``known`` has no ``take_run(keys, moments)``
        (pg_known_keys.KnownKeys has: all held, first met, moments as expected, or no change).

        Any block that is not plainly that (a record on several lines, a quoted key or
        creation cell, a cell too many or too few, a key not held or met before, another
        creation moment) is left to the line skipper and the CSV reader, which find and
        place whatever it is.
        """
        take_run = getattr(self.known, "take_run", None)
        if take_run is None or self.key_at != 0 or width < 2:
            return None
        sep = re.escape(delimiter)
        plain = f'[^{sep}"\r\n]*'
        quoted = '"[^"\r\n]*(?:""[^"\r\n]*)*"'  # on this line; unrolled, for speed
        cell = f"(?:{plain}|{quoted})"
        # One match per line of exactly ``width`` cells, as ``line_skipper`` reads them:
        # the key and the creation cell plain (a quoted one is read as CSV).
        if self._kept is None:
            line = f"^({plain})(?:{sep}{cell}){{{width - 1}}}\r?$"
        elif self._identity_at > 0:
            after = width - 1 - self._identity_at
            line = (
                f"^({plain})(?:{sep}{cell}){{{self._identity_at - 1}}}{sep}({plain})"
                f"(?:{sep}{cell}){{{after}}}\r?$"
            )
        else:
            return None
        lines_of = re.compile(line, re.MULTILINE).findall
        stats, checked = self._stats, self._kept is not None

        def held(block: str) -> bool:
            rows = block.count("\n")
            if not rows:
                return False
            found = lines_of(block)  # a line of any other shape is not matched
            if len(found) != rows:
                return False
            keys, moments = zip(*found, strict=True) if checked else (found, None)
            if not take_run(keys, moments):
                return False
            stats.existing += rows
            count(rows)
            return True

        return held

    def _again(self, line: int, key: str) -> None:
        reason = _("this key appears more than once in the files")
        self._problem(line, self.key_at + 1, key, reason)

    def _kept_error(self, line: int, created: str, reason: str) -> None:
        self._problem(line, self._identity_at + 1, created, reason)
