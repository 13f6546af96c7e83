"""Keys a PostgreSQL table holds, fetched before reading so its rows are skipped unshipped.

For a table keyed by one integer, a re-seed that keeps existing rows skips them while
reading (reader.skip_known) instead of shipping them to PostgreSQL; where a sequence hands
out keys, each row kept is checked to be the archived row (held_keys.KeptCheck).
"""

from __future__ import annotations

import bisect
import sys
from array import array

import psycopg
from django.conf import settings
from django.db import connection, models

from archive.core.collision import IDENTITY, created, identity_field, kept_over
from archive.core.sql import quote
from archive.core.tables import TableSpec
from archive.seed.held_keys import HELD_AGAIN
from archive.seed.reader import CsvFile

KNOWN_KEYS_MAX = 5_000_000  # 8 bytes each: beyond this, let the database compare keys


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
    key = quote(spec.key_columns[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        if cursor.fetchone()[0] > KNOWN_KEYS_MAX:
            return None
    identity = identity_field(spec)
    moment, params = "NULL", []
    if identity is not None:
        column = quote(identity.column)
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

    def take_run(self, keys: list[str], moments: list[str] | None) -> bool:
        """Whether ``keys`` are the next keys the table holds, in its order, none met
        before, each with the creation cell expected (``moments``, when it checks): then
        all are taken as held, as ``__call__`` and ``check`` would one by one, by
        comparing slices of the arrays (a block of a file written in key order)."""
        try:
            values = array("q", map(int, keys))
        except (ValueError, OverflowError):
            return False
        size = len(values)
        if not size:
            return False
        at = bisect.bisect_left(self._keys, values[0])
        end = at + size
        if end > self._size or self._keys[at:end] != values or self._asked.find(1, at, end) >= 0:
            return False
        if self._moments is not None and (
            moments is None or self._moments[at:end] != array("q", map(hash, moments))
        ):
            return False
        self._asked[at:end] = bytes([1]) * size
        self._at = end - 1
        return True

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
                    f"SELECT {quote(name)}, {quote(field.column)} FROM {self._table} "
                    f"WHERE {quote(name)} = ANY(%s)",
                    [[int(key) for _line, key, _cell in batch]],
                )
                ours = dict(cursor.fetchall())
            for line, key, cell in batch:
                reason = kept_over(self.spec, key, ours.get(int(key)), created(field, cell))
                if reason is not None:
                    problems.append((line, cell, reason))
        return problems


_NONE: list = []  # never appended to
