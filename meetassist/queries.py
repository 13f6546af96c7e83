"""Several single-value reads in one database round trip (dashboard pages have a query budget).

``one_row(a=scalar(qs, Count("pk")), b=…)`` runs ``SELECT (…) AS a, (…) AS b`` built from the
ORM's own SQL, so each part keeps its own WHERE clause and the index that serves it.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Aggregate, QuerySet, Value


def scalar(queryset: QuerySet, aggregate: Aggregate) -> QuerySet:
    """The queryset reduced to one row holding ``aggregate`` (no GROUP BY: the key is constant)."""
    return (
        queryset.order_by()
        .annotate(_whole=Value(1))
        .values("_whole")
        .annotate(value=aggregate)
        .values("value")
    )


def one_row(**parts: QuerySet) -> dict[str, Any]:
    """Evaluate single-value querysets (see ``scalar``) together; all must use one database."""
    if not parts:
        return {}
    aliases = {queryset.db for queryset in parts.values()}
    if len(aliases) != 1:
        raise ValueError("one_row() needs querysets of a single database")
    connection = connections[aliases.pop()]
    columns: list[str] = []
    params: list[Any] = []
    for name, queryset in parts.items():
        sql, part_params = queryset.query.get_compiler(connection=connection).as_sql()
        columns.append(f"({sql}) AS {connection.ops.quote_name(name)}")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = cursor.fetchone()
    return dict(zip(parts, row, strict=True))
