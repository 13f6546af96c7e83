"""``manage.py verify_archive [--rebuild-manifest [--force]]``: check every object, or rebuild
the manifest from them."""

from __future__ import annotations

import getpass
import socket

from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.audit.rebuild import RebuildResult, manifest_rebuild
from archive.audit.stored_files import NOTE, Finding
from archive.audit.verify import VerificationReport, archive_verify
from archive.core.progress import OBJECTS, ProgressLog, grouped
from archive.core.status import status_label

from ._base import ArchiveCommand


class Command(ArchiveCommand):
    help = gettext_lazy(
        "Read every archived object and compare it with the manifest (exit status 1 on any "
        "missing, unlisted, changed or unreadable object), or rebuild the manifest from them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild-manifest",
            action="store_true",
            help=gettext_lazy(
                "Write a new manifest from the objects (when it is unreadable or missing); "
                "refused if any file does not parse."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("With --rebuild-manifest: replace a readable manifest too."),
        )

    def handle(self, *args, rebuild_manifest: bool, force: bool, **options) -> None:
        if force and not rebuild_manifest:
            raise CommandError(_("--force only goes with --rebuild-manifest."))
        if rebuild_manifest:
            by = f"{getpass.getuser()}@{socket.gethostname()}"
            self._rebuilt(manifest_rebuild(by=by, force=force))
            return
        report = archive_verify(progress=ProgressLog(self.stdout.write, unit=OBJECTS))
        if report.manifest_problem:
            raise CommandError(report.manifest_problem)
        self._report(report)
        if not report.ok:
            raise CommandError(
                ngettext(
                    "The archive does not match its manifest: %(n)d problem.",
                    "The archive does not match its manifest: %(n)d problems.",
                    len(report.problems),
                )
                % {"n": len(report.problems)}
            )

    def _report(self, report: VerificationReport) -> None:
        self.stdout.write(
            "{:<44} {:<18} {:<12} {:>11} {:>10}  {}".format(
                _("object"), _("table"), _("status"), _("rows"), _("size"), _("MD5")
            )
        )
        for checked in report.objects:
            scan = checked.scan
            rows, size, md5 = (
                (grouped(scan.records), filesizeformat(scan.bytes), scan.md5)
                if scan
                else ("—", "—", "")
            )
            self.stdout.write(
                f"{checked.key:<44} {checked.table or '—':<18} "
                f"{status_label(checked.status):<12} {rows:>11} {size:>10}  {md5}"
            )
        for finding in report.findings:
            stream = self.stdout if finding.kind == NOTE else self.stderr
            stream.write(_finding(finding))
        counts = {"objects": len(report.objects), **report.counts()}
        summary = _(
            "%(objects)d objects: %(missing)d missing, %(unlisted)d unlisted, "
            "%(changed)d changed, %(unparsable)d that do not parse."
        )
        self.stdout.write(summary % counts)
        if report.ok:
            self.stdout.write(_("The archive matches its manifest."))

    def _rebuilt(self, result: RebuildResult) -> None:
        for note in result.notes:
            self.stdout.write(_finding(note))
        if result.kept_aside:
            self.stdout.write(
                _("The old manifest is kept as %(key)s.") % {"key": result.kept_aside}
            )
        tables = result.manifest["tables"]
        self.stdout.write(
            _(
                "Manifest rebuilt from %(files)d files of %(tables)d tables (previous "
                "manifest: %(problem)s). Run verify_archive to check it, then archive_now."
            )
            % {"files": result.files, "tables": len(tables), "problem": result.previous_problem}
        )


def _finding(finding: Finding) -> str:
    """A finding with its kind in the user's language (``str(finding)`` keeps it English)."""
    return str(finding).replace(finding.kind, status_label(finding.kind), 1)
