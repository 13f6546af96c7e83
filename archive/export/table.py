"""Archiving one table: which files to write, writing them, and settling each in storage.

A file is written when the change record names its month, when storage drifted from the
manifest (object missing, resized, or not listed), or always when the record cannot be
trusted (SQLite, first run, ``--force``, ``--take-over``, another writer since our last
run). A file the database does not fully own is merged with its archived copy first
(merge.py). Uploads run on a background thread while the next file is exported; a file is
not uploaded when the stored object already carries its MD5 and size (one HEAD).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from archive.core import change_record
from archive.core.calendar import Month, month_label
from archive.core.collision import identity_field
from archive.core.csvfile import CsvOut, Written, file_md5, read_csv
from archive.core.status import FileStatus, TableStatus
from archive.core.tables import TableSpec
from archive.export.context import FileOutcome, RunContext, TableOutcome
from archive.export.drift import drifted, stored_md5
from archive.export.history_merge import (
    MergeNotes,
    drops_rows,
    key_cells,
    key_value,
    merge,
    sort_key,
    taken_in,
)
from archive.export.ownership import Ownership, ownership
from archive.export.retention import RowFate
from archive.export.sources import database_months
from archive.storage.keys import table_max_key
from archive.storage.layout import belongs, month_key, month_of, reference_key
from archive.storage.objects import Listed
from meetassist.exceptions import DomainError


def _targets(
    spec: TableSpec, ctx: RunContext, files: dict, stored: dict, changed_behind: set[str]
) -> list[tuple[str, Month | None]]:
    changed = ctx.changes.get(spec.name, set())
    whole = spec.name not in ctx.trusted or None in changed
    if not spec.windowed:
        key = reference_key(spec.name)
        return [(key, None)] if whole or changed or changed_behind else []
    if whole:
        months = database_months(spec) | {month_of(k) for k in files.keys() | stored.keys()}
    else:
        months = set(changed) | {month_of(k) for k in changed_behind}
    return [(month_key(spec.name, month_label(m)), m) for m in sorted(months)]


def _produce(
    spec: TableSpec,
    month: Month | None,
    key: str,
    ctx: RunContext,
    owned: Ownership,
    stored: dict[str, Listed],
    expected: dict | None,
    recorded: dict | None = None,
) -> tuple[Written, MergeNotes]:
    """The file's new content: the database's rows, merged with the archived copy unless
    this database owns every row of it. ``expected`` is the manifest's entry for an object
    that changed behind the archive's back (None otherwise). Also what the merge noted:
    rows dropped or moving out, and whether the file takes in a key the archive held in
    another file."""
    out = CsvOut(ctx.tmp, spec.columns)
    try:
        ctx.source.write(spec, month, out)
    except BaseException:
        out.abandon()
        raise
    written = out.close()
    # A table this database holds in full (loaded it all, or wrote its first copy) has no
    # archived row it did not have: only elsewhere can a key arrive from another file.
    collides = identity_field(spec) is not None and not owned.full
    floor = ctx.floors.get(spec.name) if collides else None
    owns = owned.full or (month is not None and owned.owns_month(month))
    if owns or key not in stored:
        receives = floor is not None and _first_key(spec, written) <= (floor,)
        dropped = key in stored and _drops(spec, key, written, ctx, stored[key], recorded)
        return written, MergeNotes(floor, dropped=int(dropped), receives=receives)
    try:
        with _stored_copy(ctx, key) as archived:
            if expected is not None and ctx.objects.our_md5(key) != file_md5(archived):
                # Not a file of ours (a run that died before its manifest leaves those).
                _refuse_lost_rows(key, archived, expected)
            fate = RowFate(
                spec,
                month,
                owned,
                recorded=spec.name in ctx.recorded,
                archived_parents=ctx.archived_parents,
                where=key,
            )
            notes = MergeNotes(floor=floor)
            merged = merge(spec, written, archived, key, fate, ctx.tmp, notes)
            notes.moving = fate.moving
            return merged, notes
    finally:
        written.discard()


def _drops(
    spec: TableSpec, key: str, written: Written, ctx: RunContext, listed: Listed, recorded
) -> bool:
    """Whether a file this database owns leaves out a row of its stored copy (deleted, or
    moved to another month, maybe while another row came in): asked only of a file that
    differs from the stored copy, with one GET of it."""
    if not spec.windowed or not _may_lose_rows(spec, month_of(key), ctx):
        return False
    if stored_md5(ctx.objects, key, listed, recorded) == written.md5:
        return False
    with _stored_copy(ctx, key) as archived:
        return drops_rows(spec, written.path, archived)


@contextmanager
def _stored_copy(ctx: RunContext, key: str) -> Iterator[Path]:
    """The stored object, downloaded to a temporary file for as long as it is read."""
    handle, name = tempfile.mkstemp(dir=ctx.tmp, suffix=".archived.csv")
    os.close(handle)
    archived = Path(name)
    try:
        ctx.objects.get(key, archived)
        yield archived
    finally:
        archived.unlink(missing_ok=True)


def _may_lose_rows(spec: TableSpec, month: Month, ctx: RunContext) -> bool:
    """On a run that trusts the change record, only a move (two months named) or a
    deletion takes a row out of a month; otherwise any month may have lost one."""
    if spec.name not in ctx.trusted:
        return True
    months = ctx.changes.get(spec.name, set())
    return len(months) > 1 or None in months or change_record.deleted_in(spec, month)


def _first_key(spec: TableSpec, written: Written) -> tuple:
    """The smallest key in a file of the database's rows (they are in key order)."""
    with read_csv(written.path) as (_header, rows):
        first = next(rows, None)
    return sort_key(spec)(first) if first is not None else (float("inf"),)


