"""What one archive run hands each table's export: the run's context, and what a table reports."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.utils.dateparse import parse_date

from archive.core.calendar import Month, month_label
from archive.core.collision import created, identity_field
from archive.core.csvfile import Written, read_csv
from archive.core.tables import TableSpec
from archive.export.history_merge import key_value
from archive.export.sources import RowSource
from archive.models import ArchiveIdentity
from archive.storage.layout import month_key
from archive.storage.objects import Listed, Objects


class Progress(Protocol):
    """Called as each of a table's files is written: files done of all, rows written."""

    def __call__(self, what: str, done: int, total: int, *, rows: int | None = None) -> None: ...


@dataclass
class FileOutcome:
    key: str
    status: str  # uploaded | unchanged | deleted | absent | failed
    written: Written | None = None
    error: str = ""
    etag: str = ""


@dataclass
class TableOutcome:
    name: str
    status: str  # uploaded | unchanged | failed
    files: dict[str, dict]
    held_before: bool
    error: str = ""
    max_key: int | None = None
    changed_behind: list[str] = field(default_factory=list)  # objects not as the manifest said
    # Keys of archived followers this database moved with their parent without holding
    # them: never taken for rows it loaded and deleted (retention.py).
    carried: list[list[str]] = field(default_factory=list)
    uploaded: int = 0
    unchanged: int = 0
    deleted: int = 0
    bytes_uploaded: int = 0
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(f["records"] for f in self.files.values())

    @property
    def bytes(self) -> int:
        return sum(f["bytes"] for f in self.files.values())


@dataclass
class RunContext:
    objects: Objects
    source: RowSource
    tmp: Path
    identity: ArchiveIdentity
    now: str
    force: bool = False
    trusted: set[str] = field(default_factory=set)  # tables whose change record is complete
    recorded: set[str] = field(default_factory=set)  # tables with change triggers
    changes: dict[str, set] = field(default_factory=dict)
    stored: dict[str, Listed] = field(default_factory=dict)  # the bucket's LIST at the start
    floors: dict[str, int] = field(default_factory=dict)  # highest archived keys before the run
    progress: Progress | None = None
    uploader: Uploader | None = None
    # Writes the manifest as things stand, given the table in progress (services.py).
    checkpoint: Callable[[TableOutcome], None] | None = None
    _dates: dict = field(default_factory=dict)

    def archived_parents(self, parent: TableSpec, month: Month, wanted: set) -> dict:
        """(date, creation moment) of the parents in the parent's archived month file."""
        cache = (parent.name, month)
        if cache not in self._dates:
            self._dates[cache] = self._read_parents(parent, month)
        return {k: v for k, v in self._dates[cache].items() if k in wanted}

    def _read_parents(self, parent: TableSpec, month: Month) -> dict:
        key = month_key(parent.name, month_label(month))
        path = self.tmp / f"parent-{parent.name}-{month_label(month)}.csv"
        try:
            self.objects.get(key, path)
        except Exception:  # no such object (or unreadable): no archived parents there
            return {}
        pk = parent.model._meta.pk
        date = parent.model._meta.get_field(parent.date_field).attname
        identity = identity_field(parent)
        try:
            with read_csv(path) as (header, rows):
                at_pk, at_date = header.index(pk.attname), header.index(date)
                at_made = header.index(identity.attname) if identity else None
                return {
                    key_value(pk, r[at_pk]): (
                        parse_date(r[at_date]),
                        created(identity, r[at_made]) if at_made is not None else None,
                    )
                    for r in rows
                }
        finally:
            path.unlink(missing_ok=True)


class Uploader:
    """Background threads settling files while the main thread exports the next ones.

    At most ``workers + 1`` exported files wait on disk; S3 clients are thread-safe.
    """

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="archive-upload")
        self._slots = threading.BoundedSemaphore(workers + 1)

    def submit(self, fn: Callable[..., FileOutcome], *args) -> Future:
        self._slots.acquire()
        future = self._pool.submit(fn, *args)
        future.add_done_callback(lambda _f: self._slots.release())
        return future

    def __enter__(self) -> Uploader:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True)
