"""The libraries' records named as staff read a time: local, in their language's style.

django-axes names its records with the attempt's UTC time as Python prints it
(``Access Log for x @ 2026-12-01 04:51:13.582024+00:00``) and django-celery-beat a clocked
schedule with its ISO time; the admin shows those names in titles, breadcrumbs and lists.
Their ``__str__`` is replaced here, once, when the project's app is ready.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .times import shown_time


def _attempt(record) -> str:
    return _("Attempted access by %(user)s, %(when)s") % {
        "user": record.username,
        "when": shown_time(record.attempt_time) or "—",
    }


def _access_log(record) -> str:
    return _("Login of %(user)s, %(when)s") % {
        "user": record.username,
        "when": shown_time(record.attempt_time) or "—",
    }


def _failure(record) -> str:
    if record.locked_out:
        text = _("Failed login of %(user)s from %(ip)s, %(when)s (locked out)")
    else:
        text = _("Failed login of %(user)s from %(ip)s, %(when)s")
    return text % {
        "user": record.username,
        "ip": record.ip_address,
        "when": shown_time(record.attempt_time) or "—",
    }


def _clocked(record) -> str:
    return shown_time(record.clocked_time) or "—"


def install() -> None:
    """Called from ``MeetAssistConfig.ready``: the models exist only once apps are loaded."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_celery_beat.models import ClockedSchedule

    AccessAttempt.__str__ = _attempt
    AccessLog.__str__ = _access_log
    AccessFailureLog.__str__ = _failure
    ClockedSchedule.__str__ = _clocked
