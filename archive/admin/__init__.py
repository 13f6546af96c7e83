"""Admin: the record of seed loads, the staff upload pages and the upload history.

The upload pages live under the seed-load admin's URLs; their views and the history's
admin are in archive/admin/upload.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _

from archive.admin.records import WrittenByServicesAdmin
from archive.admin.upload import StaffUploadAdmin, UploadViews, may_upload
from archive.core.tables import TABLES, table_label
from archive.models import SeedLoad
from meetassist.times import shown_time

__all__ = ["SeedLoadAdmin", "StaffUploadAdmin"]


class TableFilter(admin.SimpleListFilter):
    """The archived tables by the name staff know them by (the column shows the same)."""

    title = _("table")
    parameter_name = "table"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [(spec.name, spec.label) for spec in TABLES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(table=self.value()) if self.value() else queryset


@admin.register(SeedLoad)
class SeedLoadAdmin(UploadViews, WrittenByServicesAdmin):
    list_display = (
        "table_shown",
        "full",
        "window_start",
        "window_end",
        "loaded_at",
        "source",
        "unverified",
    )
    list_filter = (TableFilter, "full")
    # The record as staff read it: the table's name in their language, the manifest's
    # run as a local time (it is stored as the manifest's ISO text).
    fields = (
        "table_shown",
        "full",
        "window_start",
        "window_end",
        "loaded_at",
        "source",
        "manifest_database_id",
        "manifest_run_shown",
        "unverified",
    )
    readonly_fields = ("table_shown", "manifest_run_shown")
    change_list_template = "admin/archive/seedload/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="archive_upload"),
            path("upload/task/<str:task_id>/", view(self.task_view), name="archive_upload_task"),
            path("upload/<str:upload_id>/", view(self.preview_view), name="archive_upload_preview"),
            *super().get_urls(),
        ]

    @admin.display(description=_("table"), ordering="table")
    def table_shown(self, load: SeedLoad) -> str:
        return table_label(load.table)

    @admin.display(description=_("manifest last run"))
    def manifest_run_shown(self, load: SeedLoad) -> str:
        return shown_time(load.manifest_finished_at) or "—"

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra = {"can_upload": may_upload(request), **(extra_context or {})}
        return super().changelist_view(request, extra)
