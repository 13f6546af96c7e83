"""Admin for records the archive's services write and staff only read."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class WrittenByServicesAdmin(admin.ModelAdmin):
    """No add, change or delete in the admin: the seeder and the upload write these rows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
