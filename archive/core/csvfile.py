"""Archive files on local disk: written with their MD5 computed on the way, read back lazily.

Every file is UTF-8 with a BOM, a header row of column names, then one ``csv_line`` per
row (docs/architecture.md, "Storage layout"). Nothing here holds more than a buffer of a file.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archive.core.codec import BOM, csv_line

_BUFFER = 1 << 20


@dataclass(frozen=True)
class Written:
    """A finished temporary file: where it is, its MD5 hex, size in bytes and data rows."""

    path: Path
    md5: str
    size: int
    records: int

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class CsvOut:
    """A temporary archive file being written; ``close()`` returns what was written."""

    def __init__(self, directory: Path, columns: Sequence[str]) -> None:
        handle, name = tempfile.mkstemp(dir=directory, suffix=".csv")
        self.path = Path(name)
        self._file = os.fdopen(handle, "wb", buffering=_BUFFER)
        self._md5 = hashlib.md5(usedforsecurity=False)
        self.size = 0
        self.records = 0
        self.write((BOM + csv_line(columns)).encode())

    def write(self, data: bytes | memoryview) -> None:
        """Raw bytes of whole records (COPY's output); the caller counts the records."""
        self._file.write(data)
        self._md5.update(data)
        self.size += len(data)

    def write_row(self, cells: Sequence[str]) -> None:
        self.write(csv_line(cells).encode())
        self.records += 1

    def close(self) -> Written:
        self._file.close()
        return Written(self.path, self._md5.hexdigest(), self.size, self.records)

    def abandon(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


@contextmanager
def read_csv(path: Path) -> Iterator[tuple[list[str], Iterator[list[str]]]]:
    """The header and a lazy iterator over the rows of an archive file."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        header = next(reader, [])
        yield header, reader


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(_BUFFER):
            digest.update(chunk)
    return digest.hexdigest()
