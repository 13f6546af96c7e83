"""A moment as staff read it: local time (TIME_ZONE), in the active language's short style.

One place for pages, admin record names and command output; stored ISO text (the
manifest's runs) is read here too.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format


def shown_time(moment: dt.datetime | str | None, *, with_zone: bool = False) -> str | None:
    """``moment`` (aware, naive or ISO 8601 text) in local time and the language's short
    date-and-time style, with the zone's abbreviation if asked; None for no moment, text
    that is no timestamp as written (not ours to correct)."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if timezone.is_naive(moment):
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    local = timezone.localtime(moment)
    text = date_format(local, "SHORT_DATETIME_FORMAT")
    return f"{text} {local:%Z}" if with_zone else text
