"""The "assign to slot" page of an appointment: pick one of the free slots, move there.

GET lists free slots (filtered by consultant and dates from the query string); POST with
the CSRF token gives the chosen one to ``services.slot_assign``, which locks it, frees the
old slot and refuses with a ``DomainError`` shown to the user — never a server error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

from .. import selectors, services
from ..forms import SLOT_LIST_LIMIT, SlotChoiceForm, SlotFilterForm
from ..models import Appointment, AppointmentStatus
from .audit import log_action
from .pages import admin_form, page_context

MOVABLE = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)


def assign_slot_url(appointment_pk: object) -> str:
    return reverse("admin:appointments_appointment_assign_slot", args=[quote(appointment_pk)])


class AssignSlotMixin:
    """Adds ``<id>/assign-slot/`` to an Appointment ModelAdmin."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/assign-slot/",
                self.admin_site.admin_view(self.assign_slot_view),
                name="appointments_appointment_assign_slot",
            ),
            *super().get_urls(),
        ]

    def assign_slot_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        appointment = self.get_object(request, unquote(object_id))
        if appointment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, appointment):
            raise PermissionDenied
        choice = SlotChoiceForm(request.POST or None)
        if request.method == "POST" and choice.is_valid():
            return self._assign(request, appointment, choice.cleaned_data["slot"])
        start = max(timezone.localdate(), appointment.date)
        filters = SlotFilterForm(request.GET or None, initial={"date_from": start})
        slots = filters.slots()
        title = _("Assign %(appointment)s to a free slot") % {"appointment": appointment}
        context = {
            **page_context(self, request, title=title, forms=[filters]),
            "original": appointment,
            "current_slot": selectors.slot_for_appointment(appointment=appointment),
            "movable": appointment.status in MOVABLE,
            "filters": filters,
            "filters_form": admin_form(filters, self),
            "choice": choice,
            "slots": slots,
            "slot_list_limit": SLOT_LIST_LIMIT,
            "truncated": len(slots) >= SLOT_LIST_LIMIT,
        }
        return TemplateResponse(request, "admin/appointments/appointment/assign_slot.html", context)

    def _assign(self, request: HttpRequest, appointment: Appointment, slot) -> HttpResponse:
        try:
            moved = services.slot_assign(appointment_id=appointment.pk, schedule_id=slot.pk)
        except DomainError as err:
            refusal = str(err)
            self.message_user(request, refusal, messages.ERROR)
            # Back to the list, which now shows what is really free.
            response = HttpResponseRedirect(request.get_full_path())
        else:
            refusal = ""
            self.message_user(
                request,
                _("Appointment %(appointment)s now holds the slot %(slot)s.")
                % {"appointment": moved, "slot": slot},
                messages.SUCCESS,
            )
            response = HttpResponseRedirect(
                reverse("admin:appointments_appointment_change", args=[quote(appointment.pk)])
            )
        log_action(
            request,
            action="assign_slot",
            model=self.model,
            ids=[appointment.pk],
            done=0 if refusal else 1,
            refused=1 if refusal else 0,
            detail=f"slot {slot.pk}" + (f": {refusal}" if refusal else ""),
        )
        return response
