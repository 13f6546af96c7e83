"""Admin for customers and consultants: slot generation and the consultant delete guard."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetassist.exceptions import DomainError

from .. import selectors, services
from ..forms import GenerateSlotsForm
from ..models import Consultant, Customer
from ..resources import ConsultantResource, CustomerResource
from .audit import log_action
from .base import MeetAssistAdmin, apply_each
from .pages import admin_form, page_context


@admin.register(Customer)
class CustomerAdmin(MeetAssistAdmin):
    resource_classes = [CustomerResource]
    list_display = (
        "customer_id",
        "full_name",
        "email",
        "phone_number",
        "created_at",
        "is_disabled",
    )
    list_display_links = ("customer_id", "full_name")
    list_filter = ("is_disabled", "created_at")
    search_fields = ("customer_id", "full_name", "email", "phone_number")
    date_hierarchy = "created_at"
    # Newest first, along the created_at index (full_name has none: sorting a big table by
    # it would read every row).
    ordering = ("-created_at",)
    readonly_fields = ("created_at",)


@admin.register(Consultant)
class ConsultantAdmin(MeetAssistAdmin):
    resource_classes = [ConsultantResource]
    list_display = ("full_name", "email", "phone_number", "join_date", "is_disabled")
    list_filter = ("is_disabled", "join_date")
    search_fields = ("full_name", "email", "phone_number")
    date_hierarchy = "join_date"
    readonly_fields = ("created_at",)
    actions = ("generate_slots",)

    def has_add_slots_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("appointments.add_consultantschedule")

    @admin.action(description=_("Generate schedule slots…"), permissions=["add_slots"])
    def generate_slots(self, request: HttpRequest, queryset):
        """Ask for a date range and hours, then create the missing slots (idempotent)."""
        consultants = list(queryset.order_by("full_name"))
        pattern = selectors.working_pattern(
            consultant_ids=[c.pk for c in consultants], today=timezone.localdate()
        )
        form = GenerateSlotsForm(
            request.POST if "apply" in request.POST else None,
            initial=GenerateSlotsForm.initial_for(pattern, today=timezone.localdate()),
        )
        if form.is_bound and form.is_valid():
            ids = [c.pk for c in consultants]
            try:
                result = services.schedule_generate(consultant_ids=ids, **form.cleaned_data)
            except DomainError as err:
                form.add_error(None, str(err))
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(created)d slot created (%(existing)d already existed).",
                        "%(created)d slots created (%(existing)d already existed).",
                        result.created,
                    )
                    % {"created": result.created, "existing": result.existing},
                    messages.SUCCESS,
                )
                log_action(
                    request,
                    action="generate_slots",
                    model=self.model,
                    ids=ids,
                    done=len(ids),
                    detail=f"{result.created} created, {result.existing} existed, "
                    f"options {form.cleaned_data}",
                )
                return None
        context = {
            **page_context(self, request, title=_("Generate schedule slots"), forms=[form]),
            "form": form,
            "adminform": admin_form(form, self),
            "pattern": pattern,
            "consultants": consultants,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/appointments/consultant/generate_slots.html", context
        )

    # --- delete guard: a consultant with appointments stays (docs/architecture.md, "Domain") ---
    def get_deleted_objects(self, objs, request: HttpRequest):
        """Refuse up front, with one sentence per consultant, instead of listing appointments."""
        refusals = services.consultant_delete_refusals(consultant_ids=[obj.pk for obj in objs])
        if refusals:
            return [], {}, set(), list(refusals.values())
        return super().get_deleted_objects(objs, request)

    def delete_model(self, request: HttpRequest, obj: Consultant) -> None:
        self.delete_queryset(request, Consultant.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        # The guard above has already refused; this only catches an appointment booked
        # meanwhile, which the service refuses under a row lock.
        ids = list(queryset.values_list("pk", flat=True))
        outcome = apply_each(ids, lambda pk: services.consultant_delete(consultant_id=pk))
        for message in outcome.refused:
            self.message_user(request, message, messages.ERROR)
        log_action(
            request,
            action="delete",
            model=self.model,
            ids=ids,
            done=len(outcome.done),
            refused=len(outcome.refused),
        )
