"""Customers and consultants: new customers per week, each consultant's workload and rating."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from meetassist.queries import totals

from ..models import Appointment, AppointmentFeedback, AppointmentStatus, Consultant, Customer
from .common import OPEN, week_start


@dataclass(frozen=True)
class WeekCount:
    week_start: dt.date
    count: int


@dataclass(frozen=True)
class CustomerRow:
    customer_id: str
    full_name: str
    created_at: dt.datetime
    is_disabled: bool


@dataclass(frozen=True)
class CustomerStats:
    total: int
    active: int
    disabled: int
    new_per_week: list[WeekCount]
    newest: list[CustomerRow]


def customer_stats(
    *, today: dt.date | None = None, weeks: int = 12, newest: int = 10
) -> CustomerStats:
    """Customer totals, customers created per week (the last ``weeks``, oldest first), newest."""
    today = today or timezone.localdate()
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(dt.datetime.combine(first_week, dt.time.min), zone)
    counts = totals(
        Customer.objects.all(), total=Count("*"), active=Count("pk", filter=Q(is_disabled=False))
    ).get()
    per_day = (
        Customer.objects.filter(created_at__gte=since)
        .order_by()
        .values_list(TruncDate("created_at", tzinfo=zone))
        .annotate(n=Count("*"))
    )
    per_week = {first_week + dt.timedelta(weeks=n): 0 for n in range(weeks)}
    for day, n in per_day:
        if week_start(day) in per_week:  # later than today: a clock-skewed row, not a week here
            per_week[week_start(day)] += n
    rows = Customer.objects.order_by("-created_at", "-customer_id").values_list(
        "customer_id", "full_name", "created_at", "is_disabled"
    )[:newest]
    return CustomerStats(
        total=counts["total"],
        active=counts["active"],
        disabled=counts["total"] - counts["active"],
        new_per_week=[WeekCount(week_start=w, count=n) for w, n in per_week.items()],
        newest=[CustomerRow(*row) for row in rows],
    )


@dataclass(frozen=True)
class ConsultantRow:
    consultant_id: int
    full_name: str
    is_disabled: bool
    upcoming: int | None  # pending or confirmed, dated today or later
    completed: int | None
    cancelled: int | None
    average_rating: float | None
    ratings: int | None


@dataclass(frozen=True)
class ConsultantTable:
    total: int
    active: int
    rows: list[ConsultantRow]


def consultant_table(
    *,
    visible: Collection[str],
    today: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> ConsultantTable:
    """A page of consultants by name with their appointment counts and average rating.

    Counts are taken for the page's consultants only, so the appointment index on
    (consultant, date) serves them however large the table grows.
    """
    today = today or timezone.localdate()
    counts = totals(
        Consultant.objects.all(), total=Count("*"), active=Count("pk", filter=Q(is_disabled=False))
    ).get()
    page = list(
        Consultant.objects.order_by("full_name", "consultant_id").values_list(
            "consultant_id", "full_name", "is_disabled"
        )[offset : offset + limit]
    )
    ids = [row[0] for row in page]
    work: dict[int, tuple[int, int, int]] = {}
    if "appointment" in visible and ids:
        work_rows = (
            Appointment.objects.filter(consultant_id__in=ids)
            .order_by()
            .values_list("consultant_id")
            .annotate(
                upcoming=Count("pk", filter=OPEN & Q(date__gte=today)),
                completed=Count("pk", filter=Q(status=AppointmentStatus.COMPLETED)),
                cancelled=Count("pk", filter=Q(status=AppointmentStatus.CANCELLED)),
            )
        )
        work = {cid: (up, done, cancelled) for cid, up, done, cancelled in work_rows}
    ratings: dict[int, tuple[float | None, int]] = {}
    if "appointmentfeedback" in visible and ids:
        rating_rows = (
            AppointmentFeedback.objects.filter(appointment__consultant_id__in=ids)
            .order_by()
            .values_list("appointment__consultant_id")
            .annotate(average=Avg("rating"), n=Count("*"))
        )
        ratings = {cid: (average, n) for cid, average, n in rating_rows}
    rows = []
    for consultant_id, name, disabled in page:
        counted = work.get(consultant_id, (0, 0, 0)) if "appointment" in visible else (None,) * 3
        rated = (
            ratings.get(consultant_id, (None, 0))
            if "appointmentfeedback" in visible
            else (None, None)
        )
        rows.append(ConsultantRow(consultant_id, name, disabled, *counted, *rated))
    return ConsultantTable(total=counts["total"], active=counts["active"], rows=rows)
