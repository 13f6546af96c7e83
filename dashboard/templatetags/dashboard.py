"""Template helpers of the dashboard pages: dictionary lookup, admin links, percentages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``counts|get:status``: a dictionary's value for a key held in a variable."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %"


@register.simple_tag
def admin_url(model_label: str, pk: Any = None, **query: Any) -> str:
    """The admin's change page of one object, or its list filtered by ``query``.

    Empty when the admin does not serve that model, so a page never breaks on a missing link.
    """
    app_label, model_name = model_label.lower().split(".")
    action = "changelist" if pk is None else "change"
    try:
        url = reverse(f"admin:{app_label}_{model_name}_{action}", args=None if pk is None else [pk])
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url
