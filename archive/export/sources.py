"""Where an archive file's rows come from: the database, one file (table or month) at a time.

``PgSource`` (pg_export.py) streams PostgreSQL's COPY output; ``OrmSource`` streams rows
through ``codec.encode`` for the other backends. Both write the same canonical bytes, in
key order, and differ only behind ``RowSource``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.db import connection, transaction
from django.db.models.functions import TruncMonth

from archive.core.calendar import Month, next_month
from archive.core.codec import encode
from archive.core.csvfile import CsvOut
from archive.core.tables import TableSpec
from archive.export.pg_source import PgSource
from archive.export.pg_source import snapshot as pg_snapshot


class RowSource(Protocol):
    def write(self, spec: TableSpec, month: Month | None, out: CsvOut) -> None:
        """Append the table's rows (of ``month`` when windowed) in key order to ``out``."""


def month_filter(spec: TableSpec, month: Month) -> dict[str, Month]:
    return {f"{spec.date_field}__gte": month, f"{spec.date_field}__lt": next_month(month)}


def database_months(spec: TableSpec) -> set[Month]:
    """The months a windowed table has rows in (by its date field, feedback by appointment)."""
    rows = (
        spec.model._default_manager.annotate(archive_month=TruncMonth(spec.date_field))
        .order_by()
        .values_list("archive_month", flat=True)
        .distinct()
    )
    return {value.date() if isinstance(value, dt.datetime) else value for value in rows}


class OrmSource:
    """Rows through the ORM's ``.iterator()`` and ``codec.encode`` (SQLite and the rest)."""

    chunk_size = 2000

    def write(self, spec: TableSpec, month: Month | None, out: CsvOut) -> None:
        rows = spec.model._default_manager.order_by(*spec.key_columns)
        if month is not None:
            rows = rows.filter(**month_filter(spec, month))
        fields = spec.fields
        for values in rows.values_list(*spec.columns).iterator(chunk_size=self.chunk_size):
            out.write_row([encode(f, v) for f, v in zip(fields, values, strict=True)])


def row_source() -> RowSource:
    if connection.vendor == "postgresql":
        return PgSource()
    return OrmSource()


@contextmanager
def export_snapshot() -> Iterator[str]:
    """The one read-only snapshot every file of a run is exported from (its id on PostgreSQL)."""
    if connection.vendor == "postgresql":
        with pg_snapshot() as text:
            yield text
    else:
        with transaction.atomic():
            yield ""
