"""Admin: the record of seed loads, the staff upload pages and the upload history.

The upload pages live under the seed-load admin's URLs; their views and the history's
admin are in archive/admin_upload.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path

from .admin_upload import StaffUploadAdmin, UploadViews, may_upload
from .models import SeedLoad

__all__ = ["SeedLoadAdmin", "StaffUploadAdmin"]


@admin.register(SeedLoad)
class SeedLoadAdmin(UploadViews, admin.ModelAdmin):
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
        extra = {"can_upload": may_upload(request), **(extra_context or {})}
        return super().changelist_view(request, extra)
