"""Who may see what: staff only, and each model's data only with its view permission.

The rule itself (a change permission counts as view, as in the admin) lives in
``appointments.visibility``, which the admin and its exports follow too. The dashboard's own
actions have their own permissions (``dashboard.models.DashboardAccess``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import models

from appointments.visibility import User, can_view, is_staff, visible_models

Check = Callable[[User], bool]

VIEW_ARCHIVE = "dashboard.view_archive_status"
RUN_ARCHIVE = "dashboard.run_archive"
LOAD_FROM_ARCHIVE = "dashboard.load_from_archive"


def sees(*names: str) -> Check:
    """A check passed by staff who may view all the named domain models."""
    return lambda user: set(names) <= visible_models(user)


def sees_any(user: User) -> bool:
    return bool(visible_models(user))


def has(permission: str) -> Check:
    return lambda user: user.has_perm(permission)


# Who sees the pages the dashboard's buttons come back to (views.py guards them with these).
ARCHIVE_PAGE: Check = has(VIEW_ARCHIVE)
DAY_PAGE: Check = sees("appointment")


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
