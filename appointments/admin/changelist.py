"""A changelist whose date drill-down finds its years and months by index probes.

Django's date hierarchy lists the years of a changelist with ``SELECT DISTINCT
date_trunc('year', date)`` over every filtered row: on a million appointments that one
query costs more than the rest of the page. Walking the index instead (the first date, then
the first date on or after the next year, and so on) costs one index lookup per year or
month found. Days inside one month keep Django's query, which reads only that month.

``UpcomingFirstMixin`` gives a dated list the office's default order: today and the coming
days first, then the past.

A drill-down date past the calendar (``?date__year=99999…``, or the year after 9999) is a
bad filter like any other (meetassist/date_drilldown.py), as in every admin.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db.models import Min, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from meetassist.date_drilldown import CheckedDatesMixin

from .. import selectors


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


class ProbingDatesChangeList(CheckedDatesMixin, ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.query:
            # A search reads every row anyway: one DISTINCT beats one scan per period.
            return queryset
        probing = queryset._chain()
        probing.__class__ = _probing_class(type(queryset))
        return probing


class UpcomingFirstChangeList(ProbingDatesChangeList):
    def get_results(self, request: HttpRequest) -> None:
        """Django's page, read in the default order by two index scans
        (``selectors.upcoming_then_past_rows``): sorting a million rows by the order's CASE
        takes seconds. A clicked header, or an editable list (its formset needs a
        queryset), keeps Django's own query."""
        super().get_results(request)
        if ORDER_VAR in self.params or self.list_editable:
            return
        if (self.show_all and self.can_show_all) or not self.multi_page:
            start, stop = 0, self.result_count
        else:
            start = (self.page_num - 1) * self.list_per_page
            stop = start + self.list_per_page
        date, time = self.model_admin.upcoming_fields
        self.result_list = selectors.upcoming_then_past_rows(
            self.queryset, today=timezone.localdate(), start=start, stop=stop, date=date, time=time
        )

    def get_ordering_field_columns(self):
        # Django marks the columns of the model's Meta ordering as sorted; the default order
        # here (today first) is no column's, so none is marked until a header is clicked.
        if ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


class UpcomingFirstMixin:
    """A ModelAdmin whose list starts at today: today and the coming days soonest first, then
    the past newest first (``selectors.upcoming_then_past``); a header click sorts as usual.
    ``upcoming_fields`` names the model's date and time fields."""

    upcoming_fields: tuple[str, str] = ("date", "time")

    def get_ordering(self, request: HttpRequest):
        date, time = self.upcoming_fields
        return selectors.upcoming_then_past(today=timezone.localdate(), date=date, time=time)

    def get_changelist(self, request: HttpRequest, **kwargs):
        return UpcomingFirstChangeList
