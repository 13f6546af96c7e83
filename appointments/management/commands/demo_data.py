"""``manage.py demo_data``: fill the database with a realistic, reproducible demo business."""

from __future__ import annotations

from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from appointments.demo.plan import DemoSizes
from appointments.demo.services import demo_data_create
from meetassist.exceptions import DomainError

_DEFAULTS = DemoSizes()


class Command(BaseCommand):
    help = (
        "Add demo customers, consultants, slots, appointments (past and future), feedback "
        "and community programs. Bulk inserts: a million appointments take about a minute "
        "on PostgreSQL."
    )

    def add_arguments(self, parser) -> None:
        for name in ("customers", "consultants", "appointments", "programs"):
            parser.add_argument(f"--{name}", type=int, default=getattr(_DEFAULTS, name))
        parser.add_argument(
            "--days-back",
            type=int,
            default=None,
            help="Days of history (default: enough for the appointments, at least 60).",
        )
        parser.add_argument("--days-ahead", type=int, default=_DEFAULTS.days_ahead)
        parser.add_argument(
            "--seed", type=int, default=_DEFAULTS.seed, help="Same seed, same data."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds business data.",
        )

    def handle(self, *args, if_empty: bool, **options) -> None:
        sizes = DemoSizes(**{f.name: options[f.name] for f in fields(DemoSizes)})
        try:
            result = demo_data_create(sizes=sizes, if_empty=if_empty)
        except DomainError as err:
            raise CommandError(str(err)) from err
        if result.skipped:
            self.stdout.write(_("The database already holds data: no demo data added."))
            return
        for model, count in result.created.items():
            self.stdout.write(f"{count:>10,}  {model._meta.verbose_name_plural}")
        done = _("Demo data created in %(seconds).1f s.") % {"seconds": result.seconds}
        self.stdout.write(self.style.SUCCESS(done))
