"""The dashboard's HTML pages: validate, read through ``pages``, render in the admin look."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from appointments.models import AppointmentStatus

from . import pages, permissions
from .permissions import staff_only
from .presentation import (
    appointment_statuses,
    labelled,
    participant_statuses,
    program_statuses,
    thirty_day_chart,
    weekly_chart,
)
from .rendering import render_error, render_page

Present = Callable[[HttpRequest, dict[str, Any]], dict[str, Any]]
REFRESH_SECONDS = 3  # while a queued task runs, its page reloads itself to show progress


def page_view(
    builder: Callable[..., dict[str, Any]],
    template: str,
    check: permissions.Check,
    title: str | Promise,
    present: Present | None = None,
) -> Callable[..., HttpResponse]:
    """A GET page: 400 for a bad parameter, 404 for what may not be seen, else the template."""

    @staff_only(check)
    @require_safe
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            data = builder(request, **kwargs)
        except pages.BadParameter as err:
            return render_error(request, message=str(err), status=400)
        except pages.NotVisible as err:
            return render_error(request, message=str(err), status=404)
        extra = present(request, data) if present else {}
        return render_page(request, template, **{"title": title, **data, **extra})

    return view


def _refresh(task: Any) -> int | None:
    return REFRESH_SECONDS if task is not None and not task.ready else None


def _overview(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    summary = data["overview"].appointments
    return {
        "chart": thirty_day_chart(data["overview"]),
        "statuses": labelled(AppointmentStatus, summary.by_status if summary else None),
    }


def _shifted(date: dt.date, days: int) -> dt.date | None:
    """The neighbouring day, None past the calendar's ends (0001-01-01, 9999-12-31)."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return None


def _day(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    date = data["day"].date
    return {
        "statuses": labelled(AppointmentStatus, data["day"].by_status),
        "status_keys": appointment_statuses(),
        "status_map": {s["key"]: s for s in appointment_statuses()},
        "previous_day": _shifted(date, -1),
        "next_day": _shifted(date, 1),
        "pager_query": urlencode({"date": date.isoformat()}),
        "can_load": request.user.has_perm(permissions.LOAD_FROM_ARCHIVE),
        "refresh_seconds": _refresh(data["task"]),
    }


def _customers(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {"chart": weekly_chart(data["customers"].new_per_week)}


def _programs(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    table = data["programs"]
    return {
        "program_statuses": program_statuses(table.by_status),
        "participant_statuses": participant_statuses(table.participants_by_status),
        "participant_keys": participant_statuses({}),
    }


def _archive(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "can_run": request.user.has_perm(permissions.RUN_ARCHIVE),
        "refresh_seconds": _refresh(data["task"]),
    }


def _table(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {"title": data["table"].summary.name}


overview = page_view(
    pages.overview_page, "dashboard/overview.html", permissions.sees_any, _("Overview"), _overview
)
day = page_view(pages.day_page, "dashboard/day.html", permissions.DAY_PAGE, _("Day view"), _day)
customers = page_view(
    pages.customers_page,
    "dashboard/customers.html",
    permissions.sees("customer"),
    _("Customers"),
    _customers,
)
consultants = page_view(
    pages.consultants_page,
    "dashboard/consultants.html",
    permissions.sees("consultant"),
    _("Consultants"),
)
programs = page_view(
    pages.programs_page,
    "dashboard/programs.html",
    permissions.sees("communityprogram"),
    _("Programs"),
    _programs,
)
archive = page_view(
    pages.archive_page,
    "dashboard/archive.html",
    permissions.ARCHIVE_PAGE,
    _("Archive"),
    _archive,
)
database = page_view(
    pages.database_page, "dashboard/database.html", permissions.sees_tables, _("Database")
)
database_table = page_view(
    pages.table_page, "dashboard/table.html", permissions.sees_tables, _("Database"), _table
)
