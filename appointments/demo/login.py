"""The local demo login (``manage.py create_staff_login``): created once, never changed.

It only creates: an existing user of that name, whoever it is, is left as it is (no
password reset, no promotion to superuser). A password given by hand must pass Django's
password validators (AUTH_PASSWORD_VALIDATORS). A generated password is kept under var/
(``demo_login_remember``) so that ``make run`` prints the same login at every start.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError


class LoginExists(DomainError):
    """The username is taken: the demo login is never made from an existing user."""


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str


def demo_login_create(*, username: str = "admin", password: str | None = None) -> DemoLogin:
    """Create the local superuser ``username`` (DEBUG only) with ``password`` or a fresh one."""
    if not settings.DEBUG:
        raise DomainError(
            _("create_staff_login is for local development; with DEBUG off use createsuperuser.")
        )
    User = get_user_model()
    if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
        raise LoginExists(
            _(
                "The user %(username)s exists already and is left unchanged; reset its "
                "password with: manage.py changepassword %(username)s"
            )
            % {"username": username}
        )
    user = User(**{User.USERNAME_FIELD: username}, is_staff=True, is_superuser=True)
    if password is None:
        password = secrets.token_urlsafe(12)
    else:
        try:
            validate_password(password, user)
        except ValidationError as err:
            raise DomainError(" ".join(err.messages)) from err
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as err:  # created meanwhile by someone else
        raise LoginExists(
            _("The user %(username)s exists already.") % {"username": username}
        ) from err
    return DemoLogin(username=username, password=password)


def login_file() -> Path:
    """Where ``make run`` keeps the generated login: under var/ (gitignored), mode 0600."""
    return Path(settings.VAR_DIR) / "staff-login.json"


def demo_login_remember(login: DemoLogin) -> Path:
    """Keep a generated login so every ``make run`` prints the same one (DEBUG only).

    The file is created readable by its owner only, then moved into place, so no other
    user ever sees it with looser rights.
    """
    path = login_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.unlink(missing_ok=True)
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"username": login.username, "password": login.password}, out)
    os.replace(partial, path)
    return path


def demo_login_recall(*, username: str) -> DemoLogin | None:
    """The kept login of ``username`` while it still opens that account, else None (its
    password was changed since, or the file is someone else's or unreadable)."""
    try:
        kept = json.loads(login_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("username") != username:
        return None
    password = kept.get("password")
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if not isinstance(password, str) or user is None or not user.check_password(password):
        return None
    return DemoLogin(username=username, password=password)
