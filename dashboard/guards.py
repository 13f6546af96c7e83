"""The door of every dashboard page and endpoint: active staff passing the page's check.

Pages send anonymous users to the admin login and answer others with a 403 page; JSON
endpoints answer 401 and 403 in JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .access import Check, is_staff
from .rendering import render_error


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

        return wrapped

    return decorate
