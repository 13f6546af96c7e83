"""Dashboard pages inside the admin's look: the admin site's context plus our navigation.

The pages extend ``admin/base_site.html`` and receive ``admin.site.each_context``, so the
header, user links, sidebar and theme are the admin's own; the dashboard's pages appear as
one more section at the top of the admin's sidebar, on admin pages too (``sidebar_section``,
used by ``templates/admin/nav_sidebar.html``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.visibility import User, is_staff

from .presentation import DATA_LABELS


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise


NAV: tuple[NavItem, ...] = (
    NavItem("dashboard:overview", gettext_lazy("Overview")),
    NavItem("dashboard:day", gettext_lazy("Day view")),
    NavItem("dashboard:customers", gettext_lazy("Customers")),
    NavItem("dashboard:consultants", gettext_lazy("Consultants")),
    NavItem("dashboard:programs", gettext_lazy("Programs")),
    NavItem("dashboard:archive", gettext_lazy("Archive")),
    NavItem("dashboard:database", gettext_lazy("Database")),
)


def _may_open(user: User, url: str) -> bool:
    """The page's own check, left on its view by ``permissions.staff_only``.

    ``url`` is reversed, so it starts with the script prefix (API Gateway's ``/dev``);
    the URLconf resolves what follows it.
    """
    path = "/" + url.removeprefix(get_script_prefix())
    return resolve(path).func.dashboard_check(user)


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The pages this user may open, current one marked."""
    if not is_staff(request.user):
        return []
    items = []
    for item in NAV:
        url = reverse(item.url_name)
        if _may_open(request.user, url):
            current = request.resolver_match is not None and (
                request.resolver_match.view_name == item.url_name
                or request.resolver_match.view_name.startswith(f"{item.url_name}_")
            )
            items.append({"url": url, "label": item.label, "current": current})
    return items


def _sidebar_url(request: HttpRequest, item: dict[str, Any]) -> str:
    url = item["url"]
    return f"{url}?" if not item["current"] and url in request.path else url


def sidebar_section(request: HttpRequest) -> list[dict[str, Any]]:
    """Our pages shaped like an app of the admin's sidebar (``admin/app_list.html``): a list of
    that one app, empty for a user who may see no dashboard page.

    The admin marks an entry current when its URL is part of the path; "/dashboard/?" keeps
    the overview from being marked on every other dashboard page.
    """
    items = navigation(request)
    if not items:
        return []
    section = {
        "name": _("Dashboard"),
        "app_label": "dashboard",
        "app_url": items[0]["url"],
        "has_module_perms": True,
        "models": [
            {
                "name": item["label"],
                "object_name": f"dashboard{index}",
                "admin_url": _sidebar_url(request, item),
                "view_only": True,
                "perms": {"view": True},
            }
            for index, item in enumerate(items)
        ],
    }
    return [section]


def page_context(request: HttpRequest, **context: Any) -> dict[str, Any]:
    admin_context = admin.site.each_context(request)
    nav = navigation(request)
    return {**admin_context, "dashboard_nav": nav, "data_labels": DATA_LABELS, **context}


def render_page(
    request: HttpRequest, template: str, *, status: int = 200, **context: Any
) -> TemplateResponse:
    return TemplateResponse(request, template, page_context(request, **context), status=status)


def render_error(request: HttpRequest, *, message: str, status: int) -> TemplateResponse:
    """An error (bad parameter, no permission) as a dashboard page with its status code."""
    titles = {400: _("Bad request"), 403: _("Permission denied"), 404: _("Not found")}
    return render_page(
        request,
        "dashboard/error.html",
        status=status,
        title=titles.get(status, _("Error")),
        message=message,
    )
