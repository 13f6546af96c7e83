"""Admin for community programs (participants inline) and their participants."""

from __future__ import annotations

from django.contrib import admin

from ..models import CommunityProgram, ProgramParticipant
from ..resources import CommunityProgramResource, ProgramParticipantResource
from .base import MeetAssistAdmin


class ParticipantInline(admin.TabularInline):
    model = ProgramParticipant
    fields = ("customer", "status", "registered_time")
    autocomplete_fields = ("customer",)
    extra = 0


@admin.register(CommunityProgram)
class CommunityProgramAdmin(MeetAssistAdmin):
    resource_classes = [CommunityProgramResource]
    list_display = ("program_name", "date", "status", "organizer", "is_disabled")
    list_filter = ("status", "date", "is_disabled")
    search_fields = ("program_name", "organizer")
    date_hierarchy = "date"
    readonly_fields = ("created_at",)
    inlines = (ParticipantInline,)


@admin.register(ProgramParticipant)
class ProgramParticipantAdmin(MeetAssistAdmin):
    resource_classes = [ProgramParticipantResource]
    list_display = ("customer", "program", "status", "registered_time")
    related_keys = {"customer": "customer", "program": "program"}
    list_filter = ("status", "registered_time", "program")
    search_fields = (
        "customer__full_name",
        "customer__email",
        "customer__phone_number",
        "program__program_name",
    )
    date_hierarchy = "registered_time"
    list_select_related = ("customer", "program")
    autocomplete_fields = ("program", "customer")
