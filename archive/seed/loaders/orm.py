"""Loading where there is no COPY (the embedded SQLite default): batched upserts via the ORM.

Each batch of rows is compared with what the table holds under the same keys: rows the
table lacks are created in one ``bulk_create``; with ``overwrite``, rows that differ are
rewritten in one ``bulk_update``. The seeder's semantics are the PostgreSQL loader's,
and so are its checks before writing (pg_checks.py): a key twice in the files and a parent
the database lacks are reported on their lines, every one (up to the error limit).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from archive.core.collision import identity_field, kept_over
from archive.core.tables import TableSpec
from archive.seed.errors import MAX_ERRORS, LoadError, RowError
from archive.seed.fast_path import db_value
from archive.seed.loaders.base import TableCounts, database_error, reset_sequences
from archive.seed.loaders.constraints import constraint_fields
from archive.seed.reader import CsvFile

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
        seen: dict[tuple, tuple[str, int | None]] = {}  # key → where it was first read
        problems: list[RowError] = []
        for csv_file in files:
            try:
                read = 0
                for chunk in csv_file.records(BATCH_ROWS):
                    rows = csv.reader(io.StringIO(chunk, newline=""), delimiter=csv_file.delimiter)
                    rows = list(rows)
                    lines = [csv_file.row_line(read + n) for n in range(1, len(rows) + 1)]
                    read += len(rows)
                    problems += _file_problems(spec, csv_file, rows, lines, seen)
                    if problems:
                        continue  # read on for more problems; nothing more is written
                    problems += self._batch(spec, csv_file, rows, lines, counts)
                if problems:
                    raise LoadError(problems[:MAX_ERRORS], truncated=len(problems) > MAX_ERRORS)
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
        self,
        spec: TableSpec,
        csv_file: CsvFile,
        rows: list[list[str]],
        lines: list[int | None],
        counts: TableCounts,
    ) -> list[RowError]:
        """Write one batch; or, if a row held must not be kept, write nothing: its errors."""
        model = spec.model
        keys = spec.key_columns
        given = [
            {f.attname: db_value(f, cell) for f, cell in zip(csv_file.fields, row, strict=True)}
            for row in rows
        ]
        existing = _existing(model, keys, given)
        if not self.overwrite:
            problems = _kept_over(spec, csv_file, rows, given, lines, existing)
            if problems:
                return problems
        new, changed, placed = [], [], []
        for values, row, line in zip(given, rows, lines, strict=True):
            current = existing.get(tuple(values[k] for k in keys))
            if current is None:
                defaults = {f.attname: f.get_default() for f in csv_file.missing}
                new.append(model(**defaults, **values))
                placed.append((row, line))
            elif self.overwrite and any(getattr(current, c) != v for c, v in values.items()):
                for column, value in values.items():
                    setattr(current, column, value)
                changed.append(current)
            else:
                counts.unchanged += 1
        try:
            with transaction.atomic():
                model.objects.bulk_create(new)
        except IntegrityError:
            # A CHECK or a slot twice: SQLite names the constraint, not the row.
            return _refused_rows(spec, csv_file, new, placed)
        updatable = [c for c in csv_file.columns if c not in keys]
        if changed and updatable:
            model.objects.bulk_update(
                changed, fields=[model._meta.get_field(c).name for c in updatable]
            )
        counts.inserted += len(new)
        counts.updated += len(changed)
        return []


def _refused_rows(
    spec: TableSpec,
    csv_file: CsvFile,
    new: list[models.Model],
    placed: list[tuple[list[str], int | None]],
) -> list[RowError]:
    """Each new row of a batch the database refused, tried on its own (the batch is
    undone; the run fails): its place, column, value and the constraint's message."""
    problems = []
    for instance, (row, line) in zip(new, placed, strict=True):
        try:
            with transaction.atomic():
                spec.model.objects.bulk_create([instance])
        except IntegrityError as err:
            problems.append(_constraint_error(spec, csv_file, row, line, str(err)))
    return problems


