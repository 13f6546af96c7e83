"""``manage.py demo_data``: fill the database with a realistic, reproducible demo business."""

from __future__ import annotations

from dataclasses import fields

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.demo.plan import DemoSizes
from appointments.demo.services import demo_data_create
from archive.core.progress import ROWS, ProgressLog, grouped
from meetassist.commands import TranslatedCommand, count

_DEFAULTS = DemoSizes()

_SIZE_HELP = {
    "customers": gettext_lazy("Number of customers (default: %(default)s)."),
    "consultants": gettext_lazy("Number of consultants (default: %(default)s)."),
    "appointments": gettext_lazy("Number of appointments (default: %(default)s)."),
    "programs": gettext_lazy("Number of community programs (default: %(default)s)."),
}


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Add demo customers, consultants, slots, appointments (past and future), feedback "
        "and community programs. Bulk inserts: a million appointments take about a minute "
        "on PostgreSQL."
    )

    def add_arguments(self, parser) -> None:
        for name, help_text in _SIZE_HELP.items():
            parser.add_argument(
                f"--{name}",
                type=count,
                default=getattr(_DEFAULTS, name),
                metavar="N",
                help=help_text,
            )
        parser.add_argument(
            "--days-back",
            type=count,
            default=None,
            metavar="N",
            help=gettext_lazy(
                "Days of history (default: enough for the appointments, at least 60)."
            ),
        )
        parser.add_argument(
            "--days-ahead",
            type=count,
            default=_DEFAULTS.days_ahead,
            metavar="N",
            help=gettext_lazy("Days of future slots and bookings (default: %(default)s)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=_DEFAULTS.seed,
            metavar="N",
            help=gettext_lazy("Same seed, same data (default: %(default)s)."),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=gettext_lazy("Do nothing when the database already holds business data."),
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        sizes = DemoSizes(**{f.name: options[f.name] for f in fields(DemoSizes)})
        log = ProgressLog(self.stdout.write, unit=ROWS)
        result = demo_data_create(
            sizes=sizes, if_empty=if_empty, progress=lambda rows: log(_("demo data"), rows)
        )
        if result.skipped:
            self.stdout.write(_("The database already holds data: no demo data added."))
            return
        for model, rows in result.created.items():
            self.stdout.write(f"{grouped(rows):>12}  {model._meta.verbose_name_plural}")
        done = _("Demo data created in %(seconds)s s.") % {"seconds": grouped(result.seconds, 1)}
        self.stdout.write(self.style.SUCCESS(done))
