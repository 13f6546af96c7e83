"""PostgreSQL export: one read-only REPEATABLE READ snapshot, and COPY of one file's rows.

Each cell is rendered by ``codec.sql_cell`` so COPY's CSV is byte for byte what the Python
encoder writes; text keys sort with ``COLLATE "C"`` (code point order, as Python compares).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models, transaction

from archive.core.codec import sql_cell
from archive.core.csvfile import CsvOut
from archive.core.tables import TableSpec
from archive.export.sources import Month, next_month

_FLUSH = 1 << 20


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def date_column(spec: TableSpec, alias: str) -> tuple[str, str, str]:
    """A windowed table's date in SQL (``alias`` names the table), and any parent to join.

    Returns (date expression, parent table with its alias, join condition); the last two
    are empty unless the date follows a parent (``appointment__date``), aliased
    ``<alias>_p``.
    """
    path = spec.date_field.split("__")
    if len(path) == 1:
        return f"{alias}.{quote(spec.model._meta.get_field(path[0]).column)}", "", ""
    link = spec.model._meta.get_field(path[0])
    parent = link.related_model._meta
    joined = f"{alias}_p"
    return (
        f"{joined}.{quote(parent.get_field(path[1]).column)}",
        f"{quote(parent.db_table)} {joined}",
        f"{joined}.{quote(link.target_field.column)} = {alias}.{quote(link.column)}",
    )


def key_order(spec: TableSpec, alias: str) -> str:
    terms = []
    for name in spec.key_columns:
        field = spec.model._meta.get_field(name)
        column = f"{alias}.{quote(field.column)}"
        text = isinstance(
            getattr(field, "target_field", field), models.CharField | models.TextField
        )
        terms.append(f'{column} COLLATE "C"' if text else column)
    return ", ".join(terms)


def select_sql(spec: TableSpec, month: Month | None) -> str:
    cells = ", ".join(sql_cell(f, f"t.{quote(f.column)}") for f in spec.fields)
    sql = f"SELECT {cells} FROM {quote(spec.model._meta.db_table)} t"
    if month is not None:
        date, parent, on = date_column(spec, "t")
        if parent:
            sql += f" JOIN {parent} ON {on}"
        sql += f" WHERE {date} >= '{month.isoformat()}'::date"
        sql += f" AND {date} < '{next_month(month).isoformat()}'::date"
    return f"{sql} ORDER BY {key_order(spec, 't')}"


def key_cells_sql(spec: TableSpec, alias: str) -> str:
    """A JSON array of a row's canonical key cells (how the change record names a row)."""
    cells = []
    for name in spec.key_columns:
        field = spec.model._meta.get_field(name)
        cell = sql_cell(field, f"{alias}.{quote(field.column)}")
        cells.append(f"COALESCE(({cell})::text, '')")
    return f"jsonb_build_array({', '.join(cells)})"


@contextmanager
def snapshot() -> Iterator[str]:
    """A read-only REPEATABLE READ transaction for the whole run; yields its snapshot.

    Inside a caller's transaction (tests) the caller's transaction is the snapshot.
    """
    connection.ensure_connection()
    outer = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        if not outer:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SET LOCAL datestyle = 'ISO, YMD'")
        cursor.execute("SET LOCAL extra_float_digits = 1")
        # A month of rows sorts in memory rather than spilling to disk.
        cursor.execute("SET LOCAL work_mem = '32MB'")
        cursor.execute("SELECT pg_current_snapshot()::text")
        yield cursor.fetchone()[0]


class PgSource:
    """COPY (SELECT …) TO STDOUT WITH (FORMAT csv), streamed into the file in 1 MB writes.

    COPY sends one message per row; gathering them into 1 MB blocks keeps the file and MD5
    calls few.
    """

    def write(self, spec: TableSpec, month: Month | None, out: CsvOut) -> None:
        statement = f"COPY ({select_sql(spec, month)}) TO STDOUT WITH (FORMAT csv)"
        buffer = bytearray()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(statement) as copy:
                while block := copy.read():
                    buffer += block
                    if len(buffer) >= _FLUSH:
                        out.write(buffer)
                        buffer.clear()
            out.write(buffer)
            out.records += raw.rowcount
