"""Staged rows checked before they are merged: a file's own problems placed on their lines.

Rows staged by COPY carry their order (``_row``), so what the merge would fail on with no
place (a key twice in the files, a slot or a booking twice, a parent the database lacks, a
CHECK constraint) is found first and reported at the file and line where the row starts,
with its value; every such row, up to the run's error limit. A key twice is refused
whatever the database holds (the merge would otherwise skip both copies, or pick one).
"""

from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass

from django.db import connection, models
from django.db.models.sql import Query
from django.utils.translation import gettext as _

from archive.core.collision import identity_field, kept_over
from archive.core.sql import quote
from archive.core.tables import TableSpec
from archive.seed.errors import MAX_ERRORS, RowError
from archive.seed.loaders.constraints import constraint_fields
from archive.seed.loaders.pg_sql import columns_sql
from archive.seed.reader import CsvFile

ROW = "_row"


def add_checks(tmp: str, table: str) -> None:
    """Number the staged rows as COPY adds them, and hold them to the table's CHECKs."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {tmp} ADD COLUMN {ROW} bigint GENERATED ALWAYS AS IDENTITY")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'c'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {tmp} ADD CONSTRAINT {quote(name)} {definition}")


@dataclass
class StagedFiles:
    """Which file and line a staged row came from: each file's first row number."""

    starts: list[int]
    files: list[CsvFile]

    def place(self, row: int) -> tuple[str, int | None]:
        at = bisect.bisect_right(self.starts, row - 1) - 1
        csv_file = self.files[at]
        return csv_file.name, csv_file.row_line(row - self.starts[at])

    def column(self, name: str, fields: tuple[str, ...]) -> tuple[int | None, str | None]:
        """The first of ``fields`` in file ``name``: its position and the file's headers."""
        csv_file = next((f for f in self.files if f.name == name), self.files[0])
        found = [csv_file.columns.index(f) for f in fields if f in csv_file.columns]
        if not found:
            return None, None
        headers = [csv_file.headers[i] for i in found if i < len(csv_file.headers)]
        return found[0] + 1, ", ".join(headers) or None


def copied_problems(spec: TableSpec, table: str, copied: StagedFiles) -> list[RowError]:
    """After the table's own checks failed on rows COPY put straight into it (it had no
    pages, so it holds them in the order COPY appended them, see ``PgLoader.load``): the
    same checks as on staged rows."""
    numbered = f"(SELECT row_number() OVER (ORDER BY ctid) AS {ROW}, * FROM {table})"
    return staged_problems(spec, numbered, copied, table, keeps=False)


def staged_problems(
    spec: TableSpec,
    tmp: str,
    staged: StagedFiles,
    table: str,
    *,
    keeps: bool,
    limit: int = MAX_ERRORS,
) -> list[RowError]:
    """Keys and unique values twice among the staged rows, unknown parents, and (when the
    table's rows are kept) rows this database created under a staged row's key; ``tmp``
    is a table, or a query, with the rows' order in ``_row``."""
    errors: list[RowError] = []
    columns = set(staged.files[0].columns) if staged.files else set()
    uniques = [(spec.key_columns, None, _("this key appears more than once"))]
    for constraint in spec.model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            fields = tuple(spec.model._meta.get_field(f).attname for f in constraint.fields)
            message = str(constraint.violation_error_message or _("appears more than once"))
            uniques.append((fields, constraint.condition, message))
    with connection.cursor() as cursor:
        for fields, condition, message in uniques:
            if not set(fields) <= columns or len(errors) >= limit:
                continue
            errors += _twice(cursor, spec, tmp, staged, fields, condition, message, limit)
        for field in spec.fields:
            if field.is_relation and field.attname in columns and len(errors) < limit:
                errors += _orphans(cursor, tmp, staged, field, limit - len(errors))
        identity = identity_field(spec)
        if keeps and identity is not None and identity.attname in columns:
            errors += _kept_over(cursor, spec, tmp, table, staged, identity, limit - len(errors))
    return errors[:limit]


