"""Create the local ``admin`` superuser once and print its login (embedded default only)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.demo.login import (
    DemoLogin,
    LoginExists,
    demo_login_create,
    demo_login_recall,
    demo_login_remember,
)
from meetassist.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Create the local demo login (a superuser) and print it; refused when DEBUG is off "
        "and for a username that exists. A generated password is kept in var/ "
        "(readable by you only), so that --skip-existing prints the same login again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--username", default="admin", help=gettext_lazy("Username (default: admin).")
        )
        parser.add_argument(
            "--password",
            help=gettext_lazy(
                "Use this password (it must pass the password validators) instead of a "
                "fresh random one."
            ),
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help=gettext_lazy(
                "When the user exists, print its kept login (or say it exists) and exit 0 "
                "(make run), still changing nothing."
            ),
        )
        parser.add_argument(
            "--address",
            default="127.0.0.1:8000",
            metavar="HOST:PORT",
            help=gettext_lazy(
                "The address the server listens on, for the link printed (default: "
                "127.0.0.1:8000; make run passes HOST)."
            ),
        )

    def handle(
        self,
        *args,
        username: str,
        password: str | None,
        skip_existing: bool,
        address: str,
        **options,
    ) -> None:
        try:
            login = demo_login_create(username=username, password=password)
        except LoginExists as err:
            if not skip_existing:
                raise CommandError(str(err)) from err
            kept = demo_login_recall(username=username)
            self.stdout.write(self._line(kept, address) if kept else str(err))
            return
        if password is None:
            demo_login_remember(login)
        self.stdout.write(self._line(login, address))

    def _line(self, login: DemoLogin, address: str) -> str:
        return self.style.SUCCESS(
            _("Staff login for %(url)s — user: %(username)s  password: %(password)s")
            % {
                # runserver takes a port alone too, and then listens on 127.0.0.1
                "url": f"http://{address if ':' in address else '127.0.0.1:' + address}/admin/",
                "username": login.username,
                "password": login.password,
            }
        )