def _refuse_lost_rows(key: str, archived: Path, expected: dict) -> None:
    """An object changed behind the archive's back holds fewer rows than the manifest says:
    merging it would make the loss permanent, so the table fails until it is restored."""
    with read_csv(archived) as (_header, rows):
        found = sum(1 for _row in rows)
    if found < expected.get("records", 0):
        raise DomainError(
            _(
                "%(key)s changed behind the archive's back: the manifest records %(expected)d "
                "rows (MD5 %(md5)s), the object now holds %(found)d. Its rows are not merged "
                "away: restore the object (the bucket keeps earlier versions), or accept it "
                "as it is with manage.py verify_archive --rebuild-manifest."
            )
            % {
                "key": key,
                "expected": expected.get("records", 0),
                "md5": expected.get("checksum"),
                "found": found,
            }
        )


def _settle(
    spec: TableSpec,
    key: str,
    written: Written,
    stored: Listed | None,
    recorded: dict | None,
    ctx: RunContext,
) -> FileOutcome:
    """Put the file in storage unless it is already there; never raises."""
    try:
        if written.records == 0 and spec.windowed:
            if stored is None:
                return FileOutcome(key, FileStatus.ABSENT)
            ctx.objects.delete(key)
            return FileOutcome(key, FileStatus.DELETED)
        if (
            not ctx.force
            and stored is not None
            and stored.size == written.size
            and stored_md5(ctx.objects, key, stored, recorded) == written.md5
        ):
            return FileOutcome(key, FileStatus.UNCHANGED, written, etag=stored.etag)
        etag = ctx.objects.put(key, written.path, written.md5)
        return FileOutcome(key, FileStatus.UPLOADED, written, etag=etag)
    except Exception as err:
        return FileOutcome(key, FileStatus.FAILED, written, error=f"{type(err).__name__}: {err}")
    finally:
        written.discard()


