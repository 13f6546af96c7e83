"""Admin: the record of seed loads, and the staff upload page (upload → preview → confirm).

Uploading needs the ``archive.add_seedload`` permission (superusers have it); the admin
itself already refuses anyone who is not staff.
"""

from __future__ import annotations

from celery.backends.base import DisabledBackend
from celery.result import AsyncResult
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

from .errors import LoadError
from .forms import UploadForm, WindowForm
from .models import SeedLoad
from .seed_tasks import upload_confirm as upload_confirm_task
from .upload import upload_confirm, upload_files, upload_preview, upload_receive, upload_size

UPLOAD_PERMISSION = "archive.add_seedload"


@admin.register(SeedLoad)
class SeedLoadAdmin(admin.ModelAdmin):
    list_display = (
        "table",
        "full",
        "window_start",
        "window_end",
        "loaded_at",
        "source",
        "unverified",
    )
    list_filter = ("table", "full")
    change_list_template = "admin/archive/seedload/change_list.html"

    # The record is written by the seeder only.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="archive_upload"),
            path("upload/task/<str:task_id>/", view(self.task_view), name="archive_upload_task"),
            path("upload/<str:upload_id>/", view(self.preview_view), name="archive_upload_preview"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {"can_upload": request.user.has_perm(UPLOAD_PERMISSION), **(extra_context or {})}
        return super().changelist_view(request, extra)

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
                upload = upload_receive(files=form.cleaned_data["files"])
            except DomainError as err:
                form.add_error("files", str(err))
            else:
                target = reverse("admin:archive_upload_preview", args=[upload.id])
                return redirect(f"{target}?{urlencode(form.query())}")
        context = self._context(request, _("Upload CSV files"), form=form)
        return render(request, "admin/archive/upload.html", context)

    def preview_view(self, request: HttpRequest, upload_id: str) -> HttpResponse:
        _require_permission(request)
        window_form = WindowForm(request.POST if request.method == "POST" else request.GET)
        if not window_form.is_valid():
            messages.error(request, _("The window is not valid."))
            return redirect("admin:archive_upload")
        window = window_form.window()
        if request.method == "POST":
            return self._confirm(request, upload_id, window_form)
        errors, result = [], None
        try:
            result = upload_preview(upload_id=upload_id, window=window)
        except LoadError as err:
            errors = err.errors
        except DomainError as err:
            messages.error(request, str(err))
            return redirect("admin:archive_upload")
        context = self._context(
            request,
            _("Check the upload before loading it"),
            upload_id=upload_id,
            files=upload_files(upload_id),
            result=result,
            errors=errors,
            window=window,
            query=window_form.query(),
        )
        return render(request, "admin/archive/upload_preview.html", context)

    def _confirm(self, request: HttpRequest, upload_id: str, window_form: WindowForm):
        date = window_form.cleaned_data.get("date")
        days = window_form.cleaned_data.get("window_days")
        try:
            if upload_size(upload_id) >= settings.ARCHIVE_UPLOAD_TASK_BYTES:
                task = upload_confirm_task.delay(upload_id, date and date.isoformat(), days)
                if not task.ready():  # a worker loads it: follow its progress
                    return redirect("admin:archive_upload_task", task_id=task.id)
                lines = task.get()
            else:
                lines = upload_confirm(upload_id=upload_id, window=window_form.window()).lines()
        except DomainError as err:
            messages.error(request, str(err))
            return redirect("admin:archive_upload")
        messages.success(request, " · ".join([_("Upload loaded."), *lines]))
        return self._landing(request)

    def _landing(self, request: HttpRequest) -> HttpResponse:
        """After a load: the record of loads, or the upload page for who may not view it."""
        if self.has_view_permission(request):
            return redirect("admin:archive_seedload_changelist")
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
            state["info"] = {"lines": task.result}
        elif task.failed():
            state["info"] = {"error": str(task.result)}
        if request.GET.get("format") == "json":
            return JsonResponse(state)
        context = self._context(request, _("Loading the upload"), task_id=task_id, state=state)
        return render(request, "admin/archive/upload_task.html", context)


def _require_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(UPLOAD_PERMISSION):
        raise PermissionDenied(_("You may not upload archive data."))
