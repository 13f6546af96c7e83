"""Loading on PostgreSQL: COPY FROM STDIN, then one set-based statement per table.

An empty table takes the rows straight from COPY (a big load first sets its secondary
indexes and foreign keys aside and rebuilds them once, as PostgreSQL's "Populating a
Database" advises; inside the run's transaction, so a failure restores them). Otherwise
the rows land in a temporary table and one ``INSERT … WHERE NOT EXISTS`` adds the rows the
table lacks; with ``overwrite`` (a restore, or a staff upload) one ``UPDATE … FROM`` first
rewrites rows that differ (``IS DISTINCT FROM`` leaves identical rows untouched). Nothing
uploaded is executed: values only ever travel as COPY data or parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from .codec import is_text
from .errors import LoadError, RowError
from .loading import TableCounts, database_error, reset_sequences
from .reader import CsvFile
from .tables import TableSpec

BULK_BYTES = 32 << 20  # from this size on, an empty table's indexes are rebuilt once
_COPY_CONTEXT = re.compile(r'line (\d+)(?:, column (\w+)(?:: "(.*)")?)?', re.DOTALL)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _columns(names) -> str:
    return ", ".join(_q(n) for n in names)


class PgLoader:
    checks_types = True

    def __init__(self, *, overwrite: bool):
        self.overwrite = overwrite
        self.inserted_into: list[TableSpec] = []
        with connection.cursor() as cursor:
            # Django's foreign keys are deferred to COMMIT; checked per statement instead,
            # a missing parent is reported with its file, inside the run.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def load(
        self,
        spec: TableSpec,
        files: Iterator[CsvFile],
        counts: TableCounts,
        expected_bytes: int | None = None,
    ) -> None:
        table = _q(spec.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
            direct = cursor.fetchone()[0]
        set_aside = None
        staged: list[CsvFile] = []
        tmp = _q(f"seed_{spec.name}")
        for csv_file in files:
            if direct and not csv_file.missing:
                if set_aside is None and (expected_bytes or 0) >= BULK_BYTES:
                    set_aside = _set_aside(table)
                counts.inserted += self._copy(table, csv_file)
            else:
                if not staged:
                    _create_staging(tmp, table, spec)
                self._copy(tmp, csv_file)
                staged.append(csv_file)
            counts.add_file(csv_file)
            csv_file.close()
        if set_aside:
            _restore(table, set_aside, counts.files)
        if staged:
            self._merge(spec, table, tmp, staged, counts)
        if counts.inserted:
            self.inserted_into.append(spec)

    def finish(self, specs: list[TableSpec]) -> None:
        reset_sequences(self.inserted_into)

    def _copy(self, target: str, csv_file: CsvFile) -> int:
        """Stream the file's kept rows into ``target``; returns the rows copied."""
        if not csv_file.ok:
            return 0
        text = [f.attname for f in csv_file.fields if is_text(f)]
        other = [f.attname for f in csv_file.fields if not is_text(f)]
        options = [f"FORMAT csv, DELIMITER '{csv_file.delimiter}'"]
        if text:
            options.append(f"FORCE_NOT_NULL ({_columns(text)})")
        if other:
            options.append(f"FORCE_NULL ({_columns(other)})")
        sql = f"COPY {target} ({_columns(csv_file.columns)}) FROM STDIN WITH ({', '.join(options)})"
        with connection.cursor() as cursor:
            # Timestamps without an offset are local time (the original's TIMESTAMP).
            cursor.execute("SELECT current_setting('TimeZone')")
            session_zone = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
            try:
                with cursor.copy(sql) as copy:
                    for chunk in csv_file.records():
                        copy.write(chunk)
            except psycopg.Error as err:
                raise _copy_error(csv_file, err) from err
            copied = cursor.rowcount
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])
        return copied

    def _merge(
        self, spec: TableSpec, table: str, tmp: str, staged: list[CsvFile], counts: TableCounts
    ) -> None:
        names = [f.name for f in staged]
        partial = {f.attname for csv_file in staged for f in csv_file.missing}
        defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in spec.fields}
        keys = spec.key_columns
        match = " AND ".join(f"d.{_q(k)} = s.{_q(k)}" for k in keys)
        rest = [c for c in spec.columns if c not in keys]
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tmp}")
                cursor.execute(f"SELECT count(*) FROM {tmp}")
                total = cursor.fetchone()[0]
                updated = 0
                if self.overwrite:
                    _refuse_duplicates(cursor, tmp, keys, names)
                    updated = _update(cursor, table, tmp, rest, match, partial)
                values, params = [], []
                for column in spec.columns:
                    if column in partial:
                        values.append(f"COALESCE(s.{_q(column)}, %s)")
                        params.append(defaults[column])
                    else:
                        values.append(f"s.{_q(column)}")
                cursor.execute(
                    f"INSERT INTO {table} ({_columns(spec.columns)}) "
                    f"SELECT {', '.join(values)} FROM {tmp} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {match})",
                    params,
                )
                inserted = cursor.rowcount
                cursor.execute(f"DROP TABLE {tmp}")
        except DatabaseError as err:
            raise database_error(names, err) from err
        counts.inserted += inserted
        counts.updated += updated
        counts.unchanged += total - inserted - updated


