"""Loading where there is no COPY (the embedded SQLite default): batched upserts via the ORM.

Each batch of rows is compared with what the table holds under the same keys: rows the
table lacks are created in one ``bulk_create``; with ``overwrite``, rows that differ are
rewritten in one ``bulk_update``. The seeder's semantics are the PostgreSQL loader's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db import DatabaseError, connection, models

from .cells import db_value
from .loading import TableCounts, database_error, reset_sequences
from .reader import CsvFile
from .tables import TableSpec

BATCH_ROWS = 500


class BatchLoader:
    checks_types = False

    def __init__(self, *, overwrite: bool):
        self.overwrite = overwrite
        self.inserted_into: list[TableSpec] = []

    def load(
        self,
        spec: TableSpec,
        files: Iterator[CsvFile],
        counts: TableCounts,
        expected_bytes: int | None = None,
    ) -> None:
        for csv_file in files:
            try:
                for chunk in csv_file.records(BATCH_ROWS):
                    rows = csv.reader(io.StringIO(chunk, newline=""), delimiter=csv_file.delimiter)
                    self._batch(spec, csv_file, list(rows), counts)
                connection.check_constraints(table_names=[spec.model._meta.db_table])
            except DatabaseError as err:
                raise database_error([csv_file.name], err) from err
            counts.add_file(csv_file)
            csv_file.close()
        if counts.inserted:
            self.inserted_into.append(spec)

    def finish(self, specs: list[TableSpec]) -> None:
        reset_sequences(self.inserted_into)

    def _batch(
        self, spec: TableSpec, csv_file: CsvFile, rows: list[list[str]], counts: TableCounts
    ) -> None:
        model = spec.model
        keys = spec.key_columns
        given = [
            {f.attname: db_value(f, cell) for f, cell in zip(csv_file.fields, row, strict=True)}
            for row in rows
        ]
        existing = _existing(model, keys, given)
        new, changed = [], []
        for values in given:
            current = existing.get(tuple(values[k] for k in keys))
            if current is None:
                defaults = {f.attname: f.get_default() for f in csv_file.missing}
                new.append(model(**defaults, **values))
            elif self.overwrite and any(getattr(current, c) != v for c, v in values.items()):
                for column, value in values.items():
                    setattr(current, column, value)
                changed.append(current)
            else:
                counts.unchanged += 1
        model.objects.bulk_create(new)
        updatable = [c for c in csv_file.columns if c not in keys]
        if changed and updatable:
            model.objects.bulk_update(
                changed, fields=[model._meta.get_field(c).name for c in updatable]
            )
        counts.inserted += len(new)
        counts.updated += len(changed)


def _existing(
    model: type[models.Model], keys: tuple[str, ...], given: list[dict]
) -> dict[tuple, models.Model]:
    """The rows the table holds under the batch's keys, by key."""
    lookup = {f"{k}__in": {values[k] for values in given} for k in keys}
    return {tuple(getattr(row, k) for k in keys): row for row in model.objects.filter(**lookup)}
