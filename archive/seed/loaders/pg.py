"""Loading on PostgreSQL: COPY FROM STDIN, then set-based statements (pg_merge.py).

An empty table that has never held rows (no pages) takes them straight from COPY (a big
load first sets its secondary indexes and foreign keys aside and rebuilds them once); so
does a table that a big overwrite from whole files writes anew
(``pg_merge.begin_rewrite``). Otherwise rows land in a temporary table and are merged:
rows the table lacks are inserted; with ``overwrite`` (a restore, or a staff upload) rows
that differ are rewritten. For a table keyed by one integer, a re-seed that keeps existing
rows skips them while reading (the keys are fetched first).
Nothing uploaded is executed: values only ever travel as COPY data or parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction

from archive.core.escape import is_text
from archive.core.lock import keep_archive_runs_out
from archive.core.sql import quote
from archive.core.tables import TableSpec
from archive.seed.errors import LoadError, RowError
from archive.seed.loaders.base import TableCounts, database_error, reset_sequences
from archive.seed.loaders.pg_bulk import (
    begin_rewrite,
    finish_rewrite,
    outweighs,
    restore_indexes,
    set_aside_indexes,
)
from archive.seed.loaders.pg_checks import (
    StagedFiles,
    add_checks,
    constraint_error,
    copied_problems,
    staged_problems,
)
from archive.seed.loaders.pg_known_keys import known_keys
from archive.seed.loaders.pg_merge import Staging, merge
from archive.seed.loaders.pg_sql import columns_sql
from archive.seed.reader import CsvFile

BULK_BYTES = 32 << 20  # from this size on, an empty table's indexes are rebuilt once

_COPY_CONTEXT = re.compile(r'line (\d+)(?:, column (\w+)(?:: "(.*)")?)?', re.DOTALL)


class PgLoader:
    checks_types = True

    def __init__(self, *, overwrite: bool, dry_run: bool = False):
        self.overwrite = overwrite
        # A dry run (an upload's preview) must never hold staff up: it neither empties a
        # table nor sets its indexes aside (both lock it ACCESS EXCLUSIVE; merge is told)
        # and keeps archive runs free.
        self.dry_run = dry_run
        self.inserted_into: list[TableSpec] = []
        if overwrite and not dry_run:
            keep_archive_runs_out()  # a big overwrite empties its table (begin_rewrite)
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
        table = quote(spec.model._meta.db_table)
        with connection.cursor() as cursor:
            # An empty table takes COPY straight in only if it has no pages: COPY fills a
            # page that VACUUM freed before it appends, and ``copied_problems`` tells a
            # row's line by its place in the table.
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT 1 FROM {table}), pg_relation_size(%s::regclass) = 0",
                [table],
            )
            empty, fresh = cursor.fetchone()
        # Fetching the keys pays off when most of a file is read, not for a window's rows.
        known, looked = None, empty or self.overwrite
        tmp = quote(f"{spec.name}_staged")
        set_aside, staged, staged_rows = None, [], 0
        copied = StagedFiles([], [])  # files COPY put straight into the table
        rewrite = False  # decided by the first file
        for number, csv_file in enumerate(files):
            if number == 0 and self.overwrite and not empty and not self.dry_run:
                rewrite = _rewrites(spec, table, csv_file, expected_bytes)
                if rewrite:
                    set_aside = begin_rewrite(spec, table)
            if ((empty and fresh) or rewrite) and not csv_file.missing:
                bulk = (expected_bytes or 0) >= BULK_BYTES and not self.dry_run
                if set_aside is None and bulk:
                    set_aside = set_aside_indexes(spec, key=True)
                if not copied.files:
                    _defer_parents()
                copied.starts.append(counts.inserted)
                copied.files.append(csv_file)
                counts.inserted += self._copy(table, csv_file, spec)
            else:
                if not looked and csv_file.row_filter is None:
                    known, looked = known_keys(table, spec, csv_file), True
                if known is not None:
                    csv_file.skip_known(known, known if known.checks else None)
                if not staged:
                    _create_staging(tmp, table, spec)
                    starts = []
                starts.append(staged_rows)
                staged_rows += self._copy(tmp, csv_file, spec)
                csv_file.check_kept()  # its queries wait for the COPY's end
                staged.append(csv_file)
                counts.unchanged += csv_file.stats.existing
            counts.add_file(csv_file)
            csv_file.close()
        if copied.files:
            _check_copied(spec, table, copied, "SET CONSTRAINTS ALL IMMEDIATE")
        if staged:
            # Rows held were skipped (and checked) while reading, if every file could be.
            keeps = not self.overwrite and not all(c.skips_known for c in staged)
            problems = staged_problems(spec, tmp, StagedFiles(starts, staged), table, keeps=keeps)
            if problems:
                raise LoadError(problems)
        try:
            with connection.cursor() as cursor:
                if rewrite:  # before merging: a partial file's rows keep the values they had
                    held, changed = finish_rewrite(cursor, spec, table)
                    counts.inserted -= held
                    counts.updated += changed
                    counts.unchanged += held - changed
                if staged:
                    staging = Staging(
                        spec,
                        table,
                        tmp,
                        staged_rows,
                        frozenset(f.attname for c in staged for f in c.missing),
                        only_new=all(c.skips_known for c in staged),
                        files=[c.name for c in staged],
                    )
                    inserted, updated, set_aside = merge(
                        cursor,
                        staging,
                        overwrite=self.overwrite,
                        set_aside=set_aside,
                        dry_run=self.dry_run,
                    )
                    counts.inserted += inserted
                    counts.updated += updated
                    counts.unchanged += staged_rows - inserted - updated
                if set_aside:
                    _check_copied(
                        spec, table, copied, lambda: restore_indexes(cursor, spec, set_aside)
                    )
        except DatabaseError as err:
            raise database_error(counts.files, err) from err
        if counts.inserted:
            self.inserted_into.append(spec)

    def finish(self, specs: list[TableSpec]) -> None:
        if not self.dry_run:  # setval outlives a rollback
            reset_sequences(self.inserted_into)

    def _copy(self, target: str, csv_file: CsvFile, spec: TableSpec) -> int:
        """Stream the file's kept rows into ``target``; returns the rows copied."""
        if not csv_file.ok:
            return 0
        text = [f.attname for f in csv_file.fields if is_text(f)]
        other = [f.attname for f in csv_file.fields if not is_text(f)]
        options = [f"FORMAT csv, DELIMITER '{csv_file.delimiter}'"]
        if text:
            options.append(f"FORCE_NOT_NULL ({columns_sql(text)})")
        if other:
            options.append(f"FORCE_NULL ({columns_sql(other)})")
        column_list = columns_sql(csv_file.columns)
        sql = f"COPY {target} ({column_list}) FROM STDIN WITH ({', '.join(options)})"
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
                raise _copy_error(spec, csv_file, err) from err
            copied = cursor.rowcount
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])
        return copied


