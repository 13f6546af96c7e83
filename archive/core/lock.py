"""One archive run at a time: a PostgreSQL advisory lock, or a lock file elsewhere.

Both die with their holder (session or process), so a killed run never leaves the archive
locked, and neither needs an expiry to be guessed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

# A fixed 64-bit advisory lock key derived from a name, so it is stable and documented.
LOCK_KEY = int.from_bytes(hashlib.sha256(b"meetassist.archive").digest()[:8], "big", signed=True)
_POLL_SECONDS = 2


@contextmanager
def run_lock() -> Iterator[bool]:
    """Yields True when this process holds the lock, False when another run does."""
    if connection.vendor == "postgresql":
        with _advisory_lock() as held:
            yield held
    else:
        with _file_lock() as held:
            yield held


@contextmanager
def archive_held(wait_seconds: float) -> Iterator[None]:
    """Hold the archive run lock, waiting up to ``wait_seconds`` for a run to finish.

    While a run writes, objects and manifest disagree for a moment (the manifest is written
    last): reading then would report changes that are none.
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        with run_lock() as held:
            if held:
                yield
                return
        if time.monotonic() >= deadline:
            raise DomainError(
                _("An archive run is going on (waited %(s)d s); try again when it has finished.")
                % {"s": wait_seconds}
            )
        time.sleep(_POLL_SECONDS)


@contextmanager
def _advisory_lock() -> Iterator[bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def keep_archive_runs_out() -> None:
    """PostgreSQL: wait for an archive run under way, then refuse new ones (as if one were
    running) until this transaction ends.

    For a load that may empty a table with TRUNCATE and fill it again: an archive run whose
    snapshot was taken before that commits would read the table as empty (TRUNCATE is not
    MVCC-safe) and could drop its rows from the archive. Taken before the load locks any
    table, so the two cannot deadlock.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _lock_path() -> Path:
    database = str(connection.settings_dict["NAME"])
    if connection.creation.is_in_memory_db(database):
        # An in-memory database lives in one process only (as in a test worker).
        database = f"{database}#{os.getpid()}"
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"meetassist-archive-{digest}.lock"


@contextmanager
def _file_lock() -> Iterator[bool]:
    with open(_lock_path(), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
