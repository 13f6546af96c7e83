"""Set-based steps of the PostgreSQL loader: merging staged rows, and bulk-load helpers.

Staged rows (a temporary table filled by COPY) are split in two temporary tables: rows the
table lacks (``fresh``) and, when overwriting, rows whose values differ (``changed``;
``IS DISTINCT FROM`` leaves identical rows alone). Both are applied with one statement
each. When they are a large part of the table, its secondary indexes and foreign keys are
set aside first and rebuilt once afterwards (PostgreSQL's "Populating a Database"): all
inside the run's transaction, so a failure restores them as they were. An overwrite from
whole files about the size of the table writes it anew instead (``begin_rewrite``).
"""

from __future__ import annotations

import bisect
import sys
from array import array
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext as _

from archive.core import change_record
from archive.core.collision import IDENTITY, created, identity_field, kept_over
from archive.core.tables import TableSpec
from archive.seed.errors import LoadError, RowError
from archive.seed.reader import HELD_AGAIN, CsvFile

BULK_ROWS = 50_000  # below this, indexes are maintained row by row
BULK_SHARE = 0.3  # … or when the rows written are less than this share of the table
KNOWN_KEYS_MAX = 5_000_000  # 8 bytes each: beyond this, let the database compare keys

# (index | fk | ref | pk | trigger, name, definition, the table it belongs to)
SetAside = list[tuple[str, str, str, str]]


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def columns_sql(names) -> str:
    return ", ".join(q(n) for n in names)


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


def merge(cursor, staging: Staging, *, overwrite: bool, set_aside: SetAside | None):
    """Apply staged rows; returns (inserted, updated, indexes set aside or None)."""
    spec, table, tmp = staging.spec, staging.table, staging.tmp
    keys = spec.key_columns
    match, rest = _match(spec), _values(spec)
    cursor.execute(f"ANALYZE {tmp}")
    changed = 0
    if overwrite:
        refuse_duplicates(cursor, tmp, keys, staging.files)
        changed = _materialize_changed(cursor, staging, match, rest)
    fresh = tmp
    new = staging.rows
    if not staging.only_new:
        fresh = q(f"{spec.name}_fresh")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {fresh} ON COMMIT DROP AS SELECT s.* FROM {tmp} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} d WHERE {match})"
        )
        new = cursor.rowcount
    if set_aside is None and _is_bulk(cursor, table, new + changed):
        set_aside = set_aside_indexes(spec)
    if changed:
        assignments = ", ".join(f"{q(c)} = s.{q(c)}" for c in rest)
        changed_tmp = q(f"{spec.name}_changed")
        cursor.execute(f"UPDATE {table} AS d SET {assignments} FROM {changed_tmp} s WHERE {match}")
    inserted = 0
    if new:
        values, params = [], []
        for field in spec.fields:
            if field.attname in staging.partial:
                values.append(f"COALESCE(s.{q(field.attname)}, %s)")
                params.append(field.get_db_prep_save(field.get_default(), connection))
            else:
                values.append(f"s.{q(field.attname)}")
        cursor.execute(
            f"INSERT INTO {table} ({columns_sql(spec.columns)}) "
            f"SELECT {', '.join(values)} FROM {fresh} s",
            params,
        )
        inserted = cursor.rowcount
    for name in {tmp, fresh, q(f"{spec.name}_changed")}:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return inserted, changed, set_aside


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
    before, key = _before(spec), q(spec.key_columns[0])
    match, rest = _match(spec), _values(spec)
    copied, held = f"s.{key} IS NOT NULL", f"d.{key} IS NOT NULL"
    old, new = (", ".join(f"{alias}.{q(c)}" for c in rest) for alias in "ds")
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
    return q(f"{spec.name}_before")


def _match(spec: TableSpec) -> str:
    """The join of a table's row ``d`` with a row ``s`` of the same key."""
    return " AND ".join(f"d.{q(k)} = s.{q(k)}" for k in spec.key_columns)


