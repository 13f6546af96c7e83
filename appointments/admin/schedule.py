"""Admin for consultants' schedule slots."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from .. import selectors
from ..models import ConsultantSchedule
from ..resources import ConsultantScheduleResource
from .base import MeetAssistAdmin


@admin.register(ConsultantSchedule)
class ConsultantScheduleAdmin(MeetAssistAdmin):
    resource_classes = [ConsultantScheduleResource]
    list_display = ("schedule_id", "consultant", "date", "start_time", "end_time", "is_available")
    list_display_links = ("schedule_id", "consultant")
    related_keys = {"consultant": "consultant"}
    list_filter = ("is_available", "date", "consultant")
    search_fields = ("consultant__full_name", "consultant__email", "consultant__phone_number")
    date_hierarchy = "date"
    list_select_related = ("consultant",)
    autocomplete_fields = ("consultant",)

    def get_ordering(self, request: HttpRequest):
        """Today and the coming days first, soonest first; then the past, newest first."""
        return selectors.upcoming_then_past(today=timezone.localdate(), time="start_time")
