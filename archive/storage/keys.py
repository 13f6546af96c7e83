"""The archive's keys (docs/architecture.md, "Keys"): the highest per table, and sequences past it.

A database seeded with a window holds a slice of the history; the keys of the rest are still
taken. Its sequences must therefore start past the highest key the archive has ever held for
the table (the manifest's ``max_key``), or the next row created here would take the key of
an archived row and, archived, replace it.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from django.db import connection, models
from django.db.models import Max

from archive.core.tables import TableSpec, tables
from archive.storage.backends import archive_storage
from archive.storage.layout import reference_key
from archive.storage.objects import Listed, Objects, objects

TAIL_BYTES = 64 << 10  # the last rows of a file: one ranged GET
_TAIL_STARTS = 64  # line starts tried in a tail before the whole file is read instead


def integer_key(spec: TableSpec) -> models.Field | None:
    """The table's key field when it is a single integer column, else None."""
    if len(spec.key_columns) != 1:
        return None
    field = spec.model._meta.get_field(spec.key_columns[0])
    target = field.target_field if field.is_relation else field
    return field if isinstance(target, models.IntegerField | models.AutoField) else None


def table_max_key(spec: TableSpec, archived: int | None) -> int | None:
    """The highest key the archive holds for the table once this database's rows are in it
    (``archived``: the highest it held before, ``archive_key_floors``)."""
    field = integer_key(spec)
    if field is None:
        return None
    held = spec.model._default_manager.aggregate(top=Max(field.attname))["top"]
    return _highest([archived, held])


def archived_max_key(spec: TableSpec, entry: dict | None, objects: Objects) -> int | None:
    """The manifest's ``max_key`` for the table; for an archive written before it was
    recorded (or where a run recorded none though files hold rows), the last row of each
    file (rows are in key order), one ranged GET a file."""
    if not entry or integer_key(spec) is None:
        return None
    top = entry.get("max_key")
    # None with rows recorded: written by a run that had no manifest to read it from.
    if top is not None or ("max_key" in entry and not entry.get("records")):
        return top
    return _highest(_last_key_or_none(spec, objects, key) for key in entry.get("files") or {})


def archive_key_floors(
    manifest: dict | None, objects: Objects, stored: dict[str, Listed] | None = None
) -> dict[str, int]:
    """Per table, the highest key the archive holds (tables with integer keys).

    The manifest's ``max_key``, and the last key of every file it does not describe as
    stored (``stored``: the listing of ``data/``, listed here if not given): with no
    manifest, or one that cannot be read (a take-over), or an older one put back after a
    run that died had written files, a run must never record, nor a sequence start from,
    a key lower than the files hold.
    """
    entries = (manifest or {}).get("tables") or {}
    floors = {}
    for spec in tables():
        if integer_key(spec) is None:
            continue
        stored = objects.listing("data/") if stored is None else stored
        entry = entries.get(spec.name) or {}
        recorded = entry.get("files") or {}
        unknown = [k for k in _files_of(spec, stored) if _undescribed(recorded.get(k), stored[k])]
        top = archived_max_key(spec, entry, objects) if entry else None
        top = _highest([top, *(_last_key_or_none(spec, objects, k) for k in unknown)])
        if top is not None:
            floors[spec.name] = top
    return floors


def _undescribed(record: dict | None, listed: Listed) -> bool:
    """Whether the manifest's record of a file does not describe the stored object."""
    if not record:
        return True
    if record.get("bytes") is not None and record["bytes"] != listed.size:
        return True
    if record.get("etag") and listed.etag and record["etag"] != listed.etag:
        return True  # rewritten since (in a folder, the same bytes again: one read more)
    return bool(listed.md5 and record.get("checksum") and listed.md5 != record["checksum"])


def _last_key_or_none(spec: TableSpec, objects: Objects, key: str) -> int | None:
    try:
        return _last_key(spec, objects, key)
    except FileNotFoundError:
        return None  # gone with its rows: nothing of it is held any more


def _files_of(spec: TableSpec, stored: dict[str, Listed]) -> list[str]:
    if spec.windowed:
        prefix = f"data/{spec.name}/"
        return [k for k in stored if k.startswith(prefix) and k.endswith(".csv")]
    return [k for k in stored if k == reference_key(spec.name)]


def sequences_past_archive(manifest: dict | None) -> None:
    """After a seed, an upload or at a run's start: every sequence past the archive's keys."""
    sequences_past(archive_key_floors(manifest, objects(archive_storage())))


def sequences_past(floors: dict[str, int]) -> None:
    """Move each table's auto-increment sequence past ``floors`` (never back)."""
    for spec in tables():
        pk = spec.model._meta.pk
        if spec.name not in floors or not isinstance(pk, models.AutoField):
            continue
        if pk.attname not in spec.columns:
            continue  # a surrogate id the archive does not hold
        if connection.vendor == "postgresql":
            _pg_sequence_past(spec.model._meta.db_table, pk.column, floors[spec.name])
        elif connection.vendor == "sqlite":
            _sqlite_sequence_past(spec.model._meta.db_table, floors[spec.name])


def _pg_sequence_past(table: str, column: str, floor: int) -> None:
    if floor < 1:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        (sequence,) = cursor.fetchone()
        if sequence is None:
            return
        # The sequence's own position counts too: keys handed out here are never reused.
        cursor.execute(
            "SELECT setval(%s, GREATEST(%s, COALESCE(pg_sequence_last_value(%s::regclass), 0)))",
            [sequence, floor, sequence],
        )


def _sqlite_sequence_past(table: str, floor: int) -> None:
    """SQLite's AUTOINCREMENT hands out max(seq, highest rowid) + 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [floor, table]
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, floor]
            )


def _highest(values: Iterable[int | None]) -> int | None:
    return max((v for v in values if v is not None), default=None)


def _last_key(spec: TableSpec, objects: Objects, key: str) -> int | None:
    data, whole = objects.tail(key, TAIL_BYTES)
    if whole:
        return _key_of_last_row(io.StringIO(data.decode("utf-8-sig"), newline=""), spec)
    text = data.decode("utf-8", errors="replace")
    at, width = spec.columns.index(spec.key_columns[0]), len(spec.columns)
    starts, at_line = [], text.find("\n")
    while at_line != -1 and len(starts) < _TAIL_STARTS:  # str.find: C speed, not per char
        starts.append(at_line + 1)
        at_line = text.find("\n", at_line + 1)
    for start in starts:
        try:
            return _last_of_whole_rows(text[start:], at, width)
        except ValueError:
            continue  # began inside a quoted cell, or the file has other columns
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        objects.get(key, path)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return _key_of_last_row(handle, spec)


def _last_of_whole_rows(text: str, at: int, width: int) -> int | None:
    """The key of the last of these rows; ValueError unless every one is a whole row."""
    last = None
    try:
        for row in csv.reader(io.StringIO(text, newline=""), strict=True):
            if len(row) != width:
                raise ValueError(row)
            last = int(row[at])
    except csv.Error as err:
        raise ValueError(str(err)) from err
    return last


def _key_of_last_row(handle: TextIO, spec: TableSpec) -> int | None:
    """The highest key of a whole file, its key column found by its header."""
    rows = csv.reader(handle, strict=True)
    header = next(rows, [])
    wanted = spec.model._meta.get_field(spec.key_columns[0])
    at = next(i for i, name in enumerate(header) if spec.field_for_header(name) is wanted)
    return _highest(int(row[at]) for row in rows if len(row) > at and row[at])
