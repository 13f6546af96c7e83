"""PostgreSQL export: one read-only REPEATABLE READ snapshot, and COPY of one file's rows.

Each cell is rendered by ``sql.sql_cell`` so COPY's CSV is byte for byte what the Python
encoder writes; text keys sort with ``COLLATE "C"`` (code point order, as Python compares).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from archive.core.calendar import Month, next_month
from archive.core.csvfile import CsvOut
from archive.core.sql import date_column, key_order, quote, sql_cell
from archive.core.tables import TableSpec

_FLUSH = 1 << 20


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
