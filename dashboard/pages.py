"""Each page's data, built once for both its HTML page and its JSON endpoint.

A builder validates the request's parameters (raising ``BadParameter``, answered with 400),
works out what the user may see, and calls the selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments import selectors
from archive.selectors import archive_overview, loaded_days

from . import database, permissions
from .archive_actions import task_progress
from .forms import ArchiveForm, DayForm, PageForm, Pager, TableForm, form_error

DAY_PAGE_SIZE = 100
TABLE_PAGE_SIZE = 25


class BadParameter(Exception):
    """A request parameter is malformed; ``str(err)`` says which and why."""


class NotVisible(Exception):
    """The thing asked for does not exist or this user may not see it (answered with 404)."""


def _valid(form_class: type, request: HttpRequest) -> dict[str, Any]:
    form = form_class(request.GET)
    if not form.is_valid():
        raise BadParameter(form_error(form))
    return form.cleaned_data


def _pager(number: int, per_page: int, total: int) -> Pager:
    pager = Pager(number=number, per_page=per_page, total=total)
    if not pager.exists:
        raise BadParameter(pager.missing_message())
    return pager


def overview_page(request: HttpRequest) -> dict[str, Any]:
    return {"overview": selectors.overview(visible=permissions.visible_models(request.user))}


def day_page(request: HttpRequest) -> dict[str, Any]:
    params = _valid(DayForm, request)
    visible = permissions.visible_models(request.user)
    date = params["date"] or timezone.localdate()
    day = selectors.appointment_day(date=date, visible=visible)
    pager = _pager(params["page"], DAY_PAGE_SIZE, day.total)
    loaded = loaded_days()
    task = params["task"]
    return {
        "day": day,
        "appointments": selectors.appointment_day_list(
            date=date, visible=visible, offset=pager.offset, limit=pager.per_page
        ),
        "page": pager,
        "loaded": loaded.holds(date),
        "seeded": loaded.seeded,
        "loaded_windows": loaded.windows,
        "task": task_progress(str(task)) if task else None,
    }


def customers_page(request: HttpRequest) -> dict[str, Any]:
    return {"customers": selectors.customer_stats()}


def _table_page(request: HttpRequest, selector: Callable[..., Any], key: str) -> dict[str, Any]:
    """A paged table: the selector reads the requested page and says how many rows exist."""
    number = _valid(PageForm, request)["page"]
    table = selector(
        visible=permissions.visible_models(request.user),
        offset=(number - 1) * TABLE_PAGE_SIZE,
        limit=TABLE_PAGE_SIZE,
    )
    return {key: table, "page": _pager(number, TABLE_PAGE_SIZE, table.total)}


def consultants_page(request: HttpRequest) -> dict[str, Any]:
    return _table_page(request, selectors.consultant_table, "consultants")


def programs_page(request: HttpRequest) -> dict[str, Any]:
    return _table_page(request, selectors.program_table, "programs")


def archive_page(request: HttpRequest) -> dict[str, Any]:
    task = _valid(ArchiveForm, request)["task"]
    return {
        "archive": archive_overview(),
        "task": task_progress(str(task)) if task else None,
    }


def _visible_tables(request: HttpRequest):
    return lambda names: permissions.visible_tables(request.user, names)


def database_page(request: HttpRequest) -> dict[str, Any]:
    return {"tables": database.table_summaries(keep=_visible_tables(request))}


def table_page(request: HttpRequest, name: str) -> dict[str, Any]:
    form = TableForm({"table": name})
    if not form.is_valid():
        raise BadParameter(form_error(form))
    if name not in permissions.visible_tables(request.user, database.table_names()):
        raise NotVisible(_("There is no table “%(name)s” you may see.") % {"name": name})
    return {"table": database.table_detail(name)}
