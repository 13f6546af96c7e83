"""Admin for consultants' schedule slots."""

from __future__ import annotations

from django.contrib import admin

from ..models import ConsultantSchedule
from ..resources import ConsultantScheduleResource
from .base import MeetAssistAdmin
from .changelist import UpcomingFirstMixin


@admin.register(ConsultantSchedule)
class ConsultantScheduleAdmin(UpcomingFirstMixin, MeetAssistAdmin):
    resource_classes = [ConsultantScheduleResource]
    list_display = ("schedule_id", "consultant", "date", "start_time", "end_time", "is_available")
    list_display_links = ("schedule_id", "consultant")
    related_keys = {"consultant": "consultant"}
    list_filter = ("is_available", "date", "consultant")
    search_fields = ("consultant__full_name", "consultant__email", "consultant__phone_number")
    date_hierarchy = "date"
    list_select_related = ("consultant",)
    autocomplete_fields = ("consultant",)

    upcoming_fields = ("date", "start_time")
