"""The no-loss merge of one archive file, streamed by key.

The database's rows for the file (already written, in key order) and the archived copy
(in key order) are walked side by side. Every row the database has wins. Archived rows it
lacks are handed, a chunk at a time, to a ``Fate`` that says which stay (fate.py); those
are written to a side file, which is then merged with the database's rows by key. Memory
holds one chunk, never a file.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.db import models
from django.utils.translation import gettext as _

from archive.core.calendar import Month
from archive.core.codec import encode
from archive.core.collision import IDENTITY
from archive.core.csvfile import CsvOut, Written, read_csv
from archive.core.escape import text_key_reader
from archive.core.tables import TableSpec
from meetassist.exceptions import DomainError

CHUNK = 2000
SortKey = tuple[int | str, ...]


class Fate(Protocol):
    def survivors(self, rows: list[list[str]]) -> list[list[str]]:
        """Of these archived rows the database lacks, the ones the archive keeps."""

    def check_same(self, pairs: list[tuple[list[str], list[str]]]) -> None:
        """Raise ``KeyCollision`` unless each (database row, archived row) under one key is
        one row: the database's wins only then (collision.py)."""


def key_reader(field: models.Field) -> Callable[[str], int | str]:
    """How ``key_value`` reads this field's cells, decided once (for a loop over rows)."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.IntegerField | models.AutoField):
        return int
    return text_key_reader(field)


def key_value(field: models.Field, cell: str) -> int | str:
    """A key cell as the database compares it: numbers as numbers, text by code point."""
    return key_reader(field)(cell)


def sort_key(spec: TableSpec) -> Callable[[list[str]], SortKey]:
    """A row's key as the database orders it (numbers as numbers, text by code point)."""
    parts = [(spec.model._meta.get_field(n), spec.columns.index(n)) for n in spec.key_columns]
    return lambda row: tuple(key_value(field, row[index]) for field, index in parts)


def key_cells(spec: TableSpec, row: Sequence[str]) -> tuple[str, ...]:
    """A row's canonical key cells (how the change record names a deleted row)."""
    return tuple(row[spec.columns.index(name)] for name in spec.key_columns)


def _aligned(spec: TableSpec, header: list[str], where: str) -> Callable[[list[str]], list[str]]:
    """Rows of an archived file in the table's column order (files may predate a column)."""
    if header == spec.columns:
        return lambda row: row
    sources: list[int | str] = []
    for field in spec.fields:
        matches = [i for i, h in enumerate(header) if spec.field_for_header(h) is field]
        if matches:
            sources.append(matches[0])
        elif field.attname == IDENTITY:
            sources.append("")  # created at an unknown moment: never a made-up one
        elif field.has_default() or field.null:
            sources.append(encode(field, field.get_default()))
        else:
            raise DomainError(
                _("%(file)s has no column %(column)s.") % {"file": where, "column": field.attname}
            )
    return lambda row: [row[s] if isinstance(s, int) else s for s in sources]


def _archived_rows(spec: TableSpec, path: Path, where: str) -> Iterator[list[str]]:
    """The archived file's rows, checked to be in strictly increasing key order."""
    key = sort_key(spec)
    with read_csv(path) as (header, rows):
        align = _aligned(spec, header, where)
        previous: SortKey | None = None
        for line, raw in enumerate(rows, start=2):
            row = align(raw)
            current = key(row)
            if previous is not None and current <= previous:
                raise DomainError(
                    _(
                        "%(file)s, line %(line)d: rows are not in key order, so it cannot be "
                        "merged safely; restore the file or re-run with --take-over after "
                        "checking it."
                    )
                    % {"file": where, "line": line}
                )
            previous = current
            yield row


def drops_rows(spec: TableSpec, new: Path, archived: Path) -> bool:
    """Whether a file leaves out a row of the archived copy (by key cells: both are written
    by the archive, one canonical text a key; a set, not the ordered merge, for speed)."""
    with read_csv(new) as (header, rows):
        at = _key_columns(spec, header)
        ours = {tuple(row[i] for i in at) for row in rows}
    with read_csv(archived) as (header, rows):
        at = _key_columns(spec, header)
        return any(tuple(row[i] for i in at) not in ours for row in rows)


