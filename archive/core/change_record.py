"""The transactional change record (PostgreSQL): which table months a statement touched.

Statement-level AFTER triggers with transition tables insert, in the writing transaction,
one ``archive_change`` row per (table, month) a statement touched, and one row per deleted
key, with the deleted row's creation moment where its table has one (collision.py): a row
created here under an archived row's key and deleted again says nothing of the archived
row. Being part of the transaction, the record commits or rolls back with the data, and
the archive run reads it inside its own export snapshot: a change is either in the
snapshot's data and its record, or in neither. Rows the run saw are consumed (by the
snapshot's visibility of their ``tx``) only after the manifest naming the new files is
written. ``pg_stat_*`` counters, ``xmin`` or ``updated_at`` cannot give that guarantee.

Triggers are ``ENABLE ALWAYS`` so they fire under ``session_replication_role = replica``
too; a table whose triggers are missing or disabled is exported in full instead.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection

from archive.core.collision import identity_field
from archive.core.sql import date_column, key_cells_sql, quote
from archive.core.tables import TableSpec, followers, table

CHANGE_TABLE = "archive_change"
# A deleted key's canonical cells → the creation moments of the rows deleted under it.
Deleted = dict[tuple[str, ...], set[dt.datetime | None]]
_EVENTS = {
    "ins": "INSERT ON {t} REFERENCING NEW TABLE AS new_rows",
    "upd": "UPDATE ON {t} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "del": "DELETE ON {t} REFERENCING OLD TABLE AS old_rows",
    "trunc": "TRUNCATE ON {t}",
}


def _function(spec: TableSpec) -> str:
    return f"archive_note_{spec.name}"


def _trigger(spec: TableSpec, suffix: str) -> str:
    return f"{_function(spec)}_{suffix}"


def _month(spec: TableSpec, alias: str) -> str:
    if not spec.windowed:
        return "NULL::date"
    date, parent, on = date_column(spec, alias)
    if not parent:
        return f"date_trunc('month', {date})::date"
    # Looked up: a parent deleted before its follower gives NULL, which means "all months".
    return f"(SELECT date_trunc('month', {date})::date FROM {parent} WHERE {on})"


def _wholly_changed(spec: TableSpec) -> list[str]:
    """What "this whole table changed" means: the table and the tables dated through it."""
    return [spec.name, *(follower.name for follower in followers(spec))]


def _follower_moves(spec: TableSpec) -> str:
    """On UPDATE, the old and new months of followers whose parent changed month, whether
    or not this database holds them: an archived follower it never loaded moves too."""
    pk = quote(spec.model._meta.pk.column)
    statements = []
    for follower in followers(spec):
        old, new = _month(spec, "o"), _month(spec, "n")
        statements.append(
            f"INSERT INTO {CHANGE_TABLE} (table_name, month) "
            f"SELECT DISTINCT '{follower.name}', v.m FROM old_rows o "
            f"JOIN new_rows n ON n.{pk} = o.{pk} CROSS JOIN LATERAL (VALUES ({old}), ({new})) v(m) "
            f"WHERE {old} IS DISTINCT FROM {new};"
        )
    return "\n    ".join(statements)


def _made(spec: TableSpec) -> str:
    """The deleted row's creation moment, which tells it from another row under its key."""
    identity = identity_field(spec)
    return f"r.{quote(identity.column)}" if identity else "NULL::timestamptz"


def function_sql(spec: TableSpec) -> str:
    month = _month(spec, "r")
    deleted = f"'{spec.name}', {month}, {key_cells_sql(spec, 'r')}, {_made(spec)}"
    same_key = " AND ".join(
        f"n.{quote(c)} = r.{quote(c)}"
        for c in (spec.model._meta.get_field(k).column for k in spec.key_columns)
    )
    truncated = ", ".join(f"('{name}', NULL)" for name in _wholly_changed(spec))
    return f"""
CREATE OR REPLACE FUNCTION {_function(spec)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
    INSERT INTO {CHANGE_TABLE} (table_name, month)
    SELECT DISTINCT '{spec.name}', {month} FROM new_rows r;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO {CHANGE_TABLE} (table_name, month)
    SELECT DISTINCT '{spec.name}', {month} FROM old_rows r;
    INSERT INTO {CHANGE_TABLE} (table_name, month, key, made)
    SELECT {deleted} FROM old_rows r
    WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE {same_key});
    {_follower_moves(spec)}
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO {CHANGE_TABLE} (table_name, month, key, made)
    SELECT {deleted} FROM old_rows r;
  ELSIF TG_OP = 'TRUNCATE' THEN
    INSERT INTO {CHANGE_TABLE} (table_name, month) VALUES {truncated};
  END IF;
  RETURN NULL;
END $$;"""


