"""django-import-export resources: the columns staff get when they export a changelist.

Columns are the model's own, as the archive has them, plus the names behind foreign keys,
so a spreadsheet is readable without a lookup. The admin's changelist queryset already
joins those rows (``list_select_related``), so the names cost no extra query. Staff who may
not view a related model get its key only (``for_viewer``): the same rule as the changelist
and the dashboard (``appointments.visibility``).

An export is made to be uploaded back as it is (archive.seed.upload): headers are the fields'
verbose names in the staff's language (``archive.core.tables.field_label``, which the upload
recognises in every language), a reference column holds the key (``Mã khách hàng``), the
names next to it are columns the upload ignores (``archive.core.tables.NAME_COLUMNS``), a status
is its label (read back by ``archive.core.codec.choice_code``), and text goes through the
archive's formula escape (``archive.core.escape.excel_escape``), which the upload takes off.
``export_cell`` says what each value becomes, in CSV and in XLSX.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection
from functools import cache

import tablib
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from import_export import fields, resources

from archive.core import codec, escape
from archive.core.tables import NAME_COLUMNS, field_label

from .models import (
    Appointment,
    AppointmentFeedback,
    CommunityProgram,
    Consultant,
    ConsultantSchedule,
    Customer,
    ProgramParticipant,
)

#: Spreadsheets keep 15 significant digits: a whole number past them is written as text.
EXACT_DIGITS = 15
_SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
SHEET_NAME_MAX = 31


def _name(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, readonly=True)


def export_cell(field: models.Field | None, value: object, *, native: bool) -> object:
    """One exported value: canonical text for CSV, or a typed value for XLSX (``native``).

    ``field`` is the model field (None for a name column); a reference's value is its key.
    Text, statuses (as their labels in the active language) and keys held as text are
    escaped as the archive escapes them, in both formats. XLSX gets numbers, booleans,
    dates, times and local naive timestamps (openpyxl cannot store an offset) as such, and
    a whole number a spreadsheet would round as text.
    """
    if value is None or value == "":
        return None if native else ""
    if field is not None and field.choices:
        value = dict(field.flatchoices).get(value, value)
    if field is None or field.choices:
        return escape.excel_escape(str(value))
    if isinstance(value, str):
        return escape.text_cell(field, value)
    if field.is_relation:
        field = field.target_field
    if native:
        return _native(field, value)
    if isinstance(field, models.DateTimeField):
        return codec.local_timestamp(value)
    return codec.encode(field, value)


def _native(field: models.Field, value: object) -> object:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, float) and not math.isfinite(value):
        return codec.encode(field, value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**EXACT_DIGITS:
        return str(value)
    return value


def sheet_name(model: type[models.Model]) -> str:
    """The model's plural name in the active language, as a worksheet may be named."""
    name = _SHEET_FORBIDDEN.sub(" ", capfirst(str(model._meta.verbose_name_plural))).strip("' ")
    return name[:SHEET_NAME_MAX] or model._meta.model_name[:SHEET_NAME_MAX]


class MeetAssistResource(resources.ModelResource):
    #: Columns that show a related row, and the model whose view permission shows them.
    related_columns: dict[str, str] = {}

    def model_field(self, field: fields.Field) -> models.Field | None:
        """The model field a column exports; None for a name behind a key."""
        if field.column_name in NAME_COLUMNS and "__" in (field.attribute or ""):
            return None
        return self._meta.model._meta.get_field(field.attribute)

    def column_label(self, field: fields.Field) -> str:
        """A column's header in the staff's language: what the file says and what the
        export page's checkbox for it says."""
        model_field = self.model_field(field)
        label = NAME_COLUMNS[field.column_name] if model_field is None else None
        return capfirst(str(label or field_label(model_field)))

    def get_export_headers(self, selected_fields=None) -> list[str]:
        return [self.column_label(field) for field in self.get_export_fields(selected_fields)]

    def export_field(self, field: fields.Field, instance: models.Model, **kwargs) -> object:
        model_field = self.model_field(field)
        if model_field is not None and model_field.is_relation:
            value = getattr(instance, model_field.attname)  # the key, without a query
        else:
            value = field.get_value(instance)
        return export_cell(model_field, value, native=bool(kwargs.get("force_native_type")))

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        dataset = super().export(queryset, **kwargs)
        dataset.title = sheet_name(self._meta.model)
        return dataset


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
            "program",
            "program_name",
            "customer",
            "customer_name",
            "registered_time",
            "status",
        )
