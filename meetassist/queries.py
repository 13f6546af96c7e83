"""Several aggregate reads in one database round trip (dashboard pages have a query budget).

``one_row(totals(qs_a, n=Count("*")), totals(qs_b, average=Avg("x"), m=Count("*")))`` runs
``SELECT * FROM (…) AS p0 CROSS JOIN (…) AS p1`` built from the ORM's own SQL: each part keeps
its WHERE clause and the index that serves it, and each table is read once for all the
aggregates asked of it.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import Aggregate, QuerySet, Value


def totals(queryset: QuerySet, **aggregates: Aggregate) -> QuerySet:
    """The queryset reduced to one row of named aggregates (no GROUP BY: the key is constant)."""
    return (
        queryset.order_by()
        .annotate(_whole=Value(1))
        .values("_whole")
        .annotate(**aggregates)
        .values(*aggregates)
    )


def one_row(*parts: QuerySet) -> dict[str, Any]:
    """Evaluate one-row querysets (see ``totals``) together; their column names must differ."""
    if not parts:
        return {}
    aliases = {part.db for part in parts}
    if len(aliases) != 1:
        raise ValueError("one_row() needs querysets of a single database")
    connection = connections[aliases.pop()]
    sources: list[str] = []
    params: list[Any] = []
    for index, part in enumerate(parts):
        sql, part_params = part.query.get_compiler(connection=connection).as_sql()
        sources.append(f"({sql}) AS {connection.ops.quote_name(f'part{index}')}")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(sources), params)
        row = cursor.fetchone()
        columns = [column[0] for column in cursor.description]
    if len(set(columns)) != len(columns):
        raise ValueError(f"one_row() needs distinct column names, got {columns}")
    return dict(zip(columns, row, strict=True))
