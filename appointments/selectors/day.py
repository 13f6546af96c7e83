"""One day's appointments: by status, by consultant, free slots, and the list to act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, Q

from meetassist.queries import totals

from ..models import Appointment, ConsultantSchedule
from .common import STATUSES, zeros


@dataclass(frozen=True)
class ConsultantDay:
    consultant_id: int | None  # None: appointments no consultant is assigned to yet
    full_name: str | None  # None when consultants are not visible
    by_status: dict[str, int]
    total: int


@dataclass(frozen=True)
class Day:
    date: dt.date
    by_status: dict[str, int]
    total: int
    by_consultant: list[ConsultantDay]
    slots_offered: int | None
    slots_free: int | None


def appointment_day(*, date: dt.date, visible: Collection[str]) -> Day:
    """One day's appointments by status and by consultant, and its free schedule slots."""
    name_field = "consultant__full_name" if "consultant" in visible else "consultant_id"
    rows = (
        Appointment.objects.filter(date=date)
        .order_by()
        .values_list("consultant_id", name_field, "status")
        .annotate(n=Count("*"))
    )
    by_status = zeros(STATUSES)
    per_consultant: dict[int | None, tuple[str | None, dict[str, int]]] = {}
    for consultant_id, name, status, n in rows:
        by_status[status] += n
        label = name if "consultant" in visible and consultant_id is not None else None
        per_consultant.setdefault(consultant_id, (label, zeros(STATUSES)))[1][status] = n
    by_consultant = sorted(
        (
            ConsultantDay(consultant_id=cid, full_name=name, by_status=c, total=sum(c.values()))
            for cid, (name, c) in per_consultant.items()
        ),
        key=lambda row: (-row.total, row.full_name or "", row.consultant_id or 0),
    )
    offered = free = None
    if "consultantschedule" in visible:
        slots = ConsultantSchedule.objects.filter(date=date)
        counts = totals(
            slots, offered=Count("*"), free=Count("pk", filter=Q(is_available=True))
        ).get()
        offered, free = counts["offered"], counts["free"]
    return Day(
        date=date,
        by_status=by_status,
        total=sum(by_status.values()),
        by_consultant=by_consultant,
        slots_offered=offered,
        slots_free=free,
    )


@dataclass(frozen=True)
class AppointmentRow:
    appointment_id: int
    time: dt.time
    duration: int
    status: str
    customer_id: str
    customer_name: str | None
    consultant_id: int | None
    consultant_name: str | None


def appointment_day_list(
    *, date: dt.date, visible: Collection[str], offset: int = 0, limit: int = 100
) -> list[AppointmentRow]:
    """A page of one day's appointments in time order, names only where they may be seen."""
    fields = ["appointment_id", "time", "duration", "status", "customer_id", "consultant_id"]
    if "customer" in visible:
        fields.append("customer__full_name")
    if "consultant" in visible:
        fields.append("consultant__full_name")
    rows = (
        Appointment.objects.filter(date=date)
        .order_by("time", "appointment_id")
        .values(*fields)[offset : offset + limit]
    )
    return [
        AppointmentRow(
            appointment_id=row["appointment_id"],
            time=row["time"],
            duration=row["duration"],
            status=row["status"],
            customer_id=row["customer_id"],
            customer_name=row.get("customer__full_name"),
            consultant_id=row["consultant_id"],
            consultant_name=row.get("consultant__full_name"),
        )
        for row in rows
    ]
