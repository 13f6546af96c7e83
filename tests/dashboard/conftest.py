"""Users of every kind the dashboard must tell apart, and the hand-counted business."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from tests import known_data

_numbers = itertools.count()


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(*, staff: bool = True, superuser: bool = False, perms: list[str] = ()) -> User:
        user = User.objects.create_user(
            username=f"user{next(_numbers)}",
            password=None,  # force_login needs none, and hashing one is slow
            is_staff=staff,
            is_superuser=superuser,
        )
        user.user_permissions.add(*[_permission(p) for p in perms])
        return user

    return make


@pytest.fixture
def client_for(make_user) -> Callable[..., Client]:
    """A logged-in client: ``client_for(perms=[…])``, ``client_for(superuser=True)``."""

    def make(**kwargs) -> Client:
        client = Client()
        client.force_login(make_user(**kwargs))
        return client

    return make


@pytest.fixture
def admin_client_(client_for) -> Client:
    return client_for(superuser=True)


@pytest.fixture
def known(db) -> known_data.Known:
    """The hand-counted business around the real today (pages use the current date)."""
    return known_data.build(today=timezone.localdate(), now=timezone.now())


@pytest.fixture
def schedule(db) -> PeriodicTask:
    """The archive's periodic task, as its data migration creates it (every 5 min, off)."""
    return PeriodicTask.objects.get(name="archive-all")
