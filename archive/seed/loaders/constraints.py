"""What a table's constraints are about: the columns each names, and its message for people.

The database names a constraint it found broken (PostgreSQL in its diagnostics, SQLite in
its message); the loaders place the error on the constraint's first column with the
message the model gives it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from archive.core.tables import TableSpec


def constraint_fields(spec: TableSpec, name: str) -> tuple[tuple[str, ...], str | None]:
    """The columns a constraint of the table names first, and what it means for people."""
    meta = spec.model._meta
    # SQLite names a unique index's columns instead: "table.a, table.b".
    columns = {c.strip().rsplit(".", 1)[-1] for c in name.split(",")} if "." in name else None
    if name == f"{meta.db_table}_pkey" or columns == set(spec.key_columns):
        return spec.key_columns, _("this key appears more than once")
    for constraint in meta.constraints:
        unique = isinstance(constraint, models.UniqueConstraint)
        named = {meta.get_field(f).column for f in constraint.fields} if unique else None
        if constraint.name != name and (columns is None or named != columns):
            continue
        if isinstance(constraint, models.UniqueConstraint):
            fields = tuple(meta.get_field(f).attname for f in constraint.fields)
        else:
            fields = tuple(meta.get_field(f).attname for f in _condition_fields(constraint))
        return fields, str(constraint.get_violation_error_message())
    return (), None


def _condition_fields(constraint) -> list[str]:
    """The fields a CHECK's condition is about, in the order it names them."""
    names, pending = [], [getattr(constraint, "condition", None)]
    while pending:
        node = pending.pop(0)
        if isinstance(node, Q):
            pending[:0] = node.children
        elif isinstance(node, tuple) and node[0].split("__")[0] not in names:
            names.append(node[0].split("__")[0])
    return names
