"""Admin actions and exports written to the ``meetassist.admin`` log: who, what, which rows."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db.models import Model
from django.http import HttpRequest

logger = logging.getLogger("meetassist.admin")

#: How many primary keys one log line names; the rest are counted.
MAX_LOGGED_IDS = 100


def _ids_text(ids: Sequence[object]) -> str:
    shown = ",".join(str(pk) for pk in ids[:MAX_LOGGED_IDS])
    hidden = len(ids) - MAX_LOGGED_IDS
    return f"{shown} (+{hidden} more)" if hidden > 0 else shown


def log_action(
    request: HttpRequest,
    *,
    action: str,
    model: type[Model],
    ids: Sequence[object],
    done: int,
    refused: int = 0,
    detail: str = "",
) -> None:
    """One INFO line per admin action (WARNING when some objects were refused)."""
    user = request.user
    logger.log(
        logging.WARNING if refused else logging.INFO,
        "admin action %s by %s (user id %s) on %s [%s]: %d done, %d refused%s",
        action,
        user.get_username(),
        user.pk,
        model._meta.label,
        _ids_text(ids),
        done,
        refused,
        f"; {detail}" if detail else "",
        extra={
            "admin_action": action,
            "admin_user": user.get_username(),
            "admin_model": model._meta.label,
            "admin_object_ids": [str(pk) for pk in ids[:MAX_LOGGED_IDS]],
        },
    )


def log_export(request: HttpRequest, *, model: type[Model], file_format: str) -> None:
    """An export names the changelist filters it applied, which define the rows."""
    user = request.user
    logger.info(
        "admin export by %s (user id %s) of %s as %s with filters %s",
        user.get_username(),
        user.pk,
        model._meta.label,
        file_format,
        request.GET.urlencode() or "(none)",
        extra={
            "admin_action": "export",
            "admin_user": user.get_username(),
            "admin_model": model._meta.label,
        },
    )
