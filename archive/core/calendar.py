"""Months and date windows: how the archive splits windowed tables and what a seed loads.

Files hold a month each (``data/<table>/<YYYY-MM>.csv``); a windowed seed loads the days
of a ``Window``; what a database owns is the union of the windows it loaded (``merged``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

Month = dt.date  # the first day of a month


def next_month(month: Month) -> Month:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_label(month: Month) -> str:
    return f"{month:%Y-%m}"


@dataclass(frozen=True, order=True)
class Window:
    """The inclusive date window [start, end] of a windowed seed."""

    start: dt.date
    end: dt.date

    @classmethod
    def around(cls, day: dt.date, days: int) -> Window:
        return cls(day - dt.timedelta(days=days), day + dt.timedelta(days=days))

    def __iter__(self) -> Iterator[dt.date]:
        """``start, end = window``."""
        return iter((self.start, self.end))

    def months(self) -> set[str]:
        months, month = set(), self.start.replace(day=1)
        while month <= self.end:
            months.add(month_label(month))
            month = next_month(month)
        return months

    def dates(self) -> frozenset[str]:
        """The window's days as ISO text: a streamed date cell is kept by one set lookup."""
        days = (self.end - self.start).days + 1
        return frozenset((self.start + dt.timedelta(days=n)).isoformat() for n in range(days))

    def __str__(self) -> str:
        return f"{self.start.isoformat()} … {self.end.isoformat()}"


def merged(windows: Iterable[Window]) -> tuple[Window, ...]:
    """The union of ``windows`` as the fewest windows: overlapping or adjacent ones joined."""
    joined: list[Window] = []
    for window in sorted(windows):
        if joined and window.start <= joined[-1].end + dt.timedelta(days=1):
            joined[-1] = Window(joined[-1].start, max(joined[-1].end, window.end))
        else:
            joined.append(window)
    return tuple(joined)
