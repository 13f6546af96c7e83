"""The interface language: each user's own choice, stored with the account, Vietnamese unless
they chose otherwise.

Django's LocaleMiddleware would follow the browser's Accept-Language (many office PCs run
an English browser) and keep a choice only in a cookie (a new browser comes back in the
browser's language). Here a logged-in user's language is their stored preference, read once
at login into the session (so a page costs no query) and written by the language switch;
a visitor who is not logged in (the login page) gets the last choice made in this browser
(Django's language cookie) or ``LANGUAGE_CODE``. Accept-Language is never read. A choice
made in one browser reaches the user's other open sessions at their next login.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from .models import UserPreference

SESSION_KEY = "_meetassist_language"


def _supported(code: str | None) -> str | None:
    return code if code in dict(settings.LANGUAGES) else None


def language_of(user: Any) -> str:
    """The language ``user`` chose, or the site's default when they chose none."""
    chosen = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return _supported(chosen) or settings.LANGUAGE_CODE


def user_language_set(*, user: Any, language: str) -> UserPreference:
    """Store ``user``'s interface language (a code of settings.LANGUAGES)."""
    if _supported(language) is None:
        raise ValidationError(
            _("%(language)s is not a language of this site."), params={"language": language}
        )
    preference, _created = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference


def apply_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the user's language for the pages of this session."""
    request.session[SESSION_KEY] = language_of(user)


def request_language(request: HttpRequest) -> str:
    """The language of this request's pages (see the module's docstring)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        language = _supported(request.session.get(SESSION_KEY))
        if language is None:  # a session from before preferences were kept
            language = request.session[SESSION_KEY] = language_of(user)
        return language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return _supported(cookie) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """In place of LocaleMiddleware, after AuthenticationMiddleware (it needs the user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, redirect to ``next``), and for a logged-in user the
    choice kept with their account and in their session."""
    response = django_set_language(request)
    language = _supported(request.POST.get("language")) if request.method == "POST" else None
    if language is not None and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
        request.session[SESSION_KEY] = language
    return response
