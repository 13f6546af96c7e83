"""A consultant's working pattern (days, hours, slot length, break), read from the slots they
already have, so "generate slots" proposes what they really work; the office's defaults
(settings ``SLOT_*``) where they have none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from ..models import ConsultantSchedule

#: How far around today the pattern is read: the recent weeks, and slots already planned.
PATTERN_WEEKS_BACK = 4
PATTERN_WEEKS_AHEAD = 2
#: A gap between two slots of a day this long or longer is a break, not a slot's spare minutes.
MIN_BREAK_MINUTES = 30
#: The most slots read per consultant (a few weeks of even five-minute slots fit).
MAX_SLOTS_READ = 5000


@dataclass(frozen=True)
class WorkingPattern:
    """What ``services.schedule_generate`` needs, besides the consultants and the dates."""

    weekdays: tuple[int, ...]
    start_hour: int
    end_hour: int
    slot_minutes: int
    break_start: dt.time | None
    break_end: dt.time | None
    #: True when read from the consultants' own slots, False for the office's defaults.
    from_slots: bool = False


def parse_break(text: str) -> tuple[dt.time, dt.time] | None:
    """``"12:00-13:30"`` → (12:00, 13:30); ``""`` → no break. ValueError names what is wrong."""
    text = text.strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 2:
        raise ValueError(f"{text!r} is not HH:MM-HH:MM")
    start, end = (dt.time.fromisoformat(part.strip()) for part in parts)
    if not start < end:
        raise ValueError(f"{text!r}: the break ends before it starts")
    return start, end


def default_working_pattern() -> WorkingPattern:
    """The office's defaults (settings, checked at start-up by ``appointments.E001``)."""
    lunch = parse_break(settings.SLOT_LUNCH_BREAK)
    return WorkingPattern(
        weekdays=tuple(sorted(set(settings.SLOT_WORKING_DAYS))),
        start_hour=settings.SLOT_START_HOUR,
        end_hour=settings.SLOT_END_HOUR,
        slot_minutes=settings.SLOT_MINUTES,
        break_start=lunch[0] if lunch else None,
        break_end=lunch[1] if lunch else None,
    )


def _minutes(moment: dt.time) -> int:
    # A slot ending at midnight is stored as 23:59:59 (services._slot_starts).
    return 24 * 60 if moment >= dt.time(23, 59, 59) else moment.hour * 60 + moment.minute


def _most_common(values: Iterable[int], *, ties=min) -> int:
    """The most frequent value; among equally frequent ones, ``ties`` picks (the earlier
    start, the later end: the wider day)."""
    counted = Counter(values)
    top = max(counted.values())
    return ties(value for value, n in counted.items() if n == top)


def pattern_of_slots(slots: Iterable[tuple[dt.date, dt.time, dt.time]]) -> WorkingPattern | None:
    """The pattern a consultant's slots (date, start, end) follow, or None without slots.

    Each part is the most common one: the usual first start and last end of a day (to the
    hour), the usual slot length, the usual gap of at least ``MIN_BREAK_MINUTES`` (kept when
    it occurs on at least half the days); the weekdays worked on at least half as many dates
    as the busiest weekday.
    """
    days: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    for date, start, end in slots:
        days[date].append((_minutes(start), _minutes(end)))
    if not days:
        return None
    dates_per_weekday = Counter(date.weekday() for date in days)
    busiest = max(dates_per_weekday.values())
    weekdays = tuple(sorted(d for d, n in dates_per_weekday.items() if 2 * n >= busiest))
    firsts, lasts, lengths, gaps = [], [], [], []
    for day in days.values():
        day.sort()
        firsts.append(day[0][0])
        lasts.append(max(end for _, end in day))
        lengths += [end - start for start, end in day]
        day_gaps = [
            (end, following)
            for (_, end), (following, _) in zip(day, day[1:], strict=False)
            if following - end >= MIN_BREAK_MINUTES
        ]
        gaps += list(dict.fromkeys(day_gaps))
    gap, gap_days = (Counter(gaps).most_common(1) or [(None, 0)])[0]
    has_break = gap is not None and 2 * gap_days >= len(days)
    return WorkingPattern(
        weekdays=weekdays,
        start_hour=_most_common(firsts) // 60,
        end_hour=min(24, math.ceil(_most_common(lasts, ties=max) / 60)),
        slot_minutes=_most_common(lengths),
        break_start=dt.time(*divmod(gap[0], 60)) if has_break else None,
        break_end=dt.time(*divmod(gap[1], 60)) if has_break else None,
        from_slots=True,
    )


def working_pattern(*, consultant_ids: Iterable[int], today: dt.date) -> WorkingPattern:
    """The pattern the selected consultants share in their recent slots; the defaults when
    they have none or their patterns differ (one form proposes one pattern for all)."""
    since = today - dt.timedelta(weeks=PATTERN_WEEKS_BACK)
    until = today + dt.timedelta(weeks=PATTERN_WEEKS_AHEAD)
    patterns = set()
    for consultant_id in dict.fromkeys(consultant_ids):
        slots = (
            ConsultantSchedule.objects.filter(
                consultant_id=consultant_id, date__gte=since, date__lt=until
            )
            .order_by("date", "start_time")
            .values_list("date", "start_time", "end_time")[:MAX_SLOTS_READ]
        )
        patterns.add(pattern_of_slots(slots))
    if len(patterns) == 1 and None not in patterns:
        return patterns.pop()
    return default_working_pattern()
