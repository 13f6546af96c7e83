"""A progress bar per file on a terminal (tqdm) for long seeds; silent when not a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm

from .engine import Progress


class TerminalProgress:
    """Context manager; yields a progress callback on a terminal, None otherwise."""

    def __init__(self, stream=None):
        self._stream = stream or sys.stderr
        self._bar: tqdm | None = None
        self._file: str | None = None

    def __enter__(self) -> TerminalProgress | None:
        return self if self._stream.isatty() else None

    def __exit__(self, *exc) -> None:
        self._close()

    def __call__(self, event: Progress) -> None:
        if event.file != self._file:
            self._close()
            self._file = event.file
            self._bar = tqdm(
                total=event.total,
                desc=f"{event.table}: {event.file}",
                unit="B",
                unit_scale=True,
                file=sys.stderr,
                leave=False,
            )
        self._bar.update(event.done - self._bar.n)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._file = None
