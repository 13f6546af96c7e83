"""``manage.py archive_now [--table T …] [--force] [--take-over]``: archive now, summarise."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from archive.services import ALREADY_RUNNING, ArchiveResult, archive_run
from meetassist.exceptions import DomainError


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB"):
        if count < 1024:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


class Command(BaseCommand):
    help = _("Copy the tables to the archive storage now and print a per-table summary.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--table", action="append", dest="tables", metavar="T", help=_("Only this table.")
        )
        parser.add_argument(
            "--force", action="store_true", help=_("Upload every file, even unchanged ones.")
        )
        parser.add_argument(
            "--take-over",
            action="store_true",
            help=_("Write to an archive another database wrote (no archived row is dropped)."),
        )

    def handle(self, *args, **options) -> None:
        progress = self._progress if self.stdout.isatty() else None
        try:
            result = archive_run(
                tables=options["tables"],
                force=options["force"],
                take_over=options["take_over"],
                progress=progress,
            )
        except DomainError as err:
            raise CommandError(str(err)) from err
        if result.status == ALREADY_RUNNING:
            raise CommandError(result.message)
        self._summary(result)
        if result.failed:
            failed = [t.name for t in result.tables if t.status == "failed"]
            raise CommandError(
                result.message
                or _("Archive run %(status)s; failed: %(tables)s.")
                % {"status": result.status, "tables": ", ".join(failed)}
            )

    def _progress(self, table: str, done: int, total: int) -> None:
        self.stdout.write(f"\r{table}: {done}/{total} " + _("files") + "\033[K", ending="")
        self.stdout.flush()

    def _summary(self, result: ArchiveResult) -> None:
        if self.stdout.isatty():
            self.stdout.write("\r\033[K", ending="")
        header = (_("table"), _("status"), _("files up/same/del"), _("rows"), _("bytes"), _("s"))
        self.stdout.write("{:<22} {:<10} {:>17} {:>10} {:>10} {:>7}".format(*header))
        for t in result.tables:
            files = f"{t.uploaded}/{t.unchanged}/{t.deleted}"
            self.stdout.write(
                f"{t.name:<22} {t.status:<10} {files:>17} {t.records:>10} "
                f"{_size(t.bytes):>10} {t.seconds:>7.2f}"
            )
            if t.error:
                self.stderr.write(f"  {t.name}: {t.error}")
        seconds = (result.finished_at - result.started_at).total_seconds()
        self.stdout.write(
            _("Run %(status)s in %(seconds).2f s.") % {"status": result.status, "seconds": seconds}
        )
