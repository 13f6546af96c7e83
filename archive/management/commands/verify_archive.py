"""``manage.py verify_archive [--rebuild-manifest [--force]]``: check every object, or rebuild
the manifest from them."""

from __future__ import annotations

import getpass
import socket

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.manifest_rebuild import RebuildResult, manifest_rebuild
from archive.stored_files import NOTE
from archive.verification import VerificationReport, archive_verify
from meetassist.exceptions import DomainError


class Command(BaseCommand):
    help = _(
        "Read every archived object and compare it with the manifest (exit status 1 on any "
        "missing, unlisted, changed or unreadable object), or rebuild the manifest from them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild-manifest",
            action="store_true",
            help=_(
                "Write a new manifest from the objects (when it is unreadable or missing); "
                "refused if any file does not parse."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("With --rebuild-manifest: replace a readable manifest too."),
        )

    def handle(self, *args, rebuild_manifest: bool, force: bool, **options) -> None:
        if force and not rebuild_manifest:
            raise CommandError(_("--force only goes with --rebuild-manifest."))
        if rebuild_manifest:
            try:
                result = manifest_rebuild(
                    by=f"{getpass.getuser()}@{socket.gethostname()}", force=force
                )
            except DomainError as err:
                raise CommandError(str(err)) from err
            self._rebuilt(result)
            return
        try:
            report = archive_verify()
        except DomainError as err:
            raise CommandError(str(err)) from err
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
            "{:<44} {:<18} {:<10} {:>9} {:>11}  {}".format(
                _("object"), _("table"), _("status"), _("rows"), _("bytes"), _("MD5")
            )
        )
        for checked in report.objects:
            scan = checked.scan
            rows, size, md5 = (scan.records, scan.bytes, scan.md5) if scan else ("—", "—", "")
            self.stdout.write(
                f"{checked.key:<44} {checked.table or '—':<18} {checked.status:<10} "
                f"{rows:>9} {size:>11}  {md5}"
            )
        for finding in report.findings:
            stream = self.stdout if finding.kind == NOTE else self.stderr
            stream.write(str(finding))
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
            self.stdout.write(str(note))
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