def trigger_sql(spec: TableSpec) -> list[str]:
    target = quote(spec.model._meta.db_table)
    statements = [function_sql(spec)]
    for suffix, event in _EVENTS.items():
        name = _trigger(spec, suffix)
        statements += [
            f"DROP TRIGGER IF EXISTS {name} ON {target}",
            f"CREATE TRIGGER {name} AFTER {event.format(t=target)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {_function(spec)}()",
            f"ALTER TABLE {target} ENABLE ALWAYS TRIGGER {name}",
        ]
    return statements


def install_sql(names: Iterable[str]) -> list[str]:
    """The record's ``tx`` column and every named table's triggers (idempotent)."""
    statements = [
        f"ALTER TABLE {CHANGE_TABLE} ADD COLUMN IF NOT EXISTS tx xid8 NOT NULL "
        "DEFAULT pg_current_xact_id()"
    ]
    for name in names:
        statements += trigger_sql(table(name))
    return statements


def uninstall_sql(names: Iterable[str]) -> list[str]:
    statements = []
    for name in names:
        spec = table(name)
        target = quote(spec.model._meta.db_table)
        for suffix in _EVENTS:
            statements.append(f"DROP TRIGGER IF EXISTS {_trigger(spec, suffix)} ON {target}")
        statements.append(f"DROP FUNCTION IF EXISTS {_function(spec)}()")
    return statements


def pause_recording(spec: TableSpec) -> list[str]:
    """For a bulk load: note the whole table (and its followers) as changed, once, and
    disable its insert and update triggers until ``resume_recording``.

    Their transition tables would hold every row the load writes (spilled to disk, then
    read again) only to name months that "the whole table" already covers. Both steps are
    part of the load's transaction: a failed load leaves the triggers as they were.
    Returns the triggers paused (none when the table is not recorded).
    """
    if spec.name not in recorded_tables([spec]):
        return []
    target = quote(spec.model._meta.db_table)
    paused = [_trigger(spec, suffix) for suffix in ("ins", "upd")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CHANGE_TABLE} (table_name, month) SELECT unnest(%s::text[]), NULL",
            [_wholly_changed(spec)],
        )
        for name in paused:
            cursor.execute(f"ALTER TABLE {target} DISABLE TRIGGER {quote(name)}")
    return paused


def resume_recording(spec: TableSpec, paused: Iterable[str]) -> None:
    target = quote(spec.model._meta.db_table)
    with connection.cursor() as cursor:
        for name in paused:
            cursor.execute(f"ALTER TABLE {target} ENABLE ALWAYS TRIGGER {quote(name)}")


def recorded_tables(specs: Sequence[TableSpec]) -> set[str]:
    """The tables whose four triggers are all present and enabled ALWAYS."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'archive_note_%%' AND t.tgenabled = 'A' GROUP BY c.relname"
        )
        complete = {relname for relname, count in cursor.fetchall() if count == len(_EVENTS)}
    return {s.name for s in specs if s.model._meta.db_table in complete}


def changed_months() -> dict[str, set[dt.date | None]]:
    """Per table, the months the snapshot's change record names (None: the whole table)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT table_name, month FROM {CHANGE_TABLE}")
        found: dict[str, set[dt.date | None]] = defaultdict(set)
        for name, month in cursor.fetchall():
            found[name].add(month)
    return dict(found)


def deleted_keys(spec: TableSpec, keys: Sequence[tuple[str, ...]]) -> Deleted:
    """Which of these canonical keys the snapshot's change record says were deleted, each
    with the creation moments of the rows deleted under it (None where not known)."""
    if not keys:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT key, made FROM {CHANGE_TABLE} WHERE table_name = %s "
            "AND key IS NOT NULL AND key = ANY(%s::jsonb[])",
            [spec.name, [json.dumps(list(k)) for k in keys]],
        )
        found: Deleted = defaultdict(set)
        for key, made in cursor.fetchall():
            found[tuple(json.loads(key) if isinstance(key, str) else key)].add(made)
        return dict(found)


def deleted_in(spec: TableSpec, month: dt.date | None) -> bool:
    """Whether the snapshot's change record names a row of this table deleted in ``month``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {CHANGE_TABLE} WHERE table_name = %s "
            "AND key IS NOT NULL AND month IS NOT DISTINCT FROM %s)",
            [spec.name, month],
        )
        return cursor.fetchone()[0]


def consume(names: Sequence[str], snapshot: str) -> int:
    """Delete the record rows of these tables that the run's snapshot saw."""
    if not names:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CHANGE_TABLE} WHERE table_name = ANY(%s) "
            "AND pg_visible_in_snapshot(tx, %s::pg_snapshot)",
            [list(names), snapshot],
        )
        return cursor.rowcount
