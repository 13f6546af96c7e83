"""Who may see what: staff only, and each model's data only with its view permission.

A change permission counts as view, as in the admin. The dashboard's own actions have their
own permissions (``dashboard.models.DashboardAccess``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from appointments.selectors import MODEL_NAMES

User = AbstractBaseUser | AnonymousUser
Check = Callable[[User], bool]

VIEW_ARCHIVE = "dashboard.view_archive_status"
RUN_ARCHIVE = "dashboard.run_archive"
LOAD_FROM_ARCHIVE = "dashboard.load_from_archive"


def can_view(user: User, model: type[models.Model]) -> bool:
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def visible_models(user: User) -> frozenset[str]:
    """The domain models (by model name) whose data ``user`` may see."""
    if not is_staff(user):
        return frozenset()
    return frozenset(
        name for name in MODEL_NAMES if can_view(user, apps.get_model("appointments", name))
    )


def sees(*names: str) -> Check:
    """A check passed by staff who may view all the named domain models."""
    return lambda user: set(names) <= visible_models(user)


def sees_any(user: User) -> bool:
    return bool(visible_models(user))


def has(permission: str) -> Check:
    return lambda user: user.has_perm(permission)


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def _permission_owner(model: type[models.Model]) -> type[models.Model]:
    """Whose permission guards a table: an automatic many-to-many table follows its model."""
    return model._meta.auto_created or model


def _table_owners() -> dict[str, type[models.Model]]:
    return {
        model._meta.db_table: _permission_owner(model)
        for model in apps.get_models(include_auto_created=True)
    }


def visible_tables(user: User, tables: Iterable[str]) -> list[str]:
    """The database tables ``user`` may inspect: those of models it may view (all: superuser)."""
    if not is_staff(user):
        return []
    if user.is_superuser:
        return list(tables)
    owners = _table_owners()
    return [name for name in tables if name in owners and can_view(user, owners[name])]


def sees_tables(user: User) -> bool:
    if not is_staff(user):
        return False
    return user.is_superuser or any(can_view(user, m) for m in set(_table_owners().values()))