def _values(spec: TableSpec) -> list[str]:
    """The columns besides the key: what an overwrite compares and replaces."""
    return [c for c in spec.columns if c not in spec.key_columns]


def _materialize_changed(cursor, staging: Staging, match: str, rest: list[str]) -> int:
    """The staged rows whose values differ from the table's; a column a file lacked keeps
    the table's value."""
    if not rest:
        return 0
    spec = staging.spec

    def new(c: str) -> str:
        return f"COALESCE(s.{q(c)}, d.{q(c)})" if c in staging.partial else f"s.{q(c)}"

    keys = ", ".join(f"s.{q(k)}" for k in spec.key_columns)
    values = ", ".join(f"{new(c)} AS {q(c)}" for c in rest)
    old = ", ".join(f"d.{q(c)}" for c in rest)
    fresh = ", ".join(new(c) for c in rest)
    cursor.execute(
        f"CREATE TEMPORARY TABLE {q(spec.name + '_changed')} ON COMMIT DROP AS "
        f"SELECT {keys}, {values} FROM {staging.tmp} s JOIN {staging.table} d ON {match} "
        f"WHERE ROW({old}) IS DISTINCT FROM ROW({fresh})"
    )
    return cursor.rowcount


def _is_bulk(cursor, table: str, rows: int) -> bool:
    if rows < BULK_ROWS:
        return False
    cursor.execute(f"SELECT count(*) FROM {table}")
    return rows >= BULK_SHARE * (cursor.fetchone()[0] + rows)