def table_archive(spec: TableSpec, ctx: RunContext, previous: dict | None) -> TableOutcome:
    """Archive one table; a failure is recorded in the outcome, never raised."""
    started = time.monotonic()
    before = (previous or {}).get("files") or {}
    files = {key: dict(info) for key, info in before.items()}
    stored = {k: v for k, v in ctx.stored.items() if belongs(spec, k)}
    held = bool(files) or bool(stored)
    outcome = TableOutcome(spec.name, TableStatus.UNCHANGED, files, held_before=held)
    outcome.carried = (previous or {}).get("carried") or []  # kept as it was if this fails
    carried: set[tuple[str, ...]] = set()
    carried_before: set[tuple[str, ...]] = set()
    futures: list[Future] = []
    shrinking: list[tuple[str, Written]] = []
    # Files that take in a key the archive held in another file: a row that moved month,
    # or one created here under an archived row's key, which that row's own file then
    # finds (collision.py). Stored only once every file of the table was made without
    # failing, so a table that fails never leaves a key in two files.
    receiving: list[tuple[str, Written]] = []

    def settle(key: str, written: Written) -> Future:
        return ctx.uploader.submit(
            _settle, spec, key, written, stored.get(key), files.get(key), ctx
        )

    try:
        # A savepoint: a failed statement must not end the run's snapshot transaction.
        with transaction.atomic():
            owned = ownership(spec, ctx.identity) if held else Ownership(full=True)
            carried = _still_carried(spec, (previous or {}).get("carried") or [])
            carried_before = set(carried)
            owned = dataclasses.replace(owned, carried=frozenset(carried))
            behind = drifted(files, stored, ctx.objects)
            outcome.changed_behind = sorted(behind & files.keys())
            targets = _targets(spec, ctx, files, stored, behind)
            moving: dict[Month, list[list[str]]] = {}
            made: dict[str, Written] = {}  # a file made again when rows move into it

            def produce(
                key: str, month: Month | None, incoming: list[list[str]] | None = None
            ) -> None:
                expected = files.get(key) if key in behind else None
                recorded = files.get(key)
                written, notes = _produce(spec, month, key, ctx, owned, stored, expected, recorded)
                if incoming:  # archived rows that moved in from other files
                    written, notes.receives = taken_in(spec, written, incoming, ctx.tmp), True
                for into, moved in notes.moving.items():
                    moving.setdefault(into, []).extend(moved)
                    carried.update(key_cells(spec, row) for row in moved)
                # Dropping a row (even with another added: the count alone does not tell).
                if notes.dropped or written.records < (recorded or {}).get("records", 0):
                    shrinking.append((key, written))
                elif notes.receives:
                    receiving.append((key, written))
                else:
                    futures.append(settle(key, written))
                made[key] = written

            rows = 0  # written so far, for the progress line (known per file)
            if ctx.progress:
                ctx.progress(spec.name, 0, len(targets), rows=rows)
            for done, (key, month) in enumerate(targets, start=1):
                produce(key, month)
                rows += made[key].records
                if ctx.progress:
                    ctx.progress(spec.name, done, len(targets), rows=rows)
            # Followers whose parent the database moved: their new month's file is made
            # (again) with them, and stored before their old one loses them.
            for month, moved in sorted(moving.items()):
                key = month_key(spec.name, month_label(month))
                _withdraw(key, made, futures, receiving, shrinking)
                produce(key, month, moved)
            outcome.carried = [list(k) for k in sorted(carried)]
    except Exception as err:
        outcome.error = f"{type(err).__name__}: {err}"
    for future in futures:
        _record(outcome, future.result(), before, ctx.now)
    # Files that lose rows go last, and only once the rest is stored: a row that moved
    # month stays in its old file until its new one is safely written.
    for held in (receiving, shrinking):  # each only once all before it is stored
        if held is shrinking and shrinking and not outcome.error:
            _list_new_files(outcome, before, ctx, carries_more=bool(carried - carried_before))
        if outcome.error:
            for _key, written in held:
                written.discard()
            continue
        for future in [settle(key, written) for key, written in held]:
            _record(outcome, future.result(), before, ctx.now)
    if not outcome.error:
        try:
            outcome.max_key = table_max_key(spec, ctx.floors.get(spec.name))
        except Exception as err:
            outcome.error = f"{type(err).__name__}: {err}"
    if outcome.error:
        outcome.status = TableStatus.FAILED
    elif outcome.uploaded or outcome.deleted:
        outcome.status = TableStatus.UPLOADED
    outcome.seconds = time.monotonic() - started
    return outcome


def _still_carried(spec: TableSpec, keys: list[list[str]]) -> set[tuple[str, ...]]:
    """The carried keys (manifest) of rows this database does not hold: one it holds now
    it loaded, so its later absence means it was deleted here."""
    if not keys:
        return set()
    pk = spec.model._meta.pk  # a follower's key: its parent's
    held = set(
        spec.model._default_manager.filter(pk__in=[key_value(pk, k[0]) for k in keys]).values_list(
            "pk", flat=True
        )
    )
    return {tuple(k) for k in keys if key_value(pk, k[0]) not in held}


def _withdraw(key: str, made: dict, futures: list, receiving: list, shrinking: list) -> None:
    """Take back a file made earlier in the run, to be made again: one not yet stored is
    dropped; one already on its way to storage is simply stored again."""
    written = made.pop(key, None)
    for held in (receiving, shrinking):
        if (key, written) in held:
            held.remove((key, written))
            written.discard()


def _list_new_files(
    outcome: TableOutcome, before: dict, ctx: RunContext, *, carries_more: bool
) -> None:
    """Before files lose rows: if a row may have moved into a file the manifest does not
    list yet (a new month), or a follower moved without being held (carried), the manifest
    says so first; a run that dies between the two then leaves the row where a seed finds
    it, and never taken for deleted. Failing to, the files keep their rows."""
    if ctx.checkpoint is None or not (outcome.files.keys() - before.keys() or carries_more):
        return
    try:
        ctx.checkpoint(outcome)
    except Exception as err:
        outcome.error = f"{type(err).__name__}: {err}"


def _record(outcome: TableOutcome, result: FileOutcome, before: dict, now: str) -> None:
    if result.status == FileStatus.FAILED:
        outcome.error = "; ".join(filter(None, [outcome.error, f"{result.key}: {result.error}"]))
        return
    if result.status in (FileStatus.DELETED, FileStatus.ABSENT):
        outcome.deleted += result.status == FileStatus.DELETED
        outcome.files.pop(result.key, None)
        return
    written = result.written
    old = before.get(result.key) or {}
    same = old.get("checksum") == written.md5
    if result.status == FileStatus.UPLOADED:
        outcome.uploaded += 1
        outcome.bytes_uploaded += written.size
    else:
        outcome.unchanged += 1
    outcome.files[result.key] = {
        "checksum": written.md5,
        "records": written.records,
        "bytes": written.size,
        "etag": result.etag,
        "last_updated": old["last_updated"]
        if same and result.status == FileStatus.UNCHANGED
        else now,
    }
