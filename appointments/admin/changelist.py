"""A changelist whose date drill-down finds its years and months by index probes.

Django's date hierarchy lists the years of a changelist with ``SELECT DISTINCT
date_trunc('year', date)`` over every filtered row: on a million appointments that one
query costs more than the rest of the page. Walking the index instead (the first date, then
the first date on or after the next year, and so on) costs one index lookup per year or
month found. Days inside one month keep Django's query, which reads only that month.

A drill-down date past the calendar (``?date__year=99999…``, or the year after 9999) is a
bad filter like any other: a message, and the list without it, instead of a server error.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _


def _period_start(day: dt.date, kind: str) -> dt.date:
    return day.replace(month=1, day=1) if kind == "year" else day.replace(day=1)


def _next_period(start: dt.date, kind: str) -> dt.date:
    if kind == "year" or start.month == 12:
        return dt.date(start.year + 1, 1, 1)
    return dt.date(start.year, start.month + 1, 1)


class ProbingDatesMixin:
    """``dates(field, "year" | "month")`` by repeated ``MIN(field)`` lookups."""

    def dates(self, field_name: str, kind: str, order: str = "ASC"):
        if kind not in ("year", "month"):
            return super().dates(field_name, kind, order)
        unordered = self.order_by()
        found: list[dt.date] = []
        first = unordered.aggregate(first=Min(field_name))["first"]
        while first is not None:
            found.append(_period_start(first, kind))
            following = _next_period(found[-1], kind)
            first = unordered.filter(**{f"{field_name}__gte": following}).aggregate(
                first=Min(field_name)
            )["first"]
        return found if order == "ASC" else found[::-1]


@cache
def _probing_class(queryset_class: type[QuerySet]) -> type[QuerySet]:
    return type(f"Probing{queryset_class.__name__}", (ProbingDatesMixin, queryset_class), {})


class ProbingDatesChangeList(ChangeList):
    def get_filters(self, request, *args, **kwargs):
        try:
            return super().get_filters(request, *args, **kwargs)
        except (OverflowError, ValueError) as err:
            # Django checks the drill-down's numbers, not their range (datetime(10**22, 1, 1),
            # 9999-12-31 plus a month): the admin then shows the list without the filter.
            messages.warning(request, _("That date is out of range: the list shows all dates."))
            raise IncorrectLookupParameters(err) from err

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.query:
            # A search reads every row anyway: one DISTINCT beats one scan per period.
            return queryset
        probing = queryset._chain()
        probing.__class__ = _probing_class(type(queryset))
        return probing
