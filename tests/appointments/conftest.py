"""Fixtures for the admin tests: users who log in for real, each with a client of their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.http import HttpRequest
from django.test import Client

from tests.language import english

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def login(settings) -> Callable[..., Client]:
    """``login(perms=[...], staff=True, superuser=False)`` → a logged-in English client.

    Logs in through the authentication backend with a password, as staff do; MD5 hashing
    only keeps the test fast.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    made = 0

    def _login(*, perms: Sequence[str] = (), staff: bool = True, superuser: bool = False) -> Client:
        nonlocal made
        made += 1
        user = get_user_model().objects.create_user(
            username=f"user{made}", password=PASSWORD, is_staff=staff, is_superuser=superuser
        )
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client = Client()
        # django-axes checks every login against its request (a bare one stands in here).
        assert client.login(request=HttpRequest(), username=user.username, password=PASSWORD)
        return english(client)

    return _login


@pytest.fixture
def superuser_client(login) -> Client:
    return login(superuser=True)
