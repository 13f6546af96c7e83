"""Sessions that end when idle: each request moves the session's expiry on, at most once a
minute (a database write per request would be one more query on every page).

Django moves the expiry when a session is saved (``SESSION_COOKIE_AGE`` from then);
noting the time of the last request once a minute saves it, so a session unused for
``SESSION_IDLE_MINUTES`` has ended, give or take that minute. A login notes it too (the
login saves the session anyway), so the first page after it writes nothing more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

LAST_SEEN = "_meetassist_last_seen"
REFRESH_SECONDS = 60


def note_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver (connected in ``meetassist.apps``)."""
    request.session[LAST_SEEN] = int(time.time())


class SessionIdleMiddleware:
    """After SessionMiddleware: marks a logged-in session for saving once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(LAST_SEEN, 0) >= REFRESH_SECONDS:
                session[LAST_SEEN] = now
        return response
