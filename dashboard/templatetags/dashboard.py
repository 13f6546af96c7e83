"""Template helpers of the dashboard pages (dictionary lookup, admin links, percentages) and
of the admin's header and sidebar (the way to the dashboard)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse

from dashboard.rendering import sidebar_section

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_sidebar(context: template.Context) -> list[dict[str, Any]]:
    """The dashboard as a section of the admin's sidebar; empty for who may see none of it."""
    cached = context.render_context
    if "dashboard_sidebar" not in cached:
        request = context.get("request")
        cached["dashboard_sidebar"] = sidebar_section(request) if request is not None else []
    return cached["dashboard_sidebar"]


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``counts|get:status``: a dictionary's value for a key held in a variable."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.simple_tag(takes_context=True)
def admin_url(context: template.Context, model_label: str, pk: Any = None, **query: Any) -> str:
    """The admin's change page of one object, or its list filtered by ``query``.

    Empty when the admin does not serve that model, so a page never breaks on a missing link.
    The list's URL is looked up once per page; a change page is ``<list>/<quoted pk>/change/``
    as the admin builds it, so a table of hundreds of rows costs no reverse() per row.
    """
    known = context.render_context.setdefault("dashboard_admin_urls", {})
    if model_label not in known:
        app_label, model_name = model_label.lower().split(".")
        try:
            known[model_label] = reverse(f"admin:{app_label}_{model_name}_changelist")
        except NoReverseMatch:
            known[model_label] = ""
    base = known[model_label]
    if not base:
        return ""
    url = base if pk is None else f"{base}{quote(pk)}/change/"
    return f"{url}?{urlencode(query)}" if query else url
