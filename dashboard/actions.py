"""The dashboard's buttons (POST with CSRF, permission-checked): each calls one archive service."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetassist.exceptions import DomainError

from . import archive_actions, permissions
from .forms import LoadDayForm, ScheduleForm, form_error
from .permissions import staff_only
from .rendering import render_error


def _report(request: HttpRequest, started: archive_actions.TaskStarted, done: str) -> None:
    if started.failed:
        messages.error(request, _("It failed: %(detail)s") % {"detail": started.detail})
    elif started.finished:
        messages.success(request, done)
    else:
        messages.info(request, _("Queued; this page follows its progress."))


def _to(
    request: HttpRequest, url_name: str, may_see: permissions.Check, **query: str | None
) -> HttpResponseRedirect:
    """Back to the button's page; to the admin's index (where the message shows too) for
    staff who may press the button but not see that page, instead of a 403."""
    if not may_see(request.user):
        return HttpResponseRedirect(reverse("admin:index"))
    query = {k: v for k, v in query.items() if v}
    url = reverse(url_name)
    return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)


@staff_only(permissions.has(permissions.RUN_ARCHIVE))
@require_POST
def archive_run(request: HttpRequest) -> HttpResponse:
    try:
        started = archive_actions.archive_run_now(user=request.user)
    except DomainError as err:
        messages.error(request, str(err))
        return _to(request, "dashboard:archive", permissions.ARCHIVE_PAGE)
    _report(request, started, _("The archive run finished; the table below shows its result."))
    return _to(
        request,
        "dashboard:archive",
        permissions.ARCHIVE_PAGE,
        task=None if started.finished else started.task_id,
    )


@staff_only(permissions.has(permissions.RUN_ARCHIVE))
@require_POST
def archive_schedule(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return render_error(request, message=form_error(form), status=400)
    try:
        schedule = archive_actions.archive_schedule_set(
            user=request.user,
            enabled=form.cleaned_data["enabled"],
            every_minutes=form.cleaned_data["every_minutes"],
        )
    except DomainError as err:
        messages.error(request, str(err))
    else:
        if schedule.enabled:
            messages.success(request, _("The periodic archive is enabled."))
        else:
            messages.success(request, _("The periodic archive is disabled."))
    return _to(request, "dashboard:archive", permissions.ARCHIVE_PAGE)


@staff_only(permissions.has(permissions.LOAD_FROM_ARCHIVE))
@require_POST
def day_load(request: HttpRequest) -> HttpResponse:
    form = LoadDayForm(request.POST)
    if not form.is_valid():
        return render_error(request, message=form_error(form), status=400)
    date = form.cleaned_data["date"]
    try:
        started = archive_actions.archive_day_load(user=request.user, date=date)
    except DomainError as err:
        messages.error(request, str(err))
        return _to(request, "dashboard:day", permissions.DAY_PAGE, date=date.isoformat())
    _report(
        request,
        started,
        _("%(date)s was loaded from the archive.")
        % {"date": date_format(date, "SHORT_DATE_FORMAT")},
    )
    task = None if started.finished else started.task_id
    return _to(request, "dashboard:day", permissions.DAY_PAGE, date=date.isoformat(), task=task)