def _rewrites(spec: TableSpec, table: str, first: CsvFile, expected_bytes: int | None) -> bool:
    """Whether an overwrite is written as a new table (``pg_merge.begin_rewrite``) rather
    than updated in place: whole files (no window) of whole rows, about the table's size."""
    if spec.exclude:
        return False  # an archive without the surrogate key would give every row a new one
    if first.row_filter is not None or first.missing or (expected_bytes or 0) < BULK_BYTES:
        return False
    return outweighs(table, expected_bytes)


def _defer_parents() -> None:
    """Let the foreign keys wait for the end of the COPY into an empty table (for
    ``_check_copied``): checked at the end of the statement, a row without its parent
    would undo the COPY, and with it the rows that tell which lines lack one."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _check_copied(spec: TableSpec, table: str, copied: StagedFiles, check) -> None:
    """Run the table's own checks (SQL, or a callable) on the rows COPY put into it;
    if they fail, find every row at fault with its file and line (pg_checks)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            check() if callable(check) else cursor.execute(check)
    except IntegrityError as err:
        problems = copied_problems(spec, table, copied) if copied.files else []
        if not problems:
            raise
        raise LoadError(problems) from err


def _create_staging(tmp: str, table: str, spec: TableSpec) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {tmp} ON COMMIT DROP AS "
            f"SELECT {columns_sql(spec.columns)} FROM {table} WITH NO DATA"
        )
    add_checks(tmp, table)


def _copy_error(spec: TableSpec, csv_file: CsvFile, err: psycopg.Error) -> LoadError:
    """PostgreSQL's complaint about one COPY row, placed at the file's line and column."""
    found = _COPY_CONTEXT.search(err.diag.context or "")
    if not found:
        return database_error([csv_file.name], err)
    line = csv_file.file_line(int(found.group(1)))
    if err.diag.constraint_name:  # a key twice, a slot twice, a CHECK: its column and value
        return LoadError([constraint_error(spec, csv_file, line, err.diag)])
    column = None
    if found.group(2) in csv_file.columns:
        column = csv_file.file_column(csv_file.columns.index(found.group(2)) + 1)
    header = csv_file.headers[column - 1] if column else None
    reason = err.diag.message_primary or str(err)
    if err.diag.message_detail:
        reason += f" ({err.diag.message_detail})"
    return LoadError([RowError(csv_file.name, line, column, header, found.group(3), reason)])
