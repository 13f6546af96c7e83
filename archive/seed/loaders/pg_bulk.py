"""Writing a table in bulk: what slows a big write set aside and rebuilt once after it.

When the rows written are a large part of the table, its secondary indexes, foreign keys
and change-record triggers are set aside first and rebuilt once afterwards (PostgreSQL's
"Populating a Database"): all inside the run's transaction, so a failure restores them as
they were. An overwrite from whole files about the size of the table writes it anew
instead (``begin_rewrite``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from archive.core import change_record
from archive.core.sql import quote
from archive.core.tables import TableSpec
from archive.seed.loaders.pg_sql import columns_sql, key_match, value_columns

BULK_ROWS = 50_000  # below this, indexes are maintained row by row
BULK_SHARE = 0.3  # … or when the rows written are less than this share of the table

# (index | fk | ref | pk | trigger, name, definition, the table it belongs to)
SetAside = list[tuple[str, str, str, str]]


def begin_rewrite(spec: TableSpec, table: str) -> SetAside:
    """Set the table's rows aside, then empty it for the archive's rows to be copied in.

    An UPDATE of most rows writes a second version of each next to the first (every page
    dirtied twice, the WAL full of page images) and leaves the indexes to be rebuilt over a
    heap twice the size. Instead the table's rows go to a temporary table, the table is
    emptied (TRUNCATE, inside the run's transaction; archive runs are kept out until it
    commits, see ``PgLoader``) and filled by COPY like an empty one; ``finish_rewrite``
    then compares and writes back the rows the archive lacked. Returns what was set aside
    (its primary key too: a key the archive holds twice is refused when it is rebuilt).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_before(spec)} ON COMMIT DROP AS "
            f"SELECT {columns_sql(spec.columns)} FROM {table}"
        )
    set_aside = set_aside_indexes(spec, key=True)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
    return set_aside


def finish_rewrite(cursor, spec: TableSpec, table: str) -> tuple[int, int]:
    """After ``begin_rewrite`` and the COPY: returns how many copied rows the table held
    before and how many of those differ, and writes back the rows the archive lacks. One
    pass over both (a hash join kept in memory) counts; a second only if rows are lacking.
    """
    before, key = _before(spec), quote(spec.key_columns[0])
    match, rest = key_match(spec), value_columns(spec)
    copied, held = f"s.{key} IS NOT NULL", f"d.{key} IS NOT NULL"
    old, new = (", ".join(f"{alias}.{quote(c)}" for c in rest) for alias in "ds")
    differ = f"ROW({old}) IS DISTINCT FROM ROW({new})"
    use_seed_memory(cursor)
    for name in (table, before):  # without statistics: a merge join of two sorts on disk
        cursor.execute(f"ANALYZE {name}")
    cursor.execute(
        f"SELECT count(*) FILTER (WHERE {copied} AND {held}), "
        f"count(*) FILTER (WHERE {copied} AND {held} AND {differ}), "
        f"count(*) FILTER (WHERE NOT {copied}) FROM {table} s FULL JOIN {before} d ON {match}"
    )
    matched, changed, lacking = cursor.fetchone()
    if lacking:
        columns = columns_sql(spec.columns)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {before} d "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE {match})"
        )
    cursor.execute(f"DROP TABLE {before}")
    return matched, changed


def _before(spec: TableSpec) -> str:
    return quote(f"{spec.name}_before")


def is_bulk(cursor, table: str, rows: int) -> bool:
    """Whether writing ``rows`` rows is worth setting the table's indexes aside."""
    if rows < BULK_ROWS:
        return False
    cursor.execute(f"SELECT count(*) FROM {table}")
    return rows >= BULK_SHARE * (cursor.fetchone()[0] + rows)


def outweighs(table: str, size: int) -> bool:
    """Whether ``size`` bytes of input are a large share of the table's (its heap's) bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [table])
        return size >= BULK_SHARE * cursor.fetchone()[0]


# Taken apart in this order and put back in the reverse: a primary key goes last, after
# the foreign keys of other tables that point at it.
_ASIDE_ORDER = ("index", "fk", "ref", "pk")


def set_aside_indexes(spec: TableSpec, *, key: bool = False) -> SetAside:
    """Drop a table's secondary indexes and foreign keys (with ``key``, for a table that
    is empty, its primary key too, and the foreign keys pointing at it) and pause its
    change record (``change_record.pause_recording``); returns how to put them back."""
    table = quote(spec.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'index', c.relname, pg_get_indexdef(x.indexrelid), '' FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %(t)s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
            "UNION ALL SELECT CASE WHEN contype = 'p' THEN 'pk' "
            "WHEN conrelid = %(t)s::regclass THEN 'fk' ELSE 'ref' END, "
            "conname, pg_get_constraintdef(oid), conrelid::regclass::text "
            "FROM pg_constraint WHERE (conrelid = %(t)s::regclass AND contype = 'f') "
            "OR (%(key)s AND conrelid = %(t)s::regclass AND contype = 'p') "
            "OR (%(key)s AND confrelid = %(t)s::regclass AND conrelid <> %(t)s::regclass "
            "AND contype = 'f')",
            {"t": table, "key": key},
        )
        set_aside = sorted(cursor.fetchall(), key=lambda item: _ASIDE_ORDER.index(item[0]))
        for kind, name, _definition, owner in set_aside:
            if kind == "index":
                cursor.execute(f"DROP INDEX {quote(name)}")
            else:
                cursor.execute(f"ALTER TABLE {owner} DROP CONSTRAINT {quote(name)}")
    paused = change_record.pause_recording(spec)
    return set_aside + [("trigger", name, "", "") for name in paused]


def use_seed_memory(cursor) -> None:
    """Let the run's big sorts and hashes use SEED_WORK_MEM (until its transaction ends):
    1M rows then sort or join in memory instead of in batches on disk. A hash gets no
    more than that either (hash_mem_multiplier 1), so a small server is not overcommitted."""
    memory = settings.SEED_WORK_MEM
    cursor.execute(
        "SELECT set_config('work_mem', %s, true), set_config('maintenance_work_mem', %s, true), "
        "set_config('hash_mem_multiplier', '1', true)",
        [memory, memory],
    )


def restore_indexes(cursor, spec: TableSpec, set_aside: SetAside) -> None:
    """Put back what ``set_aside_indexes`` took away: each index rebuilt in one sorted
    pass (in memory, and in parallel where the server allows), each foreign key checked in
    one query, the change record resumed."""
    use_seed_memory(cursor)
    for kind, name, definition, owner in reversed(set_aside):
        if kind == "index":
            cursor.execute(definition)
        elif kind != "trigger":
            cursor.execute(f"ALTER TABLE {owner} ADD CONSTRAINT {quote(name)} {definition}")
    change_record.resume_recording(spec, [item[1] for item in set_aside if item[0] == "trigger"])