def _constraint_error(
    spec: TableSpec, csv_file: CsvFile, row: list[str], line: int | None, message: str
) -> RowError:
    """SQLite's 'CHECK constraint failed: name' or 'UNIQUE constraint failed: index
    'name'' (or: table.column, …) as a row error."""
    name = message.split(":", 1)[-1].strip().removeprefix("index ").strip("'")
    fields, reason = constraint_fields(spec, name)
    at = [csv_file.columns.index(f) for f in fields if f in csv_file.columns]
    column = at[0] + 1 if at else None
    header = ", ".join(csv_file.headers[i] for i in at if i < len(csv_file.headers)) or None
    value = ", ".join(row[i] for i in at) if at else None
    return RowError(csv_file.name, line, column, header, value, reason or message)


def _kept_over(
    spec: TableSpec,
    csv_file: CsvFile,
    rows: list[list[str]],
    given: list[dict],
    lines: list[int | None],
    existing: dict[tuple, models.Model],
) -> list[RowError]:
    """Rows the table holds under a row's key that are other rows (collision.kept_over)."""
    identity = identity_field(spec)
    if identity is None or identity.attname not in csv_file.columns or not existing:
        return []
    at = csv_file.columns.index(identity.attname)
    header = csv_file.headers[at] if at < len(csv_file.headers) else None
    problems = []
    for row, values, line in zip(rows, given, lines, strict=True):
        key = tuple(values[k] for k in spec.key_columns)
        current = existing.get(key)
        if current is None:
            continue
        ours, archived = getattr(current, identity.attname), values[identity.attname]
        reason = kept_over(spec, str(key[0]), ours, archived)
        if reason is not None:
            problems.append(RowError(csv_file.name, line, at + 1, header, row[at], reason))
    return problems


def _existing(
    model: type[models.Model], keys: tuple[str, ...], given: list[dict]
) -> dict[tuple, models.Model]:
    """The rows the table holds under the batch's keys, by key."""
    lookup = {f"{k}__in": {values[k] for values in given} for k in keys}
    return {tuple(getattr(row, k) for k in keys): row for row in model.objects.filter(**lookup)}


def _file_problems(
    spec: TableSpec,
    csv_file: CsvFile,
    rows: list[list[str]],
    lines: list[int | None],
    seen: dict[tuple, tuple[str, int | None]],
) -> list[RowError]:
    """A key already read in this run's files, and parents the database lacks (the keys
    read are held in memory: this loader serves the embedded database's small tables)."""
    columns = csv_file.columns
    key_at = [columns.index(k) for k in spec.key_columns]
    problems = []
    for row, line in zip(rows, lines, strict=True):
        key = tuple(row[i] for i in key_at)
        first = seen.setdefault(key, (csv_file.name, line))
        if first != (csv_file.name, line):
            where = first[1] if first[0] == csv_file.name else f"{first[0]}:{first[1]}"
            reason = _("%(message)s (also on line %(first)s)") % {
                "message": _("this key appears more than once"),
                "first": where,
            }
            column = key_at[0] + 1
            header = ", ".join(csv_file.headers[i] for i in key_at if i < len(csv_file.headers))
            problems.append(RowError(csv_file.name, line, column, header, ", ".join(key), reason))
    for at, field in enumerate(csv_file.fields):
        if not field.is_relation:
            continue
        values = {db_value(field, row[at]) for row in rows} - {None}
        parent = field.related_model
        held = set(
            parent._default_manager.filter(
                **{f"{field.target_field.attname}__in": values}
            ).values_list(field.target_field.attname, flat=True)
        )
        for row, line in zip(rows, lines, strict=True):
            value = db_value(field, row[at])
            if value is not None and value not in held:
                reason = _(
                    "no %(parent)s with this ID (%(value)s) in the database or the files"
                ) % {
                    "parent": parent._meta.verbose_name,
                    "value": value,
                }
                header = csv_file.headers[at] if at < len(csv_file.headers) else None
                problems.append(RowError(csv_file.name, line, at + 1, header, str(value), reason))
    return problems
