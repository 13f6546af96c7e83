"""django-import-export resources: the columns staff get when they export a changelist.

Columns are the model's own (snake_case, as in the archive) plus the names behind foreign
keys, so a spreadsheet is readable without a lookup. The admin's changelist queryset
already joins those rows (``list_select_related``), so the names cost no extra query.
"""

from __future__ import annotations

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


class CustomerResource(resources.ModelResource):
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


class ConsultantResource(resources.ModelResource):
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


class ConsultantScheduleResource(resources.ModelResource):
    consultant_name = _name("consultant__full_name", "consultant_name")

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


class AppointmentResource(resources.ModelResource):
    customer_name = _name("customer__full_name", "customer_name")
    consultant_name = _name("consultant__full_name", "consultant_name")

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


class AppointmentFeedbackResource(resources.ModelResource):
    customer_name = _name("appointment__customer__full_name", "customer_name")
    consultant_name = _name("appointment__consultant__full_name", "consultant_name")

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


class CommunityProgramResource(resources.ModelResource):
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


class ProgramParticipantResource(resources.ModelResource):
    program_name = _name("program__program_name", "program_name")
    customer_name = _name("customer__full_name", "customer_name")

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
