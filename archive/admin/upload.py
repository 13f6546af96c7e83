"""Admin: the staff upload pages (upload → preview → confirm or cancel) and their history.

Uploading needs the ``archive.add_seedload`` permission (superusers have it); the admin
itself already refuses anyone who is not staff. The preview page only shows what the
check stored on the upload's record: the check runs in the upload's POST, or for a big
upload in a Celery task whose progress the page follows, never in a GET.

Who sees the history: those who may upload see their own uploads (they need to see what
became of them, and where confirming lands); the model's view permission
(``archive.view_staffupload``, superusers have it) shows everyone's, as any admin list.
"""

from __future__ import annotations

import uuid

from celery.backends.base import DisabledBackend
from celery.result import AsyncResult
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.admin.forms import UploadForm
from archive.admin.records import WrittenByServicesAdmin
from archive.models import StaffUpload
from archive.seed.upload import upload_window
from archive.seed.upload_samples import visible_samples
from archive.tasks import upload_confirm as upload_confirm_task
from archive.tasks import upload_preview as upload_preview_task
from archive.uploads import (
    CANCELLABLE,
    problems,
    staff_upload_cancel,
    staff_upload_confirm,
    staff_upload_create,
    staff_upload_find,
    staff_upload_preview,
    table_counts,
)
from meetassist.exceptions import DomainError

UPLOAD_PERMISSION = "archive.add_seedload"
HISTORY_ALL_PERMISSION = "archive.view_staffupload"


def may_upload(request: HttpRequest) -> bool:
    return request.user.has_perm(UPLOAD_PERMISSION)


def _require_permission(request: HttpRequest) -> None:
    if not may_upload(request):
        raise PermissionDenied(_("You may not upload archive data."))


def _runs_in_task(record: StaffUpload) -> bool:
    return record.expanded_bytes >= settings.ARCHIVE_UPLOAD_TASK_BYTES


class UploadViews:
    """The upload pages, mixed into the seed-load admin (their URLs live under it)."""

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        _require_permission(request)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                record = staff_upload_create(
                    files=form.cleaned_data["files"],
                    user=request.user,
                    date=form.cleaned_data.get("date"),
                    window_days=form.cleaned_data.get("window_days"),
                )
            except DomainError as err:
                form.add_error("files", str(err))
            else:
                self._check(record)
                return redirect("admin:archive_upload_preview", upload_id=record.upload_id)
        fieldsets = [(None, {"fields": list(form.fields)})]
        context = self._context(
            request,
            _("Upload CSV files"),
            form=form,
            adminform=AdminForm(form, fieldsets, {}),
            media=self.media + form.media,
        )
        return render(request, "admin/archive/upload.html", context)

    def _check(self, record: StaffUpload) -> None:
        """Check the upload now, or for a big one in a Celery task (the page follows it)."""
        if not _runs_in_task(record):
            staff_upload_preview(upload_id=record.upload_id)
            return
        record.task_id = str(uuid.uuid4())  # known before the task starts (or runs eagerly)
        record.save(update_fields=["task_id"])
        upload_preview_task.apply_async([record.upload_id], task_id=record.task_id)

    def preview_view(self, request: HttpRequest, upload_id: str) -> HttpResponse:
        _require_permission(request)
        try:
            record = self._own(request, upload_id)
        except DomainError as err:
            messages.error(request, str(err))
            return redirect("admin:archive_upload")
        if request.method == "POST":
            if "cancel" in request.POST:
                return self._cancel(request, upload_id)
            return self._confirm(request, record)
        context = self._context(
            request,
            _("Check the upload before loading it"),
            record=record,
            window=upload_window(record.window_date, record.window_days),
            tables=table_counts(record),
            errors=problems(record),
            samples=visible_samples(request.user, record.samples),
            can_confirm=record.status == StaffUpload.Status.PREVIEWED,
            can_cancel=record.status in CANCELLABLE,
        )
        return render(request, "admin/archive/upload_preview.html", context)

    def _own(self, request: HttpRequest, upload_id: str) -> StaffUpload:
        """The upload, if this user sent it or may see everyone's."""
        record = staff_upload_find(upload_id=upload_id)
        if record.user_id != request.user.pk and not request.user.has_perm(HISTORY_ALL_PERMISSION):
            raise DomainError(_("No such upload."))
        return record

    def _cancel(self, request: HttpRequest, upload_id: str) -> HttpResponse:
        try:
            staff_upload_cancel(upload_id=upload_id)
        except DomainError as err:
            messages.error(request, str(err))
        else:
            messages.success(request, _("Upload cancelled; its files were removed."))
        return self._landing(request)

    def _confirm(self, request: HttpRequest, record: StaffUpload) -> HttpResponse:
        try:
            if _runs_in_task(record):
                task = upload_confirm_task.delay(record.upload_id)
                if not task.ready():  # a worker loads it: follow its progress
                    return redirect("admin:archive_upload_task", task_id=task.id)
                lines = task.get()
            else:
                lines = staff_upload_confirm(upload_id=record.upload_id).lines()
        except DomainError as err:
            messages.error(request, str(err))
            return redirect("admin:archive_upload_preview", upload_id=record.upload_id)
        messages.success(request, " · ".join([_("Upload loaded."), *lines]))
        return self._landing(request)

    def _landing(self, request: HttpRequest) -> HttpResponse:
        """After a load or a cancel: the upload history, or the upload page for who may not
        view it (issue 13, item 5: never a page the user may not see)."""
        history = self.admin_site._registry.get(StaffUpload)
        if history is not None and history.has_view_permission(request):
            return redirect("admin:archive_staffupload_changelist")
        return redirect("admin:archive_upload")

    def task_view(self, request: HttpRequest, task_id: str) -> HttpResponse:
        _require_permission(request)
        task = AsyncResult(task_id)
        if isinstance(task.backend, DisabledBackend):
            # The default set-up: loads run as they are confirmed and no result is kept.
            message = _(
                "This installation keeps no task results (CELERY_BROKER_URL is not set), "
                "so a load's progress cannot be followed here."
            )
            if request.GET.get("format") == "json":
                return JsonResponse({"state": "UNKNOWN", "error": message}, status=404)
            messages.warning(request, message)
            return redirect("admin:archive_upload")
        state = {"state": task.state, "info": None}
        if task.state == "PROGRESS":
            state["info"] = task.info
        elif task.successful():
            result = task.result
            state["info"] = {"lines": result if isinstance(result, list) else []}
        elif task.failed():
            state["info"] = {"error": str(task.result)}
        if request.GET.get("format") == "json":
            return JsonResponse(state)
        context = self._context(request, _("Loading the upload"), task_id=task_id, state=state)
        return render(request, "admin/archive/upload_task.html", context)


