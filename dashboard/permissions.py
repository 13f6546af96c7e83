"""Who may see what, and the door of every dashboard page and endpoint.

Staff only, and each model's data only with its view permission. The rule itself (a change
permission counts as view, as in the admin) lives in ``appointments.visibility``, which the
admin and its exports follow too. The dashboard's own actions have their own permissions
(``dashboard.models.DashboardAccess``).

The door (``staff_only``) lets through active staff passing the page's check: pages send
anonymous users to the admin login and answer others with a 403 page; JSON endpoints answer
401 and 403 in JSON. It leaves its check on the view, where the navigation reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from appointments.visibility import User, can_view, is_staff, visible_models

from .rendering import render_error

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


def _denied(request: HttpRequest, *, api: bool, status: int, message: str) -> HttpResponse:
    if api:
        return JsonResponse({"error": message, "status": status}, status=status)
    if status == 401:
        return redirect_to_login(request.get_full_path(), "admin:login")
    return render_error(request, message=message, status=status)


def staff_only(check: Check, *, api: bool = False) -> Callable:
    """Let through active staff that pass ``check``; everybody else gets 401/403 (or login)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return _denied(
                    request, api=api, status=401, message=_("Log in as staff to see this.")
                )
            if not is_staff(user):
                return _denied(
                    request, api=api, status=403, message=_("This is for staff accounts only.")
                )
            if not check(user):
                return _denied(
                    request,
                    api=api,
                    status=403,
                    message=_("Your account lacks the permission to see this."),
                )
            return view(request, *args, **kwargs)

        wrapped.dashboard_check = check  # the navigation shows a page to who passes it
        return wrapped

    return decorate
