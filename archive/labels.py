"""The archive's status words (run, table and verification states) and its ISO timestamps in
the user's language.

They travel as data (the manifest, results, findings) in English; what shows them to a
person, a command or a page, translates them here.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

STATUS_LABELS = {
    # a run, a table, a file (DESIGN.md, "Manifest")
    "success": gettext_lazy("success"),
    "partial": gettext_lazy("partial"),
    "failed": gettext_lazy("failed"),
    "already running": gettext_lazy("already running"),
    "uploaded": gettext_lazy("uploaded"),
    "unchanged": gettext_lazy("unchanged"),
    # an object as verify_archive found it (archive.stored_files)
    "ok": gettext_lazy("ok"),
    "missing": gettext_lazy("missing"),
    "unlisted": gettext_lazy("unlisted"),
    "changed": gettext_lazy("changed"),
    "unparsable": gettext_lazy("unparsable"),
    "manifest": gettext_lazy("manifest"),
    "note": gettext_lazy("note"),
}


def status_label(status: str | None) -> str:
    """The word shown for ``status``; an unknown one as it is."""
    return str(STATUS_LABELS.get(status or "", status or "—"))


def local_datetime_text(value: str | None) -> str:
    """An ISO timestamp the archive keeps as text (the manifest's runs) as staff read a
    time: local, in their language's short style; text that is no timestamp as it is."""
    try:
        moment = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return value or "—"
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATETIME_FORMAT")
