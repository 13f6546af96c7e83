"""``manage.py seed_from_s3``: fill this database from the archive (see archive.seeding)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetassist.exceptions import DomainError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Load the archive into this database: reference tables in full, windowed tables "
        "for [date − N, date + N]. All or nothing; existing rows are kept unless --overwrite."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, help="centre of the window (default: today)")
        parser.add_argument("--window-days", type=int, help="N (default: SEED_WINDOW_DAYS)")
        parser.add_argument("--full", action="store_true", help="load every row")
        parser.add_argument("--table", action="append", dest="tables", metavar="T")
        parser.add_argument("--overwrite", action="store_true", help="replace existing rows")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")
        parser.add_argument(
            "--accept-changed-files",
            action="store_true",
            help="load files whose checksum or record count differs from the manifest "
            "(the load record lists them as unverified)",
        )

    def handle(self, *args, **options) -> None:
        from archive.progress import TerminalProgress
        from archive.seeding import seed_run

        with TerminalProgress(self.stderr) as progress:
            try:
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
            except DomainError as err:
                raise CommandError(str(err)) from err
        for line in result.lines():
            self.stdout.write(line)
