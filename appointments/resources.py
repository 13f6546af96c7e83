"""django-import-export resources: the columns staff get when they export a changelist.

Columns are the model's own (snake_case, as in the archive) plus the names behind foreign
keys, so a spreadsheet is readable without a lookup. The admin's changelist queryset
already joins those rows (``list_select_related``), so the names cost no extra query.
Staff who may not view a related model get its key only (``for_viewer``): the same rule as
the changelist and the dashboard (``appointments.visibility``).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from django.db import models
from import_export import fields, resources

from .models import (
    Appointment,
    AppointmentFeedback,
    CommunityProgram,
    Consultant,
    ConsultantSchedule,
    Customer,
    ProgramParticipant,
)


def _name(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, readonly=True)


class MeetAssistResource(resources.ModelResource):
    #: Columns that show a related row, and the model whose view permission shows them.
    related_columns: dict[str, str] = {}

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        """Numbers as digits: import-export would render them with Django's number_format,
        so with USE_THOUSAND_SEPARATOR appointment 2574 would be "2,574" in a CSV file."""
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.IntegerField | models.FloatField | models.DecimalField):
            kwargs.setdefault("coerce_to_string", False)
        return kwargs


@cache
def _without(resource: type[MeetAssistResource], columns: frozenset[str]):
    class Reduced(resource):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            for column in columns:
                self.fields.pop(column, None)

        def get_export_order(self) -> tuple[str, ...]:
            return tuple(c for c in super().get_export_order() if c not in columns)

        def get_import_order(self) -> tuple[str, ...]:
            return tuple(c for c in super().get_import_order() if c not in columns)

    # The export form names its choices after the class: keep the original's name.
    Reduced.__name__ = Reduced.__qualname__ = resource.__name__
    return Reduced


def for_viewer(
    resource: type[MeetAssistResource], hidden: Collection[str]
) -> type[MeetAssistResource]:
    """``resource`` without the columns of the models (by name) its viewer may not see."""
    columns = frozenset(c for c, model in resource.related_columns.items() if model in hidden)
    return _without(resource, columns) if columns else resource


class CustomerResource(MeetAssistResource):
    class Meta:
        model = Customer
        fields = (
            "customer_id",
            "full_name",
            "email",
            "phone_number",
            "date_of_birth",
            "created_at",
            "is_disabled",
            "notes",
        )


class ConsultantResource(MeetAssistResource):
    class Meta:
        model = Consultant
        fields = (
            "consultant_id",
            "full_name",
            "email",
            "phone_number",
            "specialties",
            "qualifications",
            "join_date",
            "created_at",
            "is_disabled",
        )


class ConsultantScheduleResource(MeetAssistResource):
    consultant_name = _name("consultant__full_name", "consultant_name")
    related_columns = {"consultant_name": "consultant"}

    class Meta:
        model = ConsultantSchedule
        fields = (
            "schedule_id",
            "consultant",
            "consultant_name",
            "date",
            "start_time",
            "end_time",
            "is_available",
        )


class AppointmentResource(MeetAssistResource):
    customer_name = _name("customer__full_name", "customer_name")
    consultant_name = _name("consultant__full_name", "consultant_name")
    related_columns = {"customer_name": "customer", "consultant_name": "consultant"}

    class Meta:
        model = Appointment
        fields = (
            "appointment_id",
            "customer",
            "customer_name",
            "consultant",
            "consultant_name",
            "date",
            "time",
            "duration",
            "status",
            "meeting_url",
            "description",
            "created_at",
            "updated_at",
        )


class AppointmentFeedbackResource(MeetAssistResource):
    customer_name = _name("appointment__customer__full_name", "customer_name")
    consultant_name = _name("appointment__consultant__full_name", "consultant_name")
    related_columns = {"customer_name": "customer", "consultant_name": "consultant"}

    class Meta:
        model = AppointmentFeedback
        fields = (
            "appointment",
            "customer_name",
            "consultant_name",
            "rating",
            "customer_feedback",
            "created_at",
        )


class CommunityProgramResource(MeetAssistResource):
    class Meta:
        model = CommunityProgram
        fields = (
            "program_id",
            "program_name",
            "date",
            "status",
            "organizer",
            "url",
            "description",
            "content",
            "is_disabled",
            "created_at",
        )


class ProgramParticipantResource(MeetAssistResource):
    program_name = _name("program__program_name", "program_name")
    customer_name = _name("customer__full_name", "customer_name")
    related_columns = {"program_name": "communityprogram", "customer_name": "customer"}

    class Meta:
        model = ProgramParticipant
        fields = (
            "id",
            "program",
            "program_name",
            "customer",
            "customer_name",
            "registered_time",
            "status",
        )
