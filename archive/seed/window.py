"""A date window's rows: the filter that keeps them, and lines found outside it unparsed.

Between records, a line whose quotes pair up is a whole record: without any of the
window's dates (the filter's ``hint``) it lies outside the window, counted without being
parsed. A block of such lines is counted at once. Anything less plain is read as CSV.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from archive.seed.file_stats import FileStats

BLANK = " \t\r\n,;"  # a line of nothing but these is no record
# A line that may be blank: its block is read line by line.
_MAYBE_BLANK_LINE = re.compile(f"\n[{re.escape(BLANK)}]")
_ALL_BUT_QUOTES_AND_LINE_FEEDS = bytes(c for c in range(256) if c not in b'"\n')

#: Whether to skip a line between records (its text, its line number), counting it.
LineSkipper = Callable[[str, int], bool]
#: Whether to skip a block of whole lines between records, counting them.
BlockSkipper = Callable[[str], bool]


@dataclass(frozen=True)
class RowFilter:
    """Keep a row when ``accepts`` says yes to its cell in ``column`` (canonical text).

    ``hint``, if given, finds in a line some text every kept row contains (a window's
    dates): a one-line record without it is counted outside before it is even parsed.
    """

    column: str
    accepts: Callable[[str], bool]
    hint: Callable[[str], object] | None = None


def outside_blocks(hint: Callable[[str], object], count: Callable[[int], None]) -> BlockSkipper:
    """Decide about a whole block of LF-ended lines at once.

    A block without any of the window's dates, whose lines are each one whole record
    (no line may be blank, every line's quotes pair up), lies wholly outside the
    window: ``count`` is told its lines without it being split into lines (the
    line-by-line check costs twice as much, and a window is a few blocks of a year's file).
    """
    maybe_blank = _MAYBE_BLANK_LINE.search

    def outside(block: str) -> bool:
        if hint(block) or maybe_blank(block) or block[0] in BLANK:
            return False
        if not _quotes_pair_up_on_each_line(block):
            return False
        count(block.count("\n") + (not block.endswith("\n")))
        return True

    return outside


def outside_lines(hint: Callable[[str], object], stats: FileStats) -> LineSkipper:
    """Skip a one-line record without any of the window's dates, counted outside."""

    def outside(line: str, _number: int) -> bool:
        if hint(line) or line.count('"') % 2:
            return False
        if line.strip(BLANK):
            stats.outside += 1
        return True

    return outside


def _quotes_pair_up_on_each_line(block: str) -> bool:
    """Whether each line of ``block`` holds an even number of quotes: then no quoted cell
    runs over a line break. Written for speed: the block's quotes and line feeds alone (one
    C pass), with every pair of quotes on one line taken out, leave no quote."""
    if '"' not in block:
        return True
    marks = block.encode().translate(None, _ALL_BUT_QUOTES_AND_LINE_FEEDS)
    return b'"' not in marks.replace(b'""', b"")
