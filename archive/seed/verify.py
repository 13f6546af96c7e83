"""Checking what the seeder reads against the manifest: each file's MD5 and record count.

docs/architecture.md, "Guarantees": what is read is checked. The MD5 is taken of the bytes as they
stream to the parser (no second read); the records are the reader's count of every data
record of the file (kept, outside the window, or already held). Both are compared only
once the file was read to its end: every successful path reads each file whole (a window
skips blocks only after reading them), and a file left part-read has already failed the
run with an error of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from archive.seed.errors import RowError


@dataclass(frozen=True)
class Expected:
    """What the manifest records of one file: its MD5 hex and (when it says) its records."""

    checksum: str
    records: int | None


@dataclass(frozen=True)
class ChangedFile:
    """A file whose bytes or records are not what the manifest recorded."""

    key: str
    expected: Expected
    checksum: str
    records: int

    def _figures(self) -> dict[str, object]:
        records = self.expected.records
        return {
            "key": self.key,
            "expected": self.expected.checksum or "—",
            "expected_records": "?" if records is None else records,
            "actual": self.checksum,
            "records": self.records,
        }

    def __str__(self) -> str:
        return (
            _(
                "%(key)s (manifest: MD5 %(expected)s, %(expected_records)s records; "
                "read: MD5 %(actual)s, %(records)d records)"
            )
            % self._figures()
        )

    def error(self) -> RowError:
        reason = (
            _(
                "changed since it was archived: the manifest records MD5 %(expected)s and "
                "%(expected_records)s records, the object read has MD5 %(actual)s and "
                "%(records)d records. Find every changed object with manage.py "
                "verify_archive; to load this file as it is, seed again with "
                "--accept-changed-files (the load record will say so)."
            )
            % self._figures()
        )
        return RowError(self.key, None, None, None, None, reason)


class Digest:
    """A file's chunks passed on unchanged while their MD5 is taken.

    ``complete`` turns true only when the source ran out, i.e. every byte went through.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._source = chunks
        self._md5 = hashlib.md5(usedforsecurity=False)
        self.complete = False

    def chunks(self) -> Iterator[bytes]:
        try:
            for chunk in self._source:
                self._md5.update(chunk)
                yield chunk
            self.complete = True
        finally:
            close = getattr(self._source, "close", None)
            if close is not None:
                close()  # a run that stops early still ends the download

    def changed(self, key: str, expected: Expected, records: int) -> ChangedFile | None:
        """How the file read differs from the manifest, or None when it matches."""
        checksum = self._md5.hexdigest()
        same_records = expected.records is None or expected.records == records
        if checksum == expected.checksum.lower() and same_records:
            return None
        return ChangedFile(key, expected, checksum, records)


def expected_of(info: dict) -> Expected | None:
    """The checks a manifest file entry allows (an entry without a checksum allows none)."""
    checksum = info.get("checksum")
    if not isinstance(checksum, str):
        return None
    records = info.get("records")
    return Expected(checksum, records if isinstance(records, int) else None)


def missing_error(key: str, *, listed: bool) -> RowError:
    """A file the plan holds whose object is gone."""
    if listed:
        reason = _(
            "listed in the manifest but missing from the archive; run manage.py verify_archive"
        )
    else:
        reason = _("was in the archive's listing but is gone (deleted or renamed since); try again")
    return RowError(key, None, None, None, None, reason)
