"""The overview page: headline counts, the last 30 days, this week's busiest consultants."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils import timezone

from meetassist.queries import one_row, totals

from ..models import (
    Appointment,
    AppointmentFeedback,
    CommunityProgram,
    Consultant,
    ConsultantSchedule,
    Customer,
    ProgramParticipant,
)
from .common import NOT_CANCELLED, STATUSES, UPCOMING_PROGRAM, week_start, zeros


@dataclass(frozen=True)
class DayCounts:
    date: dt.date
    by_status: dict[str, int]
    total: int


@dataclass(frozen=True)
class ConsultantLoad:
    consultant_id: int
    full_name: str
    appointments: int
    slots_offered: int | None
    slots_booked: int | None
    utilisation: float | None  # booked / offered slots, None when none were offered


@dataclass(frozen=True)
class AppointmentSummary:
    total: int
    by_status: dict[str, int]
    today: int
    created_last_7_days: int


@dataclass(frozen=True)
class ProgramSummary:
    upcoming: int
    total: int


@dataclass(frozen=True)
class Overview:
    today: dt.date
    week_start: dt.date
    appointments: AppointmentSummary | None
    active_customers: int | None
    active_consultants: int | None
    programs: ProgramSummary | None
    participants: int | None
    average_rating: float | None
    ratings: int | None
    last_30_days: list[DayCounts] | None
    busiest_consultants: list[ConsultantLoad] | None


def _overview_counts(*, visible: Collection[str], today: dt.date, now: dt.datetime) -> dict:
    """Every headline number in one round trip, each table read once (statuses: by index)."""
    parts = []
    if "appointment" in visible:
        appointments = Appointment.objects.all()
        parts += [totals(appointments.filter(status=s), **{s: Count("*")}) for s in STATUSES]
        parts.append(totals(appointments.filter(date=today), today=Count("*")))
        week_ago = now - dt.timedelta(days=7)
        parts.append(totals(appointments.filter(created_at__gte=week_ago), created_7=Count("*")))
    if "customer" in visible:
        parts.append(totals(Customer.objects.filter(is_disabled=False), customers=Count("*")))
    if "consultant" in visible:
        parts.append(totals(Consultant.objects.filter(is_disabled=False), consultants=Count("*")))
    if "communityprogram" in visible:
        parts.append(
            totals(
                CommunityProgram.objects.all(),
                programs=Count("*"),
                programs_upcoming=Count("pk", filter=UPCOMING_PROGRAM),
            )
        )
    if "programparticipant" in visible:
        parts.append(totals(ProgramParticipant.objects.all(), participants=Count("*")))
    if "appointmentfeedback" in visible:
        parts.append(
            totals(AppointmentFeedback.objects.all(), rating=Avg("rating"), ratings=Count("*"))
        )
    return one_row(*parts)


def overview(
    *, visible: Collection[str], today: dt.date | None = None, now: dt.datetime | None = None
) -> Overview:
    """The overview page: headline counts, the last 30 days, this week's busiest consultants."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts = _overview_counts(visible=visible, today=today, now=now)
    appointments = None
    if "appointment" in visible:
        by_status = {status: counts[status] for status in STATUSES}
        appointments = AppointmentSummary(
            total=sum(by_status.values()),
            by_status=by_status,
            today=counts["today"],
            created_last_7_days=counts["created_7"],
        )
    programs = None
    if "communityprogram" in visible:
        programs = ProgramSummary(upcoming=counts["programs_upcoming"], total=counts["programs"])
    busiest = None
    if {"appointment", "consultant"} <= set(visible):
        busiest = busiest_consultants(visible=visible, start=week_start(today))
    return Overview(
        today=today,
        week_start=week_start(today),
        appointments=appointments,
        active_customers=counts.get("customers"),
        active_consultants=counts.get("consultants"),
        programs=programs,
        participants=counts.get("participants"),
        average_rating=counts.get("rating"),
        ratings=counts.get("ratings"),
        last_30_days=(
            daily_counts(first=today - dt.timedelta(days=29), last=today)
            if "appointment" in visible
            else None
        ),
        busiest_consultants=busiest,
    )


def daily_counts(*, first: dt.date, last: dt.date) -> list[DayCounts]:
    """Appointments per day and status from ``first`` to ``last``, days without any included."""
    found: dict[dt.date, dict[str, int]] = {}
    rows = (
        Appointment.objects.filter(date__range=(first, last))
        .order_by()
        .values_list("date", "status")
        .annotate(n=Count("*"))
    )
    for date, status, n in rows:
        found.setdefault(date, zeros(STATUSES))[status] = n
    days = []
    for offset in range((last - first).days + 1):
        date = first + dt.timedelta(days=offset)
        by_status = found.get(date, zeros(STATUSES))
        days.append(DayCounts(date=date, by_status=by_status, total=sum(by_status.values())))
    return days


def busiest_consultants(
    *, visible: Collection[str], start: dt.date, days: int = 7, limit: int = 10
) -> list[ConsultantLoad]:
    """Consultants with the most non-cancelled appointments in [start, start + days)."""
    end = start + dt.timedelta(days=days - 1)
    top = list(
        Appointment.objects.filter(
            NOT_CANCELLED, date__range=(start, end), consultant__isnull=False
        )
        .order_by()
        .values_list("consultant_id", "consultant__full_name")
        .annotate(n=Count("*"))
        .order_by("-n", "consultant__full_name", "consultant_id")[:limit]
    )
    slots: dict[int, tuple[int, int]] = {}
    if "consultantschedule" in visible and top:
        slot_rows = (
            ConsultantSchedule.objects.filter(
                date__range=(start, end), consultant_id__in=[row[0] for row in top]
            )
            .order_by()
            .values_list("consultant_id")
            .annotate(offered=Count("*"), booked=Count("pk", filter=Q(is_available=False)))
        )
        slots = {cid: (offered, booked) for cid, offered, booked in slot_rows}
    loads = []
    for consultant_id, name, n in top:
        offered, booked = slots.get(consultant_id, (0, 0))
        shown = "consultantschedule" in visible
        loads.append(
            ConsultantLoad(
                consultant_id=consultant_id,
                full_name=name,
                appointments=n,
                slots_offered=offered if shown else None,
                slots_booked=booked if shown else None,
                utilisation=booked / offered if shown and offered else None,
            )
        )
    return loads
