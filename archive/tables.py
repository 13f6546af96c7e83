"""The registry of archived tables: the one list exporter, seeder, upload and dashboard read.

Order is foreign-key order (parents first), the order the seeder loads in. Adding a model
to the archive is one ``TableSpec`` line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

from .codec import header_key

Kind = Literal["reference", "windowed"]


@dataclass(frozen=True)
class TableSpec:
    """How one model is archived.

    ``date_field`` is an ORM path (``"appointment__date"`` for feedback, which follows its
    appointment's month); ``key`` names the columns that identify a row in the archive
    (the primary key, or a natural key where the surrogate ``id`` is not archived).
    """

    name: str
    model_label: str
    kind: Kind
    date_field: str | None = None
    key: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()

    @cached_property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @cached_property
    def fields(self) -> list[models.Field]:
        """Archived concrete fields in model order; the CSV columns are their attnames."""
        return [f for f in self.model._meta.concrete_fields if f.attname not in self.exclude]

    @cached_property
    def columns(self) -> list[str]:
        return [f.attname for f in self.fields]

    @cached_property
    def key_columns(self) -> tuple[str, ...]:
        return self.key or (self.model._meta.pk.attname,)

    @property
    def windowed(self) -> bool:
        return self.kind == "windowed"

    def field_for_header(self, header: str) -> models.Field | None:
        """The field a CSV header names: ours (``customer_id``) or the original's (CustomerID)."""
        wanted = header_key(header)
        for field in self.fields:
            if header_key(field.attname) == wanted:
                return field
        return None


TABLES: tuple[TableSpec, ...] = (
    TableSpec("customer", "appointments.Customer", "reference"),
    TableSpec("consultant", "appointments.Consultant", "reference"),
    TableSpec("consultantschedule", "appointments.ConsultantSchedule", "windowed", "date"),
    TableSpec("communityprogram", "appointments.CommunityProgram", "reference"),
    TableSpec("appointment", "appointments.Appointment", "windowed", "date"),
    TableSpec(
        "appointmentfeedback", "appointments.AppointmentFeedback", "windowed", "appointment__date"
    ),
    TableSpec(
        "programparticipant",
        "appointments.ProgramParticipant",
        "reference",
        key=("program_id", "customer_id"),
        exclude=("id",),
    ),
)

_BY_NAME = {spec.name: spec for spec in TABLES}


def table(name: str) -> TableSpec:
    """The spec for a table name, matched case-insensitively (``Customer`` → customer)."""
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise DomainError(
            _("Unknown table “%(name)s”; archived tables are: %(known)s.")
            % {"name": name, "known": ", ".join(_BY_NAME)}
        ) from None


def tables(names: list[str] | None = None) -> list[TableSpec]:
    """The named tables (all when ``names`` is empty), always in foreign-key order."""
    if not names:
        return list(TABLES)
    wanted = {table(n).name for n in names}
    return [spec for spec in TABLES if spec.name in wanted]
