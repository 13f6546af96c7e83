"""The order the office reads a list of dated rows in: today and the coming days first
(soonest first), then the past (most recent first) — not the furthest future first."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, OrderBy, Q, Value, When


def upcoming_then_past(*, today: dt.date, date: str = "date", time: str = "time") -> list[OrderBy]:
    """An ``order_by`` for rows with a ``date`` and a ``time`` field (the changelists'
    default): rows from ``today`` on, ascending, then earlier rows, descending."""
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