def _key_columns(spec: TableSpec, header: list[str]) -> list[int]:
    wanted = [spec.model._meta.get_field(name) for name in spec.key_columns]
    found = {spec.field_for_header(name): i for i, name in enumerate(header)}
    return [found[field] for field in wanted]


@dataclass
class MergeNotes:
    """What a merge found beside the new file: archived rows it dropped (deleted, moved
    out), and whether it takes in a key at or under ``floor`` (the archive's highest key
    before the run) that the archived copy lacks: a row moved in, or created here under an
    archived row's key (exporter.table_archive orders the uploads by these)."""

    floor: int | None = None
    dropped: int = 0
    receives: bool = False
    # Archived rows that left the file for another month's, by that month (fate.moving).
    moving: dict[Month, list[list[str]]] = dataclasses.field(default_factory=dict)

    def kept(self, rows: list[list[str]], survivors: list[list[str]]) -> list[list[str]]:
        self.dropped += len(rows) - len(survivors)
        return survivors

    def heard(self, key: SortKey) -> bool:
        """The database's keys the archived copy lacks, in order: the first is the least,
        so it alone tells; returns whether to go on listening."""
        self.receives = key <= (self.floor,)
        return False


def merge(
    spec: TableSpec,
    database: Written,
    archived: Path,
    where: str,
    fate: Fate,
    tmp: Path,
    notes: MergeNotes | None = None,
) -> Written:
    """The database's file merged with the archived rows ``fate`` keeps, as a new file.

    ``notes``, when given, learns how many archived rows the new file drops and whether
    a row the archived copy lacks has a key at or under ``notes.floor``."""
    key = sort_key(spec)
    notes = notes or MergeNotes()
    listening = notes.floor is not None
    kept = CsvOut(tmp, spec.columns)
    try:
        with read_csv(database.path) as (_header, ours):
            keyed = ((key(row), row) for row in ours)
            current, current_row = next(keyed, (None, None))
            pending: list[list[str]] = []
            same: list[tuple[list[str], list[str]]] = []
            for row in _archived_rows(spec, archived, where):
                row_key = key(row)
                while current is not None and current < row_key:
                    listening = listening and notes.heard(current)
                    current, current_row = next(keyed, (None, None))
                if current == row_key:
                    same.append((current_row, row))
                    if len(same) >= CHUNK:
                        fate.check_same(same)
                        same = []
                    continue
                pending.append(row)
                if len(pending) >= CHUNK:
                    _keep(kept, notes.kept(pending, fate.survivors(pending)))
                    pending = []
            _keep(kept, notes.kept(pending, fate.survivors(pending)) if pending else [])
            fate.check_same(same)
            while listening and current is not None:
                listening = notes.heard(current)
                current, current_row = next(keyed, (None, None))
    except BaseException:
        kept.abandon()
        raise
    side = kept.close()
    out = CsvOut(tmp, spec.columns)
    try:
        with read_csv(database.path) as (_h1, ours), read_csv(side.path) as (_h2, theirs):
            for row in heapq.merge(ours, theirs, key=key):
                out.write_row(row)
    except BaseException:
        out.abandon()
        raise
    finally:
        side.discard()
    return out.close()


def _keep(out: CsvOut, rows: list[list[str]]) -> None:
    for row in rows:
        out.write_row(row)


def taken_in(spec: TableSpec, written: Written, rows: list[list[str]], tmp: Path) -> Written:
    """The file with archived rows that moved into its month from another file (a follower
    whose parent the database moved), in key order; a key the file holds keeps its row."""
    key = sort_key(spec)
    out = CsvOut(tmp, spec.columns)
    try:
        with read_csv(written.path) as (_header, ours):
            last = None
            for row in heapq.merge(ours, sorted(rows, key=key), key=key):
                if key(row) != last:
                    out.write_row(row)
                    last = key(row)
    except BaseException:
        out.abandon()
        raise
    finally:
        written.discard()
    return out.close()