def outweighs(table: str, size: int) -> bool:
    """Whether ``size`` bytes of input are a large share of the table's (its heap's) bytes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s::regclass)", [table])
        return size >= BULK_SHARE * cursor.fetchone()[0]


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


# Taken apart in this order and put back in the reverse: a primary key goes last, after
# the foreign keys of other tables that point at it.
_ASIDE_ORDER = ("index", "fk", "ref", "pk")


def set_aside_indexes(spec: TableSpec, *, key: bool = False) -> SetAside:
    """Drop a table's secondary indexes and foreign keys (with ``key``, for a table that
    is empty, its primary key too, and the foreign keys pointing at it) and pause its
    change record (``change_record.pause_recording``); returns how to put them back."""
    table = q(spec.model._meta.db_table)
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
                cursor.execute(f"DROP INDEX {q(name)}")
            else:
                cursor.execute(f"ALTER TABLE {owner} DROP CONSTRAINT {q(name)}")
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
            cursor.execute(f"ALTER TABLE {owner} ADD CONSTRAINT {q(name)} {definition}")
    change_record.resume_recording(spec, [item[1] for item in set_aside if item[0] == "trigger"])


def known_keys(table: str, spec: TableSpec, first: CsvFile) -> KnownKeys | None:
    """For a table keyed by one integer: the keys it holds, to skip while reading.

    The keys come sorted in one value, eight bytes each: a re-seed then skips the rows
    the table already holds while reading, instead of shipping them to PostgreSQL. Where
    a sequence hands out keys, a row kept must be the archived row (``KnownKeys.check``):
    each key's creation moment comes along as the text the files hold for it (``first``'s
    header says which: ours, in UTC, or the original's local time), kept as its hash.
    """
    if len(spec.key_columns) != 1:
        return None
    field = spec.model._meta.get_field(spec.key_columns[0])
    target = field.target_field if field.is_relation else field
    if not isinstance(target, models.IntegerField | models.AutoField):
        return None
    key = q(spec.key_columns[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        if cursor.fetchone()[0] > KNOWN_KEYS_MAX:
            return None
    identity = identity_field(spec)
    moment, params = "NULL", []
    if identity is not None:
        column = q(identity.column)
        if IDENTITY in first.headers:  # as the archive writes it (codec.encode, pg_export)
            moment = f"({column} AT TIME ZONE 'UTC')::text || '+00:00'"
        else:  # the original's TIMESTAMP, local time
            moment, params = f"({column} AT TIME ZONE %s)::text", [settings.TIME_ZONE]
    # Every key as 8 big-endian bytes, in order, in slices of 2**13 keys streamed one by
    # one (no row-by-row transfer, no 8 MB value at once); a plain psycopg cursor returns
    # them in binary, not as hex text. The moments come as lines of text in the same order.
    query = (
        f"SELECT string_agg(int8send(k), ''::bytea ORDER BY k), "
        f"string_agg(m, E'\\n' ORDER BY k) FROM "
        f"(SELECT {key}::bigint AS k, COALESCE({moment}, '')::text AS m FROM {table}) s "
        "GROUP BY k >> 13 ORDER BY k >> 13"
    )
    keys, moments = array("q"), array("q") if identity is not None else None
    with psycopg.Cursor(connection.connection) as raw:
        for packed, texts in raw.stream(query, params, binary=True):
            keys.frombytes(packed)
            if moments is not None:
                moments.extend(map(hash, texts.split("\n")))
    if sys.byteorder == "little":
        keys.byteswap()
    return KnownKeys(spec, table, keys, identity, moments)


SLOW_BATCH = 2_000  # creation cells not in the expected form, compared in one query


class KnownKeys:
    """Whether the table holds a key cell's value; called for each row read."""

    def __init__(
        self,
        spec: TableSpec,
        table: str,
        keys: array,
        identity: models.Field | None,
        moments: array | None,
    ) -> None:
        self.spec, self._table, self._keys, self._size = spec, table, keys, len(keys)
        self._asked = bytearray(self._size)  # a key held and met before in the files: twice
        self._identity, self._moments = identity, moments
        self._at = 0  # where the last key found held is
        self._slow: list[tuple[int, str, str]] = []  # (line, key, creation cell)

    def __call__(self, cell: str) -> bool | int:
        try:
            value = int(cell)
        except ValueError:
            return False  # not a key: the row is read, and its error reported
        keys = self._keys
        at = bisect.bisect_left(keys, value)
        if at < self._size and keys[at] == value:
            self._at = at
            if self._asked[at]:
                return HELD_AGAIN
            self._asked[at] = 1
            return True
        return False

    @property
    def checks(self) -> bool:
        """Whether ``check`` is to be asked of each row kept."""
        return self._moments is not None

    def check(self, line: int, key: str, cell: str) -> list[tuple[int, str, str]]:
        """For the key just found held, given the file's creation cell: problems found,
        as (line, cell, reason) (collision.kept_over). The text the database's row would be
        archived as, the same row's text: one hash compared, nothing found. Any other form
        is held back for ``flush`` (no query may run during the COPY reading the file)."""
        if hash(cell) != self._moments[self._at]:
            self._slow.append((line, key, cell))
        return _NONE

    def flush(self) -> list[tuple[int, str, str]]:
        """Compare the rows held back by ``check``, at the precision each moment keeps.

        Asked once the file's COPY has ended, never while it runs: psycopg holds the
        connection for the whole COPY, so a query from inside it would wait for ever."""
        slow, self._slow = self._slow, []
        field, (name,) = self._identity, self.spec.key_columns
        problems = []
        for start in range(0, len(slow), SLOW_BATCH):
            batch = slow[start : start + SLOW_BATCH]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {q(name)}, {q(field.column)} FROM {self._table} "
                    f"WHERE {q(name)} = ANY(%s)",
                    [[int(key) for _line, key, _cell in batch]],
                )
                ours = dict(cursor.fetchall())
            for line, key, cell in batch:
                reason = kept_over(self.spec, key, ours.get(int(key)), created(field, cell))
                if reason is not None:
                    problems.append((line, cell, reason))
        return problems


_NONE: list = []  # never appended to
