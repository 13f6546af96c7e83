"""Reads of the archive app for other apps (the dashboard): what the archive last reported, and
the words its states are shown with (``STATUS_LABELS``, from archive.labels)."""

from __future__ import annotations

from archive.labels import STATUS_LABELS as STATUS_LABELS
from archive.models import ArchiveVerification


def verification_last() -> ArchiveVerification | None:
    """The latest ``verify_archive`` run, or None when none has run."""
    return ArchiveVerification.objects.order_by("-started_at", "-pk").first()
