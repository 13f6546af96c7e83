"""SQL text the PostgreSQL loader's statements share: quoted names, a key's join, the rest."""

from __future__ import annotations

from collections.abc import Iterable

from archive.core.sql import quote
from archive.core.tables import TableSpec


def columns_sql(names: Iterable[str]) -> str:
    return ", ".join(quote(n) for n in names)


def key_match(spec: TableSpec) -> str:
    """The join of a table's row ``d`` with a row ``s`` of the same key."""
    return " AND ".join(f"d.{quote(k)} = s.{quote(k)}" for k in spec.key_columns)


def value_columns(spec: TableSpec) -> list[str]:
    """The columns besides the key: what an overwrite compares and replaces."""
    return [c for c in spec.columns if c not in spec.key_columns]
