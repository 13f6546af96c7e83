"""What the database holds, read from its own catalog: tables, row counts, sizes, columns, keys.

Row counts are exact for tables up to ``EXACT_COUNT_MAX_BYTES`` on disk and PostgreSQL's
planner estimate (``pg_class.reltuples``, marked as such) beyond, so the page stays fast on
any size. Table names come from the catalog, never from a request. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

EXACT_COUNT_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class TableSummary:
    name: str
    model: str | None  # "app_label.model_name" of the Django model stored in it
    verbose_name: str | None
    rows: int | None  # None: never analysed and too large to count
    rows_exact: bool
    size_bytes: int | None  # table, indexes and TOAST; None: this database cannot tell


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    null: bool
    default: str | None


@dataclass(frozen=True)
class ConstraintInfo:
    name: str
    kind: str  # primary key, unique, foreign key, check; for indexes: its method
    columns: list[str]
    references: str | None  # "table.column" of a foreign key
    unique: bool
    definition: str | None


@dataclass(frozen=True)
class TableDetail:
    summary: TableSummary
    columns: list[ColumnInfo]
    constraints: list[ConstraintInfo]
    indexes: list[ConstraintInfo]


def _models_by_table() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}


def _postgres_stats() -> dict[str, tuple[float, int, int]]:
    """Per table: planner row estimate, heap bytes, total bytes (with indexes and TOAST)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.reltuples, pg_relation_size(c.oid), pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """
        )
        return {name: (tuples, heap, total) for name, tuples, heap, total in cursor.fetchall()}


def _sqlite_sizes() -> dict[str, int] | None:
    """Bytes per table with its indexes from SQLite's ``dbstat``; None where not compiled in."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat s "
                "JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name"
            )
            return dict(cursor.fetchall())
    except DatabaseError:
        return None


def _exact_counts(tables: list[str]) -> dict[str, int]:
    if not tables:
        return {}
    quote = connection.ops.quote_name
    columns = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def table_names() -> list[str]:
    return sorted(connection.introspection.table_names())


def table_summaries(*, keep: Callable[[list[str]], list[str]] = list) -> list[TableSummary]:
    """Every table the database has (filtered by ``keep``), by name, with rows and size."""
    by_table = _models_by_table()
    if connection.vendor == "postgresql":
        stats = _postgres_stats()
        names = sorted(keep(sorted(stats)))
        exact = _exact_counts([n for n in names if stats[n][1] <= EXACT_COUNT_MAX_BYTES])
        sizes = {n: stats[n][2] for n in names}
        estimates = {n: int(stats[n][0]) if stats[n][0] >= 0 else None for n in names}
    else:
        names = sorted(keep(table_names()))
        exact = _exact_counts(names)
        sizes = _sqlite_sizes() or {}
        estimates = {}
    summaries = []
    for name in names:
        model = by_table.get(name)
        summaries.append(
            TableSummary(
                name=name,
                model=model._meta.label_lower if model else None,
                verbose_name=str(model._meta.verbose_name_plural) if model else None,
                rows=exact[name] if name in exact else estimates.get(name),
                rows_exact=name in exact,
                size_bytes=sizes.get(name),
            )
        )
    return summaries


def _column_type(info, field: models.Field | None) -> str:
    if field is not None:
        db_type = field.db_type(connection) or field.rel_db_type(connection)
        if db_type:
            return db_type
    try:
        return connection.introspection.get_field_type(info.type_code, info)
    except KeyError:
        return str(info.type_code)


def _constraint(name: str, spec: dict) -> ConstraintInfo:
    if spec["primary_key"]:
        kind = "primary key"
    elif spec["foreign_key"]:
        kind = "foreign key"
    elif spec["check"]:
        kind = "check"
    elif spec["index"]:
        kind = str(spec.get("type") or "index")
    else:
        kind = "unique"
    references = ".".join(spec["foreign_key"]) if spec["foreign_key"] else None
    return ConstraintInfo(
        name=name,
        kind=kind,
        columns=[c for c in spec["columns"] if c],
        references=references,
        unique=bool(spec["unique"]),
        definition=spec.get("definition"),
    )


def table_detail(name: str) -> TableDetail:
    """Columns, constraints and indexes of one table (the caller checked it may be seen)."""
    model = _models_by_table().get(name)
    fields = {f.column: f for f in model._meta.local_fields} if model else {}
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, name)
        found = connection.introspection.get_constraints(cursor, name)
    columns = [
        ColumnInfo(
            name=info.name,
            type=_column_type(info, fields.get(info.name)),
            null=bool(info.null_ok),
            default=(
                str(info.default)
                if info.default is not None
                else ("identity" if getattr(info, "is_autofield", False) else None)
            ),
        )
        for info in description
    ]
    constraints, indexes = [], []
    for constraint_name, spec in sorted(found.items()):
        (indexes if spec["index"] else constraints).append(_constraint(constraint_name, spec))
    [summary] = table_summaries(keep=lambda names: [n for n in names if n == name])
    return TableDetail(summary=summary, columns=columns, constraints=constraints, indexes=indexes)
