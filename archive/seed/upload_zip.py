"""ZIP files staff upload: what they may hold, and reading their members within limits.

A ZIP is a stranger's input that can cost far more than its size (a 1 MB file expanding to
a gigabyte, or ten thousand members). Two settings bound it: the number of entries
(``ARCHIVE_UPLOAD_MAX_MEMBERS``) and the bytes all its members expand to
(``ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES``). The declared sizes refuse most at once, on
receipt; while reading, the bytes actually decompressed are counted too and reading stops
at the limit, whatever the ZIP declares. A damaged member (wrong size, bad CRC, corrupt
data) becomes a load error naming it, not a crash.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from archive.seed.errors import LoadError, RowError
from archive.storage.streams import CHUNK_BYTES
from meetassist.exceptions import DomainError

# What a damaged ZIP raises while a member is read: BadZipFile for a bad CRC-32, zlib.error
# for corrupt deflate data, EOFError when the data ends before the declared size.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError)


def zip_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The CSV files of a ZIP, without folders and the clutter some zip tools add."""
    return [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not posixpath.basename(m.filename).startswith(".")
        and m.filename.lower().endswith(".csv")
    ]


def zip_open(handle: BinaryIO, name: str) -> zipfile.ZipFile:
    """Open an uploaded ZIP, refusing one with more entries than the limit before reading
    its directory (ten thousand entries cost seconds and hundreds of megabytes)."""
    limit = settings.ARCHIVE_UPLOAD_MAX_MEMBERS
    try:
        # The end record states the number of entries; zipfile reads it the same way.
        end = zipfile._EndRecData(handle)  # noqa: SLF001  (stable since Python 2)
        if end is not None and end[zipfile._ECD_ENTRIES_TOTAL] > limit:
            raise DomainError(_too_many(name, end[zipfile._ECD_ENTRIES_TOTAL], limit))
        handle.seek(0)
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError):
        raise DomainError(_("%(name)s is not a ZIP file.") % {"name": name}) from None
    if len(archive.infolist()) > limit:  # an end record that understates its entries
        count = len(archive.infolist())
        archive.close()
        raise DomainError(_too_many(name, count, limit))
    return archive


def _too_many(name: str, count: int, limit: int) -> str:
    return _("%(name)s holds %(count)d entries; an upload ZIP may hold at most %(limit)d.") % {
        "name": name,
        "count": count,
        "limit": limit,
    }


def zip_expanded_size(archive: zipfile.ZipFile, name: str) -> int:
    """The bytes the ZIP's CSV files declare, refused over the per-file or total limit.

    zipfile never hands out more than a member declares (it stops there, then fails the
    CRC check), so the declared total bounds what a preview will decompress.
    """
    per_file = settings.ARCHIVE_UPLOAD_MAX_BYTES
    total = 0
    for member in zip_members(archive):
        if member.file_size > per_file:
            raise DomainError(
                _("%(name)s in %(zip)s is larger than the limit of %(mb)d MB.")
                % {"name": member.filename, "zip": name, "mb": per_file // (1 << 20)}
            )
        total += member.file_size
    if total > settings.ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES:
        raise DomainError(_expands_too_much(name))
    return total


def _expands_too_much(name: str) -> str:
    return _(
        "%(name)s expands to more than %(mb)d MB; an upload ZIP may expand to at most "
        "%(mb)d MB in all. Upload fewer files at a time."
    ) % {"name": name, "mb": settings.ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES // (1 << 20)}


class ZipUnreadable(Exception):
    """A member could not be read whole: damaged, or over the upload's expansion budget.

    Raised where the member is read, which may be a read-ahead thread (streams.ReadAhead)
    that speaks no user's language; ``load_error`` words it in the reading run's thread.
    """

    def __init__(self, zip_key: str, member: str, damage: Exception | None = None) -> None:
        super().__init__(f"{zip_key}:{member}: {damage or 'over the expansion limit'}")
        self.zip_key, self.member, self.damage = zip_key, member, damage

    def load_error(self) -> LoadError:
        if self.damage is None:
            reason = _expands_too_much(posixpath.basename(self.zip_key))
        else:
            reason = _(
                "the ZIP is damaged (%(error)s): a size or checksum (CRC) it declares does "
                "not match its contents. Make the ZIP again."
            ) % {"error": self.damage}
        name = f"{self.zip_key}:{self.member}"
        return LoadError([RowError(name, None, None, None, None, reason)])


class ExpansionBudget:
    """The bytes one uploaded ZIP's members may still expand to, counted as they are read."""

    def __init__(self, zip_key: str) -> None:
        self.zip_key = zip_key
        self.left = settings.ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES

    def member_chunks(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks; ZipUnreadable when damaged or over the budget."""
        try:
            with archive.open(member) as handle:
                # Never ask for more than the budget allows: a lying member stops here.
                while chunk := handle.read(min(CHUNK_BYTES, self.left + 1)):
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise ZipUnreadable(self.zip_key, member.filename)
                    yield chunk
        except DAMAGED as err:
            raise ZipUnreadable(self.zip_key, member.filename, err) from None
