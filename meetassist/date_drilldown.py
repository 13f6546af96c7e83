"""A date drill-down past the calendar is a bad filter in every admin, not a server error.

Django checks the drill-down's numbers, not their range: ``?date__year=99999…`` overflows
``datetime`` and ``?date__year=9999`` has no following year to end at. Either then raises
in ``ChangeList.get_filters``; here it becomes Django's answer to a bad filter (the list
without it) with a message. The project's changelists take ``CheckedDatesMixin``; a
library's admin is re-registered with ``CheckedDatesAdminMixin`` (meetassist/admin.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.utils.translation import gettext as _


class CheckedDatesMixin:
    """For a ``ChangeList``: a drill-down date out of range is a bad filter."""

    def get_filters(self, request: HttpRequest, *args: Any, **kwargs: Any):
        try:
            return super().get_filters(request, *args, **kwargs)
        except (OverflowError, ValueError) as err:
            messages.warning(request, _("That date is out of range: the list shows all dates."))
            raise IncorrectLookupParameters(err) from err


@cache
def checked_dates(changelist: type[ChangeList]) -> type[ChangeList]:
    """``changelist`` with ``CheckedDatesMixin`` (one class per changelist class)."""
    if issubclass(changelist, CheckedDatesMixin):
        return changelist
    return type(f"CheckedDates{changelist.__name__}", (CheckedDatesMixin, changelist), {})


class CheckedDatesAdminMixin:
    """For a ``ModelAdmin`` whose changelist is not the project's: whatever it is, it
    checks drill-down dates."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return checked_dates(super().get_changelist(request, **kwargs))