@admin.register(StaffUpload)
class StaffUploadAdmin(WrittenByServicesAdmin):
    """The upload history: read-only; rows are written by the upload services only."""

    list_display = ("received_at", "user", "file_names", "status_and_outcome", "table_summary")
    list_filter = ("status", "received_at")
    change_list_template = "admin/archive/seedload/change_list.html"  # offers the upload
    fields = (
        "folder",
        "user",
        "received_at",
        "finished_at",
        "files",
        "bytes",
        "expanded_bytes",
        "window_date",
        "window_days",
        "status",
        "table_summary",
        "outcome",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("kept in"))
    def folder(self, record: StaffUpload) -> str:
        """Where the files are kept, named by the local time they came: the folder's own
        name is a UTC stamp, which staff would read as the wrong hour."""
        when = date_format(timezone.localtime(record.received_at), "DATETIME_FORMAT")
        return _("the archive storage's upload folder of %(when)s") % {"when": when}

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffUpload]:
        queryset = super().get_queryset(request).select_related("user")
        if request.user.has_perm(HISTORY_ALL_PERMISSION):
            return queryset
        return queryset.filter(user=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.has_perm(HISTORY_ALL_PERMISSION):
            return True
        return may_upload(request) and (obj is None or obj.user_id == request.user.pk)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or may_upload(request)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # Django looks the row up first (through the filtered queryset) and would send
        # someone with no access at all on to the index instead of refusing them.
        if not self.has_view_permission(request):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    @admin.display(description=gettext_lazy("files"))
    def file_names(self, record: StaffUpload) -> str:
        return ", ".join(record.files)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_and_outcome(self, record: StaffUpload) -> str:
        """The status, and what was said of it (why it failed, what archiving said)."""
        if not record.outcome:
            return record.get_status_display()
        return format_html(
            "{}<br><small>{}</small>",
            record.get_status_display(),
            Truncator(record.outcome).chars(120),
        )

    @admin.display(description=gettext_lazy("what was loaded"))
    def table_summary(self, record: StaffUpload) -> str:
        return "; ".join(
            _("%(table)s: %(new)d new, %(changed)d changed, %(unchanged)d unchanged")
            % {"table": c.table, "new": c.inserted, "changed": c.updated, "unchanged": c.unchanged}
            for c in table_counts(record)
        )

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {"can_upload": may_upload(request), **(extra_context or {})}
        return super().changelist_view(request, extra)
