"""The archive's status words (run, table and verification states) and its ISO timestamps in
the user's language.

They travel as data (the manifest, results, findings) in English; what shows them to a
person, a command or a page, translates them here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

STATUS_LABELS = {
    # a run, a table, a file (DESIGN.md, "Manifest")
    "success": gettext_lazy("success"),
    "partial": gettext_lazy("partial"),
    "failed": gettext_lazy("failed"),
    "already running": gettext_lazy("already running"),
    "uploaded": gettext_lazy("uploaded"),
    "unchanged": gettext_lazy("unchanged"),
    # an object as verify_archive found it (archive.audit.stored_files)
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