def _create_staging(tmp: str, table: str, spec: TableSpec) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {tmp} ON COMMIT DROP AS "
            f"SELECT {_columns(spec.columns)} FROM {table} WITH NO DATA"
        )


def _update(cursor, table: str, tmp: str, rest: list[str], match: str, partial: set[str]) -> int:
    """Rewrite rows whose archived values differ; a column a file lacks keeps its value."""
    if not rest:
        return 0

    def new(c: str) -> str:
        return f"COALESCE(s.{_q(c)}, d.{_q(c)})" if c in partial else f"s.{_q(c)}"

    assignments = ", ".join(f"{_q(c)} = {new(c)}" for c in rest)
    old = ", ".join(f"d.{_q(c)}" for c in rest)
    fresh = ", ".join(new(c) for c in rest)
    cursor.execute(
        f"UPDATE {table} AS d SET {assignments} FROM {tmp} s "
        f"WHERE {match} AND ROW({old}) IS DISTINCT FROM ROW({fresh})"
    )
    return cursor.rowcount


def _refuse_duplicates(cursor, tmp: str, keys: tuple[str, ...], files: list[str]) -> None:
    """Two rows with one key: which one wins would be chance, so neither does."""
    cursor.execute(
        f"SELECT {_columns(keys)} FROM {tmp} GROUP BY {_columns(keys)} HAVING count(*) > 1 LIMIT 20"
    )
    duplicates = cursor.fetchall()
    if duplicates:
        where = ", ".join(files)
        reason = _("this key appears more than once")
        raise LoadError(
            [
                RowError(where, None, None, ", ".join(keys), ", ".join(map(str, d)), reason)
                for d in duplicates
            ]
        )


def _set_aside(table: str) -> list[tuple[str, str, str]]:
    """Drop the secondary indexes and foreign keys of an empty table; returns how to rebuild."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
            "UNION ALL SELECT 'fk', conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table, table],
        )
        set_aside = cursor.fetchall()
        for kind, name, _definition in set_aside:
            if kind == "index":
                cursor.execute(f"DROP INDEX {_q(name)}")
            else:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
    return set_aside


def _restore(table: str, set_aside: list[tuple[str, str, str]], files: list[str]) -> None:
    """Rebuild what ``_set_aside`` dropped: each index in one sorted pass, each key checked."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '128MB'")
            for kind, name, definition in set_aside:
                if kind == "index":
                    cursor.execute(definition)
                else:
                    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
    except DatabaseError as err:
        raise database_error(files, err) from err


def _copy_error(csv_file: CsvFile, err: psycopg.Error) -> LoadError:
    """PostgreSQL's complaint about one COPY row, placed at the file's line and column."""
    found = _COPY_CONTEXT.search(err.diag.context or "")
    if not found:
        return database_error([csv_file.name], err)
    line = csv_file.file_line(int(found.group(1)))
    column = None
    if found.group(2) in csv_file.columns:
        column = csv_file.columns.index(found.group(2)) + 1
    header = csv_file.headers[column - 1] if column else None
    reason = err.diag.message_primary or str(err)
    if err.diag.message_detail:
        reason += f" ({err.diag.message_detail})"
    return LoadError([RowError(csv_file.name, line, column, header, found.group(3), reason)])
