"""Forms for the admin: the phone number field, slot generation and assigning a slot.

They check types and ranges only; the business rules (dates in order, hours that fit, a
slot still free) live in services.py, which the views call with the cleaned data.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db.models import QuerySet
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from meetassist.phones import phone_normalize

from .models import Consultant, ConsultantSchedule
from .selectors.working_pattern import WorkingPattern

#: The assign-slot page lists at most this many free slots; filters narrow the rest.
SLOT_LIST_LIMIT = 200


class PhoneNumberField(forms.CharField):
    """A phone number in any form staff paste, cleaned to the one stored form.

    Text that is not a valid number is kept as typed (never refused, never changed);
    ``phone_warnings`` names it so the admin can say so after saving.
    """

    def __init__(self, **kwargs) -> None:
        if not kwargs.get("help_text"):
            kwargs["help_text"] = _(
                "Any form is accepted (+84…, 84…, 0084…, spaces, dots, dashes, a lost "
                "leading 0, an old 11-digit mobile) and stored as 0912345678. Text that is "
                "not a valid number is kept as typed, with a warning."
            )
        super().__init__(**kwargs)

    def to_python(self, value: object) -> str:
        return phone_normalize(super().to_python(value)).text


def phone_warnings(form: forms.BaseForm) -> list[str]:
    """A sentence for each phone number of a valid form kept as typed (not a number)."""
    return [
        _("“%(number)s” (%(field)s) is not a valid phone number; it was saved as typed.")
        % {"number": form.cleaned_data[name], "field": field.label}
        for name, field in form.fields.items()
        if isinstance(field, PhoneNumberField)
        and not phone_normalize(form.cleaned_data.get(name) or "").valid
    ]


class GenerateSlotsForm(forms.Form):
    """Arguments of ``services.schedule_generate`` for the selected consultants."""

    start_date = forms.DateField(label=_("from"), widget=admin_widgets.AdminDateWidget)
    end_date = forms.DateField(label=_("to (inclusive)"), widget=admin_widgets.AdminDateWidget)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=sorted(WEEKDAYS.items()),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_hour = forms.IntegerField(
        label=_("first slot starts at (hour)"), min_value=0, max_value=23
    )
    end_hour = forms.IntegerField(label=_("last slot ends by (hour)"), min_value=1, max_value=24)
    slot_minutes = forms.IntegerField(label=_("slot length (minutes)"), min_value=5, max_value=1440)
    break_start = forms.TimeField(
        label=_("break from"),
        required=False,
        widget=admin_widgets.AdminTimeWidget(format="%H:%M"),
        help_text=_("No slot overlaps the break (lunch); leave both empty for none."),
    )
    break_end = forms.TimeField(
        label=_("break until"), required=False, widget=admin_widgets.AdminTimeWidget(format="%H:%M")
    )

    @classmethod
    def initial_for(cls, pattern: WorkingPattern, *, today: dt.date) -> dict[str, object]:
        """Two weeks from today, in ``pattern`` (the consultants' own, or the defaults)."""
        return {
            "start_date": today,
            "end_date": today + dt.timedelta(days=13),
            "weekdays": list(pattern.weekdays),
            "start_hour": pattern.start_hour,
            "end_hour": pattern.end_hour,
            "slot_minutes": pattern.slot_minutes,
            "break_start": pattern.break_start,
            "break_end": pattern.break_end,
        }

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if bool(data.get("break_start")) != bool(data.get("break_end")):
            raise forms.ValidationError(_("Give the break a start and an end, or neither."))
        return data


def free_slots() -> QuerySet[ConsultantSchedule]:
    """Slots nobody holds, of consultants still working, soonest first."""
    return (
        ConsultantSchedule.objects.filter(is_available=True, consultant__is_disabled=False)
        .select_related("consultant")
        .order_by("date", "start_time", "consultant__full_name", "pk")
    )


class SlotFilterForm(forms.Form):
    """Narrows the free slots the assign-slot page lists (read from the query string)."""

    consultant = forms.ModelChoiceField(
        label=_("consultant"),
        queryset=Consultant.objects.filter(is_disabled=False),
        required=False,
        empty_label=_("any consultant"),
    )
    date_from = forms.DateField(
        label=_("from"), required=False, widget=admin_widgets.AdminDateWidget
    )
    date_to = forms.DateField(label=_("to"), required=False, widget=admin_widgets.AdminDateWidget)

    def slots(self) -> list[ConsultantSchedule]:
        """The free slots matching the filters, at most ``SLOT_LIST_LIMIT`` of them."""
        slots = free_slots()
        data = self.cleaned_data if self.is_bound and self.is_valid() else self.initial
        if data.get("consultant"):
            slots = slots.filter(consultant=data["consultant"])
        if data.get("date_from"):
            slots = slots.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            slots = slots.filter(date__lte=data["date_to"])
        return list(slots[:SLOT_LIST_LIMIT])


class SlotChoiceForm(forms.Form):
    """The slot picked on the assign-slot page; only a slot still free validates."""

    slot = forms.ModelChoiceField(
        label=_("slot"),
        queryset=free_slots(),
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("That slot is no longer free; choose another one."),
            "required": _("Choose a slot."),
        },
    )
