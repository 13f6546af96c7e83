"""``manage.py archive_now [--table T …] [--force] [--take-over]``: archive now, summarise."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.core.progress import FILES, ProgressLog, grouped
from archive.core.status import TableStatus, status_label
from archive.services import ALREADY_RUNNING, ArchiveResult, archive_run

from ._base import ArchiveCommand


class Command(ArchiveCommand):
    help = gettext_lazy("Copy the tables to the archive storage now and print a per-table summary.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--table",
            action="append",
            dest="tables",
            metavar="T",
            help=gettext_lazy("Only this table (repeat for more)."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("Upload every file, even unchanged ones."),
        )
        parser.add_argument(
            "--take-over",
            action="store_true",
            help=gettext_lazy(
                "Write to an archive another database wrote (no archived row is dropped)."
            ),
        )

    def handle(self, *args, **options) -> None:
        terminal = self.stdout.isatty()
        progress = self._progress if terminal else ProgressLog(self.stdout.write, unit=FILES)
        result = archive_run(
            tables=options["tables"],
            force=options["force"],
            take_over=options["take_over"],
            progress=progress,
        )
        if result.status == ALREADY_RUNNING:
            raise CommandError(result.message)
        self._summary(result, terminal)
        if result.failed:
            failed = [t.name for t in result.tables if t.status == TableStatus.FAILED]
            raise CommandError(
                result.message
                or _("Archive run %(status)s; failed: %(tables)s.")
                % {"status": status_label(result.status), "tables": ", ".join(failed)}
            )

    def _progress(self, table: str, done: int, total: int, *, rows: int | None = None) -> None:
        files = _("%(done)s of %(total)s files") % {"done": grouped(done), "total": grouped(total)}
        if rows is not None:
            files += ", " + _("%(rows)s rows") % {"rows": grouped(rows)}
        self.stdout.write(f"\r{table}: {files}\033[K", ending="")
        self.stdout.flush()

    def _summary(self, result: ArchiveResult, terminal: bool) -> None:
        if terminal:
            self.stdout.write("\r\033[K", ending="")
        header = (_("table"), _("status"), _("files up/same/del"), _("rows"), _("size"), _("s"))
        self.stdout.write("{:<22} {:<12} {:>17} {:>12} {:>10} {:>7}".format(*header))
        for t in result.tables:
            files = f"{t.uploaded}/{t.unchanged}/{t.deleted}"
            self.stdout.write(
                f"{t.name:<22} {status_label(t.status):<12} {files:>17} "
                f"{grouped(t.records):>12} {filesizeformat(t.bytes):>10} "
                f"{grouped(t.seconds, 2):>7}"
            )
            if t.error:
                self.stderr.write(f"  {t.name}: {t.error}")
        seconds = (result.finished_at - result.started_at).total_seconds()
        self.stdout.write(
            _("Run %(status)s in %(seconds)s s.")
            % {"status": status_label(result.status), "seconds": grouped(seconds, 2)}
        )
