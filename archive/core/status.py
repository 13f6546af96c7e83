"""The archive's states: a run's, a table's, a file's, and what ``verify_archive`` finds.

They travel as data (the manifest, results, findings) as these English values; what shows
them to a person, a command or a page shows their label in the user's language
(``status_label``).
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy


class RunStatus(models.TextChoices):
    """An archive run (the manifest's ``last_run.status`` and history)."""

    SUCCESS = "success", gettext_lazy("success")
    PARTIAL = "partial", gettext_lazy("partial")
    FAILED = "failed", gettext_lazy("failed")
    ALREADY_RUNNING = "already running", gettext_lazy("already running")


class TableStatus(models.TextChoices):
    """A table in a run (the manifest's table ``status``)."""

    UPLOADED = "uploaded", gettext_lazy("uploaded")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")
    FAILED = "failed", gettext_lazy("failed")


class FileStatus(StrEnum):
    """What a run did with one file (never shown: it adds up to its table's status)."""

    UPLOADED = "uploaded"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    DELETED = "deleted"  # emptied: the stored object was removed
    ABSENT = "absent"  # empty, and nothing stored


class ObjectStatus(models.TextChoices):
    """An object as ``verify_archive`` (or the manifest rebuild) found it."""

    OK = "ok", gettext_lazy("ok")
    MISSING = "missing", gettext_lazy("missing")
    UNLISTED = "unlisted", gettext_lazy("unlisted")
    CHANGED = "changed", gettext_lazy("changed")
    UNPARSABLE = "unparsable", gettext_lazy("unparsable")
    MANIFEST = "manifest", gettext_lazy("manifest")
    NOTE = "note", gettext_lazy("note")


STATUS_LABELS = {
    value: label
    for states in (RunStatus, TableStatus, ObjectStatus)
    for value, label in states.choices
}


def status_label(status: str | None) -> str:
    """The word shown for ``status``; an unknown one as it is."""
    return str(STATUS_LABELS.get(status or "", status or "—"))
