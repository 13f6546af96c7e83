"""JSON under /api/: the same data as each page, for scripts and other tools (staff session).

Errors are JSON too: 401 without a login, 403 without the permission, 400 for a bad
parameter, 404 for a table that may not be seen, 405 for a method other than GET.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from . import pages, permissions
from .forms import Pager
from .permissions import staff_only


class DashboardEncoder(DjangoJSONEncoder):
    """Dates and times as ISO 8601, selector dataclasses as objects, pagers with their pages."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Pager):
            return {"number": o.number, "pages": o.pages, "per_page": o.per_page, "total": o.total}
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return {f.name: getattr(o, f.name) for f in dataclasses.fields(o)}
        return super().default(o)


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, encoder=DashboardEncoder, json_dumps_params={"ensure_ascii": False}
    )


def _error(status: int, message: str) -> JsonResponse:
    return _json({"error": message, "status": status}, status=status)


def endpoint(
    builder: Callable[..., dict[str, Any]], check: permissions.Check
) -> Callable[..., JsonResponse]:
    @staff_only(check, api=True)
    def view(request: HttpRequest, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            return _error(405, _("Only GET is allowed here."))
        try:
            return _json(builder(request, **kwargs))
        except pages.BadParameter as err:
            return _error(400, str(err))
        except pages.NotVisible as err:
            return _error(404, str(err))

    return view


overview = endpoint(pages.overview_page, permissions.sees_any)
appointments = endpoint(pages.day_page, permissions.sees("appointment"))
customers = endpoint(pages.customers_page, permissions.sees("customer"))
consultants = endpoint(pages.consultants_page, permissions.sees("consultant"))
programs = endpoint(pages.programs_page, permissions.sees("communityprogram"))
archive_status = endpoint(pages.archive_page, permissions.has(permissions.VIEW_ARCHIVE))
database_tables = endpoint(pages.database_page, permissions.sees_tables)
database_table = endpoint(pages.table_page, permissions.sees_tables)
