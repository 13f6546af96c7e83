"""System checks for the domain's settings (ids appointments.E001…)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from .selectors.working_pattern import parse_break


@register()
def check_slot_defaults(app_configs=None, **kwargs) -> list[Error]:
    """appointments.E001: the defaults "generate slots" proposes make a working day."""
    hint = "See README, “Schedule slot defaults”."
    problems = []
    days = settings.SLOT_WORKING_DAYS
    if not days or not set(days) <= set(range(7)):
        problems.append(f"SLOT_WORKING_DAYS={days!r} must list days from 0 (Monday) to 6.")
    start, end = settings.SLOT_START_HOUR, settings.SLOT_END_HOUR
    if not 0 <= start < end <= 24:
        problems.append(
            f"SLOT_START_HOUR={start} and SLOT_END_HOUR={end}: need 0 ≤ start < end ≤ 24."
        )
    elif not 5 <= settings.SLOT_MINUTES <= (end - start) * 60:
        problems.append(
            f"SLOT_MINUTES={settings.SLOT_MINUTES} must be at least 5 and fit in the day."
        )
    try:
        lunch = parse_break(settings.SLOT_LUNCH_BREAK)
    except ValueError as err:
        problems.append(f"SLOT_LUNCH_BREAK: {err}.")
    else:
        inside = lunch and start * 60 <= lunch[0].hour * 60 + lunch[0].minute
        inside = inside and lunch[1].hour * 60 + lunch[1].minute <= end * 60
        if lunch and not inside:
            problems.append(
                f"SLOT_LUNCH_BREAK={settings.SLOT_LUNCH_BREAK!r} lies outside {start}:00–{end}:00."
            )
    return [Error(problem, hint=hint, id="appointments.E001") for problem in problems]
