"""Bulk writers for a row stream: COPY on PostgreSQL, ``bulk_create`` elsewhere.

Rows are buffered per table and written a batch at a time, so memory stays flat however
many rows the stream holds. Django's foreign keys are DEFERRABLE INITIALLY DEFERRED on
PostgreSQL and checked at commit on SQLite, so batches of different tables may interleave.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

Row = tuple[type[Model], tuple]


class CopyWriter:
    """PostgreSQL: one ``COPY … FROM STDIN`` per batch through psycopg 3."""

    batch_size = 50_000

    def __init__(self, cursor) -> None:
        self.cursor = cursor

    def write(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            "FROM STDIN"
        )
        with self.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


class BulkCreateWriter:
    """Any other database: ``bulk_create`` of unsaved instances, a batch at a time."""

    batch_size = 2_000

    def write(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows])


OnRows = Callable[[int], None]


def write_rows(
    rows: Iterable[Row],
    columns: dict[type[Model], tuple[str, ...]],
    progress: OnRows | None = None,
) -> Counter:
    """Write every row of the stream; return how many rows each model received.

    ``progress(rows written so far)`` after each batch.
    """
    if connection.vendor != "postgresql":
        return _drain(rows, columns, BulkCreateWriter(), progress)
    with connection.cursor() as cursor:
        return _drain(rows, columns, CopyWriter(cursor), progress)


def _drain(
    rows: Iterable[Row],
    columns: dict[type[Model], tuple[str, ...]],
    writer: CopyWriter | BulkCreateWriter,
    progress: OnRows | None,
) -> Counter:
    counts: Counter = Counter()
    buffers: dict[type[Model], list[tuple]] = {model: [] for model in columns}
    limit = writer.batch_size
    for model, row in rows:
        buffer = buffers[model]
        buffer.append(row)
        if len(buffer) >= limit:
            writer.write(model, columns[model], buffer)
            counts[model] += len(buffer)
            buffer.clear()
            if progress is not None:
                progress(counts.total())
    for model, buffer in buffers.items():
        if buffer:
            writer.write(model, columns[model], buffer)
            counts[model] += len(buffer)
    return counts


def reset_sequences(models: Iterable[type[Model]]) -> None:
    """After explicit primary keys, point each id sequence past the largest one."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
