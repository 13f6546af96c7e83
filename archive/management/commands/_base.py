"""What the archive's commands share: an unreachable archive storage is a one-line error."""

from __future__ import annotations

from contextlib import AbstractContextManager

from archive.storage.backends import archive_reached
from meetassist.commands import TranslatedCommand


class ArchiveCommand(TranslatedCommand):
    """A command that reads or writes the archive storage (S3 or the local folder)."""

    def failures(self) -> AbstractContextManager[None]:
        return archive_reached()  # a wrong bucket, endpoint or credentials: no traceback
