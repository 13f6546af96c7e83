"""``manage.py seed_from_s3``: fill this database from the archive (see archive.seed.run)."""

from __future__ import annotations

from django.core.management.base import CommandParser
from django.utils.translation import gettext_lazy as _

from archive.seed.progress import SeedProgress
from archive.seed.run import seed_run
from meetassist.commands import count, iso_date

from ._base import ArchiveCommand


class Command(ArchiveCommand):
    help = _(
        "Load the archive into this database: reference tables in full, windowed tables "
        "for [date − N, date + N]. All or nothing; existing rows are kept unless --overwrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help=_("Centre of the window (default: today)."),
        )
        parser.add_argument(
            "--window-days",
            type=count,
            metavar="N",
            help=_("Days on each side of the date (default: SEED_WINDOW_DAYS)."),
        )
        parser.add_argument("--full", action="store_true", help=_("Load every row."))
        parser.add_argument(
            "--table",
            action="append",
            dest="tables",
            metavar="T",
            help=_("Only this table (repeat for more)."),
        )
        parser.add_argument("--overwrite", action="store_true", help=_("Replace existing rows."))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Check everything, write nothing.")
        )
        parser.add_argument(
            "--accept-changed-files",
            action="store_true",
            help=_(
                "Load files whose checksum or record count differs from the manifest (the "
                "load record lists them as unverified)."
            ),
        )

    def handle(self, *args, **options) -> None:
        with SeedProgress(self.stdout) as progress:
            result = seed_run(
                date=options["date"],
                window_days=options["window_days"],
                full=options["full"],
                tables=options["tables"],
                overwrite=options["overwrite"],
                dry_run=options["dry_run"],
                progress=progress,
                accept_changed_files=options["accept_changed_files"],
            )
        for line in result.lines():
            self.stdout.write(line)
