"""Integer keys shown bare in changelists: appointment 14040 is not "14.040".

With USE_THOUSAND_SEPARATOR the admin formats every integer it shows, keys included. A key
is a name, not a quantity: staff read it aloud, search for it and type it into raw-id
fields, so its column shows the digits as stored (same header, sorting, link and CSS class).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest


@cache
def _bare_column(model: type[models.Model], name: str) -> Callable[[Any], str] | None:
    """A list_display callable showing the integer key ``name`` unformatted, else None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not (field.primary_key and isinstance(field, models.IntegerField)):
        return None

    def column(obj: models.Model) -> str:
        return str(getattr(obj, field.attname))

    column.__name__ = name  # the admin's column and cell CSS classes stay column-<name>
    column.short_description = field.verbose_name
    column.admin_order_field = name
    return column


def _bare(model: type[models.Model], names: Sequence[Any]) -> list[Any]:
    return [
        (_bare_column(model, name) or name) if isinstance(name, str) else name for name in names
    ]


class IdentifierColumnsMixin:
    """For a ModelAdmin: its integer primary key columns (and their links) shown bare."""

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        return _bare(self.model, super().get_list_display(request))

    def get_list_display_links(self, request: HttpRequest, list_display: Sequence[Any]):
        links = super().get_list_display_links(request, list_display)
        return _bare(self.model, links) if links else links
