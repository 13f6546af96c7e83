"""Personal data in the admin: a related customer's or consultant's name, e-mail and phone
only for staff who may view that model (``appointments.visibility``); others see its key.

A column that shows a related row becomes its key, a filter listing related rows goes, and
so does a search through them (no ``?q=gmail.com`` over customers one may not see).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.http import HttpRequest

from ..visibility import hidden_models


def key_of(obj: Model, path: str) -> Any:
    """The key behind a relation path without loading its row: ``appointment__customer`` →
    ``obj.appointment.customer_id``."""
    *parents, last = path.split("__")
    for part in parents:
        obj = getattr(obj, part)
        if obj is None:
            return None
    return getattr(obj, obj._meta.get_field(last).attname)


def _related_names(model: type[Model], lookup: str) -> set[str]:
    """The model names a field path (a filter, a search field) reads through."""
    path = lookup.lstrip("^=@").split("__")
    names: set[str] = set()
    for length in range(len(path), 0, -1):
        try:
            fields = get_fields_from_path(model, "__".join(path[:length]))
        except (FieldDoesNotExist, NotRelationField):  # a trailing lookup (__exact) is no field
            continue
        for field in fields:
            if field.is_relation and field.related_model is not None:
                names.add(field.related_model._meta.model_name)
        break
    return names


class PersonalDataMixin:
    """Mixed into a ModelAdmin; ``related_keys`` maps a ``list_display`` column that shows a
    related row to the relation path of its key (``{"customer": "customer"}``)."""

    related_keys: dict[str, str] = {}

    def _hidden(self, request: HttpRequest) -> frozenset[str]:
        return hidden_models(request.user)

    def _key_column(self, name: str) -> Callable[[Model], Any]:
        path = self.related_keys[name]

        @admin.display(
            description=label_for_field(name, self.model, self),
            ordering=f"{path}__pk",
        )
        def column(obj: Model) -> Any:
            return key_of(obj, path)

        column.__name__ = f"{name}_key"
        return column

    def _reads_hidden(self, lookup: str, hidden: frozenset[str]) -> bool:
        return bool(_related_names(self.model, lookup) & hidden)

    def get_list_display(self, request: HttpRequest) -> Sequence[Any]:
        columns = super().get_list_display(request)
        hidden = self._hidden(request)
        return [
            self._key_column(column)
            if isinstance(column, str)
            and column in self.related_keys
            and self._reads_hidden(self.related_keys[column], hidden)
            else column
            for column in columns
        ]

    def get_list_filter(self, request: HttpRequest) -> Sequence[Any]:
        hidden = self._hidden(request)
        kept = []
        for entry in super().get_list_filter(request):
            lookup = entry[0] if isinstance(entry, tuple) else entry
            if isinstance(lookup, str) and self._reads_hidden(lookup, hidden):
                continue
            kept.append(entry)
        return kept

    def get_search_fields(self, request: HttpRequest) -> Sequence[str]:
        hidden = self._hidden(request)
        return [
            field
            for field in super().get_search_fields(request)
            if not self._reads_hidden(field, hidden)
        ]
