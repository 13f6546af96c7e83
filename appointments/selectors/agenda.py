"""The order the office reads a list of dated rows in: today and the coming days first
(soonest first), then the past (most recent first) — not the furthest future first."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Case, F, IntegerField, Model, OrderBy, Q, QuerySet, Value, When

M = TypeVar("M", bound=Model)


def upcoming_then_past(*, today: dt.date, date: str = "date", time: str = "time") -> list[OrderBy]:
    """An ``order_by`` for rows with a ``date`` and a ``time`` field (the changelists'
    default): rows from ``today`` on, ascending, then earlier rows, descending. It sorts
    every row (no index serves a CASE): to read one page, use ``upcoming_then_past_rows``."""
    upcoming = Q(**{f"{date}__gte": today})
    past = ~upcoming
    return [
        Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
        # Upcoming rows sort ascending on their date and time (past rows have none here)…
        Case(When(upcoming, then=F(date))).asc(nulls_last=True),
        Case(When(upcoming, then=F(time))).asc(nulls_last=True),
        # … then the past, newest first.
        Case(When(past, then=F(date))).desc(nulls_last=True),
        Case(When(past, then=F(time))).desc(nulls_last=True),
    ]


def upcoming_then_past_rows(
    queryset: QuerySet[M],
    *,
    today: dt.date,
    start: int,
    stop: int,
    date: str = "date",
    time: str = "time",
) -> list[M]:
    """Rows ``start:stop`` of ``queryset`` in the order of ``upcoming_then_past`` (ties: the
    newest key first), read by two range scans of the date index instead of a sort of every
    row by the CASE above: on a million appointments ~10 ms instead of seconds."""
    upcoming = queryset.filter(**{f"{date}__gte": today}).order_by(date, time, "-pk")
    past = queryset.filter(**{f"{date}__lt": today}).order_by(f"-{date}", f"-{time}", "-pk")
    rows = list(upcoming[start:stop])
    if start + len(rows) >= stop:
        return rows
    # The upcoming rows end inside (or before) this slice; the past follows them.
    upcoming_count = start + len(rows) if rows else upcoming[:start].count()
    return rows + list(past[max(0, start - upcoming_count) : stop - upcoming_count])
