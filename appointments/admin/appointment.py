"""Admin for appointments (status actions, assign to slot, feedback inline) and feedback."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .. import services
from ..models import Appointment, AppointmentFeedback
from ..resources import AppointmentFeedbackResource, AppointmentResource
from .assign_slot import MOVABLE, AssignSlotMixin, assign_slot_url
from .base import MeetAssistAdmin
from .changelist import UpcomingFirstMixin
from .pages import date_time_text

CONFIRMED = ngettext_lazy(
    "%(count)d appointment confirmed.", "%(count)d appointments confirmed.", "count"
)
COMPLETED = ngettext_lazy(
    "%(count)d appointment marked completed.", "%(count)d appointments marked completed.", "count"
)
CANCELLED = ngettext_lazy(
    "%(count)d appointment cancelled; its slot is free again.",
    "%(count)d appointments cancelled; their slots are free again.",
    "count",
)


def status_action(name: str, service, description: Promise, done_message: Promise):
    """An admin action that moves each selected appointment through ``service``."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin: MeetAssistAdmin, request: HttpRequest, queryset) -> None:
        modeladmin.run_each(
            request,
            queryset,
            lambda pk: service(appointment_id=pk),
            action=name,
            done_message=done_message,
        )

    action.__name__ = name
    return action


class FeedbackInline(admin.StackedInline):
    model = AppointmentFeedback
    fields = ("rating", "customer_feedback", "created_at")
    readonly_fields = ("created_at",)
    extra = 0
    max_num = 1


@admin.register(Appointment)
class AppointmentAdmin(UpcomingFirstMixin, AssignSlotMixin, MeetAssistAdmin):
    resource_classes = [AppointmentResource]
    # Fits a 1366-pixel screen in both languages (tests/meetassist/test_screens_browser.py):
    # date and time in one column, the duration (nearly always an hour) on the form only.
    list_display = ("appointment_id", "when", "customer", "consultant", "status", "slot_link")
    list_display_links = ("appointment_id", "when")
    related_keys = {"customer": "customer", "consultant": "consultant"}
    list_filter = ("status", "date", "consultant")
    # Customer columns only: an OR that also spans the consultant (or the appointment's
    # own customer_id) keeps PostgreSQL from narrowing customers first, and a search of a
    # million appointments goes from ~50 ms to over a second. Consultants have a filter.
    search_fields = ("customer__full_name", "customer__email", "customer__phone_number")
    date_hierarchy = "date"
    list_select_related = ("customer", "consultant")
    autocomplete_fields = ("customer",)
    inlines = (FeedbackInline,)
    actions = ("confirm", "complete", "cancel", "assign_slot")

    # Status and slot move only through the actions and the assign-slot page (services);
    # a new appointment starts pending, without a consultant, until it is given a slot.
    add_fields = ("customer", "date", "time", "duration", "meeting_url", "description")
    change_fields = (
        "customer",
        ("consultant", "status"),
        ("date", "time", "duration"),
        "meeting_url",
        "description",
        ("created_at", "updated_at"),
    )
    change_readonly_fields = ("consultant", "status", "date", "time", "created_at", "updated_at")

    @admin.display(description=_("date and time"), ordering="date")
    def when(self, obj: Appointment) -> str:
        return date_time_text(obj.date, obj.time)

    def get_fields(self, request: HttpRequest, obj: Appointment | None = None):
        return self.change_fields if obj else self.add_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Appointment | None = None):
        return self.change_readonly_fields if obj else ()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and obj.status in MOVABLE:
            extra_context["assign_slot_url"] = assign_slot_url(obj.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("slot"))
    def slot_link(self, obj: Appointment) -> str:
        if obj.status not in MOVABLE:
            return "—"
        return format_html('<a href="{}">{}</a>', assign_slot_url(obj.pk), _("Assign to a slot"))

    confirm = status_action(
        "confirm", services.appointment_confirm, _("Confirm selected appointments"), CONFIRMED
    )
    complete = status_action(
        "complete",
        services.appointment_complete,
        _("Mark selected appointments completed"),
        COMPLETED,
    )
    cancel = status_action(
        "cancel", services.appointment_cancel, _("Cancel selected appointments"), CANCELLED
    )

    @admin.action(
        description=_("Assign the selected appointment to a slot…"), permissions=["change"]
    )
    def assign_slot(self, request: HttpRequest, queryset):
        pks = list(queryset.order_by().values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(
                request, _("Select exactly one appointment to assign to a slot."), messages.WARNING
            )
            return None
        return HttpResponseRedirect(assign_slot_url(pks[0]))


@admin.register(AppointmentFeedback)
class AppointmentFeedbackAdmin(MeetAssistAdmin):
    resource_classes = [AppointmentFeedbackResource]
    list_display = ("appointment", "customer", "consultant", "rating", "created_at")
    related_keys = {"customer": "appointment__customer", "consultant": "appointment__consultant"}
    list_filter = ("created_at", ("appointment__consultant", admin.RelatedFieldListFilter))
    search_fields = (
        "appointment__customer__full_name",
        "appointment__customer__email",
        "appointment__customer__phone_number",
    )
    date_hierarchy = "created_at"
    list_select_related = ("appointment__customer", "appointment__consultant")
    autocomplete_fields = ("appointment",)
    readonly_fields = ("created_at",)

    @admin.display(description=_("customer"), ordering="appointment__customer__full_name")
    def customer(self, obj: AppointmentFeedback):
        return obj.appointment.customer

    @admin.display(description=_("consultant"), ordering="appointment__consultant__full_name")
    def consultant(self, obj: AppointmentFeedback):
        return obj.appointment.consultant
