"""The local demo login (``manage.py create_staff_login``): created once, never changed.

It only creates: an existing user of that name, whoever it is, is left as it is (no
password reset, no promotion to superuser). A password given by hand must pass Django's
password validators (AUTH_PASSWORD_VALIDATORS).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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
