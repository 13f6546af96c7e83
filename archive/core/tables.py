"""The registry of archived tables: the one list exporter, seeder, upload and dashboard read.

Order is foreign-key order (parents first), the order the seeder loads in. Adding a model
to the archive is one ``TableSpec`` line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Literal

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.core.codec import header_key
from meetassist.exceptions import DomainError

Kind = Literal["reference", "windowed"]

#: Columns the admin's export adds for people to read: the name behind a key. An upload
#: recognises them by name or by this label (in any language) and ignores them.
NAME_COLUMNS = {
    "customer_name": gettext_lazy("customer name"),
    "consultant_name": gettext_lazy("consultant name"),
    "program_name": gettext_lazy("program name"),
}


def field_label(field: models.Field) -> str | Promise:
    """A column's header as the admin's export writes it (lazy: the active language's):
    the field's verbose name; a reference column is named after the key it holds
    (``appointment.customer_id`` → "customer ID")."""
    named = field.target_field if field.is_relation else field
    return named.verbose_name


def _labels(label: str | Promise) -> set[str]:
    """``label`` as every language the site speaks writes it, compared loosely."""
    found = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found.add(header_key(str(label)))
    return found


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

    @cached_property
    def date_link(self) -> models.ForeignKey | None:
        """The foreign key a follower's date goes through (feedback: ``appointment``); None
        for a table with a date of its own or none. The one place ``date_field`` is parsed."""
        if not self.date_field or "__" not in self.date_field:
            return None
        return self.model._meta.get_field(self.date_field.split("__", 1)[0])

    @property
    def date_name(self) -> str | None:
        """The date field's name, on this table or (a follower) on its parent."""
        return self.date_field.rsplit("__", 1)[-1] if self.date_field else None

    @cached_property
    def own_date(self) -> models.Field | None:
        """A windowed table's own date field; None for a follower or a reference table."""
        if not self.windowed or self.date_link is not None:
            return None
        return self.model._meta.get_field(self.date_field)

    @property
    def label(self) -> str:
        """The table as staff call it, in their language (the model's plural name), as
        the dashboard's database page names it."""
        return capfirst(str(self.model._meta.verbose_name_plural))

    def field_for_header(self, header: str) -> models.Field | None:
        """The field a CSV header names: ours (``customer_id``), the original's
        (CustomerID), or the admin export's label in any language (``Mã khách hàng``)."""
        wanted = header_key(header)
        for field in self.fields:
            if header_key(field.attname) == wanted:
                return field
        return self._by_label.get(wanted)

    def is_name_column(self, header: str) -> bool:
        """Whether ``header`` is a column the admin's export adds for reading (a name
        behind a key), which an upload ignores; never one of the table's own columns."""
        return self.field_for_header(header) is None and header_key(header) in _name_keys()

    @cached_property
    def _by_label(self) -> dict[str, models.Field]:
        """The export's headers, in every language, to their fields; a label two fields
        share (in some language) names neither."""
        found: dict[str, models.Field] = {}
        shared: set[str] = set()
        for field in self.fields:
            for key in _labels(field_label(field)):
                if found.setdefault(key, field) is not field:
                    shared.add(key)
        return {key: field for key, field in found.items() if key not in shared}


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


@cache
def _name_keys() -> frozenset[str]:
    return frozenset(
        key
        for column, label in NAME_COLUMNS.items()
        for key in {header_key(column), *_labels(label)}
    )


def table_label(name: str) -> str:
    """A table's name as staff call it; a name no longer archived as it is."""
    spec = _BY_NAME.get(name.lower())
    return spec.label if spec else name


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


def parent_spec(spec: TableSpec) -> TableSpec | None:
    """The registry table a follower's date comes from (appointment for feedback)."""
    if not spec.windowed or spec.date_link is None:
        return None
    return next(s for s in tables() if s.model is spec.date_link.related_model)


def followers(spec: TableSpec) -> list[TableSpec]:
    """Windowed tables dated through this one (feedback by its appointment)."""
    return [
        other
        for other in TABLES
        if other.windowed and other.date_link and other.date_link.related_model is spec.model
    ]
