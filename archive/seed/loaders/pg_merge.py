"""Merging a table's staged rows into it, in set-based statements (PostgreSQL).

Staged rows (a temporary table filled by COPY) are split in two temporary tables: rows the
table lacks (``fresh``) and, when overwriting, rows whose values differ (``changed``;
``IS DISTINCT FROM`` leaves identical rows alone). Both are applied with one statement
each; when they are a large part of the table, its indexes are set aside first (pg_bulk),
never in a dry run (see ``merge``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from archive.core.sql import quote
from archive.core.tables import TableSpec
from archive.seed.errors import LoadError, RowError
from archive.seed.loaders.pg_bulk import SetAside, is_bulk, set_aside_indexes
from archive.seed.loaders.pg_sql import columns_sql, key_match, value_columns


@dataclass(frozen=True)
class Staging:
    """A table's staged rows and what the merge needs to know about them."""

    spec: TableSpec
    table: str
    tmp: str
    rows: int
    partial: frozenset[str]  # columns some staged file lacked: defaults, or kept values
    only_new: bool  # the reader already skipped every key the table holds
    files: list[str]


def merge(cursor, staging: Staging, *, overwrite: bool, set_aside: SetAside | None, dry_run: bool):
    """Apply staged rows; returns (inserted, updated, indexes set aside or None).

    A dry run (an upload's preview) keeps the indexes: it is rolled back anyway, and DROP
    INDEX and pausing the change record would lock the table ACCESS EXCLUSIVE until then.
    """
    spec, table, tmp = staging.spec, staging.table, staging.tmp
    keys = spec.key_columns
    match, rest = key_match(spec), value_columns(spec)
    cursor.execute(f"ANALYZE {tmp}")
    changed = 0
    if overwrite:
        refuse_duplicates(cursor, tmp, keys, staging.files)
        changed = _materialize_changed(cursor, staging, match, rest)
    fresh = tmp
    new = staging.rows
    if not staging.only_new:
        fresh = quote(f"{spec.name}_fresh")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {fresh} ON COMMIT DROP AS SELECT s.* FROM {tmp} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {match})"
        )
        new = cursor.rowcount
    if set_aside is None and not dry_run and is_bulk(cursor, table, new + changed):
        set_aside = set_aside_indexes(spec)
    if changed:
        assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in rest)
        changed_tmp = quote(f"{spec.name}_changed")
        cursor.execute(f"UPDATE {table} AS d SET {assignments} FROM {changed_tmp} s WHERE {match}")
    inserted = 0
    if new:
        values, params = [], []
        for field in spec.fields:
            if field.attname in staging.partial:
                values.append(f"COALESCE(s.{quote(field.attname)}, %s)")
                params.append(field.get_db_prep_save(field.get_default(), connection))
            else:
                values.append(f"s.{quote(field.attname)}")
        cursor.execute(
            f"INSERT INTO {table} ({columns_sql(spec.columns)}) "
            f"SELECT {', '.join(values)} FROM {fresh} s",
            params,
        )
        inserted = cursor.rowcount
    for name in {tmp, fresh, quote(f"{spec.name}_changed")}:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return inserted, changed, set_aside


def _materialize_changed(cursor, staging: Staging, match: str, rest: list[str]) -> int:
    """The staged rows whose values differ from the table's; a column a file lacked keeps
    the table's value."""
    if not rest:
        return 0
    spec = staging.spec

    def new(c: str) -> str:
        return f"COALESCE(s.{quote(c)}, d.{quote(c)})" if c in staging.partial else f"s.{quote(c)}"

    keys = ", ".join(f"s.{quote(k)}" for k in spec.key_columns)
    values = ", ".join(f"{new(c)} AS {quote(c)}" for c in rest)
    old = ", ".join(f"d.{quote(c)}" for c in rest)
    fresh = ", ".join(new(c) for c in rest)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {quote(spec.name + '_changed')} ON COMMIT DROP AS "
        f"SELECT {keys}, {values} FROM {staging.tmp} s JOIN {staging.table} d ON {match} "
        f"WHERE ROW({old}) IS DISTINCT FROM ROW({fresh})"
    )
    return cursor.rowcount


def refuse_duplicates(cursor, tmp: str, keys: tuple[str, ...], files: list[str]) -> None:
    """Two rows with one key: which one wins would be chance, so neither does."""
    cursor.execute(
        f"SELECT {columns_sql(keys)} FROM {tmp} GROUP BY {columns_sql(keys)} "
        "HAVING count(*) > 1 LIMIT 20"
    )
    duplicates = cursor.fetchall()
    if duplicates:
        where = ", ".join(files)
        reason = _("this key appears more than once")
        errors = [
            RowError(where, None, None, ", ".join(keys), ", ".join(map(str, d)), reason)
            for d in duplicates
        ]
        raise LoadError(errors)
