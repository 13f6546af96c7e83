"""The plain in-memory model behind test_archive_promise.py: what the archive may hold.

A row is *which* row it is (``ident``, a number given when some database created it) and
its cells as the archive writes them. For every key the model keeps the set of states the
archive may be in: a row, or ``None`` where it may lack the key (a row this database
deleted, a run that died half-way). After each archive run the archive is read (the files
its manifest lists), checked against that set, and the model narrowed to what was seen.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from storages.backends.s3 import S3Storage

from archive.core.codec import encode
from archive.core.tables import table, tables
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.objects import FolderObjects, objects

from .conftest import read_object, s3_errors

Key = tuple[str, ...]
Cells = tuple[str, ...]
KEEP, MAY_GO, MUST_GO = "keep", "may go", "must go"


@dataclass(frozen=True)
class Row:
    ident: int
    cells: Cells


Possible = frozenset  # of Row | None
Fate = Callable[[Key, Row], str]  # KEEP, MAY_GO or MUST_GO for an archived row the database lacks


def key_of(name: str, cells: Cells) -> Key:
    spec = table(name)
    return tuple(cells[spec.columns.index(column)] for column in spec.key_columns)


def cell(name: str, cells: Cells, column: str) -> str:
    return cells[table(name).columns.index(column)]


def database_rows() -> dict[str, dict[Key, Cells]]:
    """Every archived table's rows as the archive would write them, by key."""
    found = {}
    for spec in tables():
        rows = spec.model._default_manager.order_by(*spec.key_columns).values_list(*spec.columns)
        encoded = (tuple(encode(f, v) for f, v in zip(spec.fields, r, strict=True)) for r in rows)
        found[spec.name] = {key_of(spec.name, cells): cells for cells in encoded}
    return found


@dataclass
class Observed:
    """The archive as a seed would read it: the rows of the files the manifest lists."""

    rows: dict[str, dict[Key, Cells]] = field(default_factory=dict)
    where: dict[str, dict[Key, str]] = field(default_factory=dict)  # the file of each row
    problems: list[str] = field(default_factory=list)
    # A key in two files: wrong after a run that succeeded for its table; after one that
    # failed, a row that moved month may be in both (its old file waits for its new one).
    twice: dict[str, list[str]] = field(default_factory=dict)


def observe(manifest: dict) -> Observed:
    seen = Observed()
    for name, entry in manifest["tables"].items():
        spec = table(name)
        rows, where = seen.rows.setdefault(name, {}), seen.where.setdefault(name, {})
        for file_key in entry["files"]:
            try:
                text = read_object(file_key).decode("utf-8-sig")
            except FileNotFoundError:
                seen.problems.append(f"{file_key} is listed in the manifest but missing")
                continue
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None)
            if header != spec.columns:
                seen.problems.append(f"{file_key} has header {header}, not {spec.columns}")
                continue
            for cells in map(tuple, reader):
                key = key_of(name, cells)
                if key in rows:
                    seen.twice.setdefault(name, []).append(
                        f"{name} {key} is twice: {where[key]} and {file_key}"
                    )
                rows[key], where[key] = cells, file_key
    return seen


def settle(
    old: dict[Key, Possible], held: dict[Key, int], db: dict[Key, Cells], fate: Fate
) -> tuple[dict[Key, Possible], list[Key], list[Key]]:
    """What one table's archive may hold after a run that succeeded for it.

    Also returns the *collisions*: keys where this database holds a row it created under
    the key of an archived row it never held, which must stay (so the table must fail
    rather than replace it); and the *contested* keys, where the archived row under this
    database's key is one it deleted (replacing it is right, refusing is allowed).
    """
    new: dict[Key, Possible] = {}
    collisions, contested = [], []
    for key in old.keys() | held.keys():
        before = old.get(key, frozenset({None}))
        if key in held:
            mine = Row(held[key], db[key])
            others = [r for r in before if r is not None and r.ident != mine.ident]
            if any(fate(key, r) == KEEP for r in others):
                collisions.append(key)
                new[key] = before
            else:
                contested += [key] if others else []
                new[key] = frozenset({mine})
            continue
        options: set[Row | None] = set()
        for row in before:
            verdict = KEEP if row is None else fate(key, row)
            if verdict != MUST_GO:
                options.add(row)
            if verdict != KEEP:
                options.add(None)
        new[key] = frozenset(options)
    kept = {k: v for k, v in new.items() if v != {None}}
    return kept, sorted(collisions), sorted(contested)


def either(a: dict[Key, Possible], b: dict[Key, Possible]) -> dict[Key, Possible]:
    """The archive after a run that may have done part of its work: as before, or as after."""
    absent = frozenset({None})
    return {k: a.get(k, absent) | b.get(k, absent) for k in a.keys() | b.keys()}


def mismatches(name: str, possible: dict[Key, Possible], seen: dict[Key, Cells]) -> list[str]:
    """Where the archive holds something the model does not allow, in words."""
    problems = []
    for key in sorted(possible.keys() | seen.keys()):
        options = possible.get(key, frozenset({None}))
        state = seen.get(key)
        allowed = {r.cells for r in options if r is not None}
        if state is None and None in options or state in allowed:
            continue
        if state is None:
            problems.append(f"{name} {key}: LOST, the archive must hold one of {sorted(allowed)}")
        elif not allowed:
            problems.append(f"{name} {key}: the archive holds {state}, which it must not hold")
        else:
            problems.append(
                f"{name} {key}: the archive holds {state}, expected one of {sorted(allowed)}"
                + (" or nothing" if None in options else "")
            )
    return problems


def narrowed(possible: dict[Key, Possible], seen: dict[Key, Cells]) -> dict[Key, Possible]:
    """The model after it was checked against what the archive holds: exactly that."""
    out = {}
    for key, cells in seen.items():
        rows = sorted((r for r in possible.get(key, ()) if r and r.cells == cells), key=_age)
        out[key] = frozenset(rows[:1])
    return out


def _age(row: Row) -> int:
    return row.ident


def fingerprint() -> dict[str, tuple]:
    """Every stored object with its size and ETag: equal fingerprints, unchanged storage."""
    store = objects(archive_storage())
    found = dict(store.listing("data/"))
    found.update({k: v for k, v in store.listing("metadata/").items() if k == MANIFEST_KEY})
    return found


class StorageDied(OSError):
    pass


@contextmanager
def storage_dying_after(calls: int) -> Iterator[list[str]]:
    """The archive storage answers ``calls`` requests, then fails every one.

    S3: a 403 answered at the HTTP boundary (botocore's ``before-send``, on every thread
    sharing the storage's client); a folder: its object operations raise. Yields what
    failed.
    """
    storage = archive_storage()
    failed: list[str] = []
    count = [0]
    lock = threading.Lock()

    def spend(what: str) -> bool:
        with lock:
            count[0] += 1
            if count[0] > calls:
                failed.append(what)
                return True
            return False

    if isinstance(storage, S3Storage):
        with s3_errors(lambda request: spend(f"{request.method} {request.url}")):
            yield failed
        return

    def dying(method):
        def call(self, *args, **kwargs):
            if spend(f"{method.__name__} {args[:1]}"):
                raise StorageDied(f"the archive folder died before {method.__name__}")
            return method(self, *args, **kwargs)

        return call

    names = ("listing", "stat", "etag", "put", "get", "delete")
    patches = [mock.patch.object(FolderObjects, n, dying(getattr(FolderObjects, n))) for n in names]
    for patch in patches:
        patch.start()
    try:
        yield failed
    finally:
        for patch in patches:
            patch.stop()
