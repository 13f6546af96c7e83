"""Create the local ``admin`` superuser once and print its login (embedded default only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from appointments.demo.login import LoginExists, demo_login_create
from meetassist.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Create the local demo login (a superuser) and print it; refused when DEBUG is off "
        "and for a username that exists."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--password",
            help="Use this password (it must pass the password validators) instead of a "
            "fresh random one.",
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="When the user exists, say so and exit 0 (make run), still changing nothing.",
        )

    def handle(self, *args, username: str, password: str | None, skip_existing: bool, **options):
        try:
            login = demo_login_create(username=username, password=password)
        except LoginExists as err:
            if skip_existing:
                self.stdout.write(str(err))
                return
            raise CommandError(str(err)) from err
        except DomainError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff login for http://127.0.0.1:8000/admin/ — user: {login.username}  "
                f"password: {login.password}"
            )
        )
