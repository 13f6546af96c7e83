"""``manage.py archive_schedule enable|disable|status [--every MINUTES] [--verify]``: the periodic
archive, or with ``--verify`` the nightly verification."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from archive.core.status import status_label
from archive.schedule import (
    schedule_disable,
    schedule_enable,
    schedule_status,
    verify_schedule_status,
    verify_schedule_switch,
)
from archive.selectors import verification_last
from meetassist.commands import positive
from meetassist.times import shown_time

from ._base import ArchiveCommand


class Command(ArchiveCommand):
    help = gettext_lazy(
        "Enable, disable or show the periodic archive (django-celery-beat); times are local "
        "(TIME_ZONE)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "action",
            choices=["enable", "disable", "status"],
            help=gettext_lazy("enable, disable or status"),
        )
        parser.add_argument(
            "--every",
            type=positive,
            metavar="MINUTES",
            help=gettext_lazy("Interval in minutes (enable)."),
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help=gettext_lazy(
                "The nightly verify_archive (02:00) instead of the periodic archive."
            ),
        )

    def handle(self, *args, action: str, every: int | None, verify: bool, **options) -> None:
        if verify:
            self._verify(action, every)
            return
        if every is not None and action != "enable":
            raise CommandError(_("--every goes with enable."))
        if action == "enable":
            schedule_enable(every_minutes=every)
        elif action == "disable":
            schedule_disable()
        status = schedule_status()
        state = _("enabled") if status.enabled else _("disabled")
        self.stdout.write(
            _("Periodic archive: %(state)s, every %(minutes)d min.")
            % {"state": state, "minutes": status.every_minutes}
        )
        if action == "status":
            self.stdout.write(
                _("Last run by beat: %(last)s (%(count)d runs).")
                % {
                    "last": shown_time(status.last_run_at, with_zone=True) or _("never"),
                    "count": status.total_run_count,
                }
            )
            run = status.manifest_last_run
            if run:
                self.stdout.write(
                    _("Manifest's last run: %(status)s, finished %(finished)s.")
                    % {
                        "status": status_label(run.get("status")),
                        "finished": shown_time(run.get("finished_at"), with_zone=True) or "—",
                    }
                )
            else:
                self.stdout.write(_("Manifest's last run: none."))
            self._verify_line()

    def _verify(self, action: str, every: int | None) -> None:
        if every is not None:
            raise CommandError(_("--every is for the periodic archive, not --verify."))
        if action != "status":
            verify_schedule_switch(enabled=action == "enable")
        self._verify_line()
        if action == "status":
            last = verification_last()
            if last is None:
                self.stdout.write(_("Last verification: none."))
            else:
                self.stdout.write(
                    ngettext(
                        "Last verification: %(result)s, %(when)s (%(n)d problem).",
                        "Last verification: %(result)s, %(when)s (%(n)d problems).",
                        last.problem_count,
                    )
                    % {
                        "result": last.get_result_display(),
                        "when": shown_time(last.finished_at, with_zone=True),
                        "n": last.problem_count,
                    }
                )

    def _verify_line(self) -> None:
        status = verify_schedule_status()
        state = _("enabled") if status.enabled else _("disabled")
        self.stdout.write(
            _("Nightly verification: %(state)s, at %(at)s (%(zone)s).")
            % {"state": state, "at": status.at, "zone": status.timezone}
        )