def _kept_over(cursor, spec, tmp, table, staged, identity, limit: int) -> list[RowError]:
    """Staged rows whose key the table holds for another row (collision.kept_over): the
    rows differing at all come from the database, the precision-aware compare decides."""
    (key,) = spec.key_columns
    moment = quote(identity.attname)
    cursor.execute(
        f"SELECT s.{ROW}, s.{quote(key)}, d.{moment}, s.{moment} FROM {tmp} s "
        f"JOIN {table} d ON d.{quote(key)} = s.{quote(key)} WHERE d.{moment} <> s.{moment} "
        f"ORDER BY s.{ROW}"
    )
    errors = []
    column_at = staged.files[0].columns.index(identity.attname) + 1
    while len(errors) < limit and (found := cursor.fetchmany(1000)):
        for row, value, ours, archived in found:
            reason = kept_over(spec, str(value), ours, archived)
            if reason is None:
                continue
            name, line = staged.place(row)
            header = _header(staged, name, column_at)
            errors.append(RowError(name, line, column_at, header, str(archived), reason))
    return errors[:limit]


def _twice(cursor, spec, tmp, staged, fields, condition, message, limit) -> list[RowError]:
    where, params = "TRUE", []
    if condition is not None:
        query = Query(spec.model, alias_cols=False)
        compiled = query.build_where(condition)
        where, params = compiled.as_sql(query.get_compiler(connection=connection), connection)
    cols = columns_sql(fields)
    not_null = " AND ".join(f"{quote(f)} IS NOT NULL" for f in fields)
    cursor.execute(
        f"SELECT {ROW}, first, {cols} FROM (SELECT {ROW}, {cols}, "
        f"first_value({ROW}) OVER (PARTITION BY {cols} ORDER BY {ROW}) AS first "
        f"FROM {tmp} s WHERE {not_null} AND ({where})) s WHERE {ROW} <> first "
        f"ORDER BY {ROW} LIMIT {int(limit)}",
        params,
    )
    errors = []
    for row, first, *values in cursor.fetchall():
        name, line = staged.place(row)
        first_name, first_line = staged.place(first)
        where_first = f"{first_name}:{first_line}" if first_name != name else str(first_line)
        reason = _("%(message)s (also on line %(first)s)") % {
            "message": message.rstrip("."),
            "first": where_first,
        }
        value = ", ".join("" if v is None else str(v) for v in values)
        column, header = staged.column(name, fields)
        errors.append(RowError(name, line, column, header or ", ".join(fields), value, reason))
    return errors


def _orphans(cursor, tmp, staged, field: models.Field, limit: int) -> list[RowError]:
    parent = field.related_model
    parent_table = quote(parent._meta.db_table)
    target = quote(field.target_field.column)
    column = quote(field.attname)
    cursor.execute(
        f"SELECT {ROW}, {column} FROM {tmp} s WHERE {column} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {parent_table} p WHERE p.{target} = s.{column}) "
        f"ORDER BY {ROW} LIMIT {int(limit)}"
    )
    errors = []
    for row, value in cursor.fetchall():
        name, line = staged.place(row)
        column_at = staged.files[0].columns.index(field.attname) + 1
        reason = _("no %(parent)s with this ID (%(value)s) in the database or the files") % {
            "parent": parent._meta.verbose_name,
            "value": value,
        }
        header = _header(staged, name, column_at)
        errors.append(RowError(name, line, column_at, header, str(value), reason))
    return errors


def _header(staged: StagedFiles, name: str, column: int) -> str | None:
    for csv_file in staged.files:
        if csv_file.name == name and column <= len(csv_file.headers):
            return csv_file.headers[column - 1]
    return None


_KEY_DETAIL = re.compile(r"Key \((.*)\)=\((.*)\)", re.DOTALL)
_COPY_ROW = re.compile(r'line \d+: "(.*)"$', re.DOTALL)


def constraint_error(spec: TableSpec, csv_file: CsvFile, line: int | None, diag) -> RowError:
    """A row COPY refused for a constraint (a key or a slot twice, a CHECK), placed on its
    column with its value and the constraint's own message."""
    fields, message = constraint_fields(spec, diag.constraint_name)
    value = None
    found = _KEY_DETAIL.search(diag.message_detail or "")
    if found:
        fields = fields or tuple(n.strip().strip('"') for n in found.group(1).split(","))
        value = found.group(2)
    at = next((csv_file.columns.index(f) for f in fields if f in csv_file.columns), None)
    row = _COPY_ROW.search(diag.context or "")
    if value is None and at is not None and row:
        cells = next(csv.reader([row.group(1)], delimiter=csv_file.delimiter), [])
        value = cells[at] if at < len(cells) else None
    column = None if at is None else at + 1
    header = csv_file.headers[at] if at is not None and at < len(csv_file.headers) else None
    reason = message or diag.message_primary or ""
    if found and diag.message_primary:
        reason += f" ({diag.message_primary})"
    return RowError(csv_file.name, line, column, header, value, reason)
