"""A seed's progress: a bar per file on a terminal (tqdm), else core.progress's log lines."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from tqdm import tqdm

from archive.core.progress import ROWS, ProgressLog, grouped
from archive.seed.load import Progress


def seed_progress_log(write: Callable[[str], None], *, every: float | None = None):
    """A seed's ``ProgressCallback`` as log lines (``write`` one line at a time)."""
    log = ProgressLog(write, every=every)
    return lambda event: log(
        f"{event.table}: {event.file}", event.done, event.total, rows=event.rows
    )


class SeedProgress:
    """Context manager for a seed's file reading: a bar per file on a terminal, else log lines.

    Yields the ``ProgressCallback`` to hand to the seeder.
    """

    def __init__(self, stream: TextIO, *, every: float | None = None):
        self._stream = stream
        self._every = every
        self._bar: tqdm | None = None
        self._file: str | None = None

    def __enter__(self) -> Callable[[Progress], None]:
        if self._stream.isatty():
            return self._show
        return seed_progress_log(self._write, every=self._every)

    def __exit__(self, *exc) -> None:
        self._close()

    def _write(self, line: str) -> None:
        self._stream.write(line + "\n")
        self._stream.flush()

    def _show(self, event: Progress) -> None:
        if event.file != self._file:
            self._close()
            self._file = event.file
            self._bar = tqdm(
                total=event.total,
                desc=f"{event.table}: {event.file}",
                unit="B",
                unit_scale=True,
                file=sys.stderr,  # tqdm rewrites its line: the raw stream, not a wrapper
                leave=False,
            )
        if event.rows is not None:  # refreshes the bar: once a megabyte at most
            self._bar.set_postfix_str(f"{grouped(event.rows)} {ROWS}")
        self._bar.update(event.done - self._bar.n)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._file = None
