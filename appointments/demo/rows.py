"""The demo business as a stream of table rows: reproducible from a seed, memory flat.

Rows are plain tuples in the column order of ``COLUMNS``, so the same stream feeds
PostgreSQL's COPY and Django's ``bulk_create``. Every rule the database enforces holds by
construction: each appointment takes its own (consultant, date, time) cell of the slot grid,
the slot of an active one is marked taken, feedback exists only for completed ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db.models import Model

from ..models import (
    Appointment,
    AppointmentFeedback,
    AppointmentStatus,
    CommunityProgram,
    Consultant,
    ConsultantSchedule,
    Customer,
    ParticipantStatus,
    ProgramParticipant,
    ProgramStatus,
)
from . import vocabulary as words
from .plan import SLOT_TIMES, DemoPlan, customer_id

Row = tuple[type[Model], tuple]
P, S, S_PROGRAM = ParticipantStatus, AppointmentStatus, ProgramStatus
FEEDBACK_SHARE = 0.6  # of completed appointments

COLUMNS: dict[type[Model], tuple[str, ...]] = {
    Customer: ("customer_id", "full_name", "email", "phone_number", "date_of_birth",
               "created_at", "is_disabled", "notes"),
    Consultant: ("consultant_id", "full_name", "email", "phone_number", "specialties",
                 "qualifications", "join_date", "created_at", "is_disabled"),
    CommunityProgram: ("program_id", "program_name", "date", "description", "content",
                       "organizer", "url", "is_disabled", "status", "created_at"),
    ProgramParticipant: ("program_id", "customer_id", "registered_time", "status"),
    ConsultantSchedule: ("consultant_id", "date", "start_time", "end_time", "is_available"),
    Appointment: ("appointment_id", "consultant_id", "customer_id", "date", "time", "duration",
                  "meeting_url", "status", "description", "created_at", "updated_at"),
    AppointmentFeedback: ("appointment_id", "rating", "customer_feedback", "created_at"),
}  # fmt: skip


def demo_rows(plan: DemoPlan) -> Iterator[Row]:
    """Every row of the demo business, parents before children."""
    rng = random.Random(plan.sizes.seed)
    yield from _customers(plan, rng)
    yield from _consultants(plan, rng)
    yield from _programs(plan, rng)
    yield from _slots_and_appointments(plan, rng)


def _moment(plan: DemoPlan, rng: random.Random, first: dt.date, last: dt.date) -> dt.datetime:
    """A random aware time between the start of ``first`` and the end of ``last``, ≤ now."""
    span = max((last - first).days, 0) * 86400 + 86399
    start = dt.datetime.combine(first, dt.time(), tzinfo=plan.now.tzinfo)
    return min(start + dt.timedelta(seconds=rng.randrange(span)), plan.now)


def _customers(plan: DemoPlan, rng: random.Random) -> Iterator[Row]:
    for number in range(plan.sizes.customers):
        name, email, phone = words.person(rng, plan.first_customer + number)
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 42))
        joined = plan.customer_joined(number, rng.random() * 0.9)
        pk = customer_id(plan.first_customer + number)
        yield Customer, (pk, name, email, phone, born, joined, rng.random() < 0.02, "")


def _consultants(plan: DemoPlan, rng: random.Random) -> Iterator[Row]:
    first = plan.first_consultant
    for pk in range(first, first + plan.sizes.consultants):
        name, email, phone = words.person(rng, pk)
        joined = plan.start - dt.timedelta(days=rng.randrange(30, 2000))
        row = (
            pk,
            name,
            email.split("@")[0] + "@meetassist.vn",
            phone,
            ", ".join(rng.sample(words.SPECIALTIES, rng.randint(1, 3))),
            rng.choice(words.QUALIFICATIONS),
            joined,
            dt.datetime.combine(joined, dt.time(9), tzinfo=plan.now.tzinfo),
            False,
        )
        yield Consultant, row


def _programs(plan: DemoPlan, rng: random.Random) -> Iterator[Row]:
    today, last = plan.now.date(), plan.now.date() + dt.timedelta(days=plan.sizes.days_ahead)
    for pk in range(plan.first_program, plan.first_program + plan.sizes.programs):
        name = rng.choice(words.PROGRAMS)
        day = plan.start + dt.timedelta(days=rng.randrange((last - plan.start).days + 1))
        status = S_PROGRAM.COMPLETED if day < today else S_PROGRAM.UPCOMING
        if day == today:
            status = S_PROGRAM.ONGOING
        announced = _moment(plan, rng, day - dt.timedelta(days=45), day - dt.timedelta(days=14))
        row = (
            pk,
            f"{name} – đợt {pk}",
            day,
            "Sự kiện miễn phí cho học sinh, sinh viên và người mới đi làm.",
            f"{name}: chia sẻ kinh nghiệm, hỏi đáp trực tiếp cùng chuyên gia.",
            rng.choice(words.ORGANIZERS),
            f"https://meetassist.vn/su-kien/{pk}",
            rng.random() < 0.05,
            status,
            announced,
        )
        yield CommunityProgram, row
        if plan.sizes.customers:
            yield from _participants(plan, rng, pk, day, announced)


def _participants(
    plan: DemoPlan, rng: random.Random, program: int, day: dt.date, announced: dt.datetime
) -> Iterator[Row]:
    # Only customers who had signed up when the program was announced; they register after.
    known = plan.customers_by(announced)
    closes = min(dt.datetime.combine(day, dt.time(8), tzinfo=plan.now.tzinfo), plan.now)
    held = day < plan.now.date()
    for number in rng.sample(range(known), rng.randint(min(5, known), min(80, known))):
        r = rng.random()
        if held:
            state = P.ATTENDED if r < 0.8 else P.CANCELLED if r < 0.9 else P.REGISTERED
        else:
            state = P.REGISTERED if r < 0.9 else P.CANCELLED
        registered = announced + max(closes - announced, dt.timedelta()) * rng.random()
        yield (
            ProgramParticipant,
            (program, customer_id(plan.first_customer + number), registered, state),
        )


def _slots_and_appointments(plan: DemoPlan, rng: random.Random) -> Iterator[Row]:
    """Walk the slot grid once; selection sampling books exactly the requested number."""
    left, cells_left = plan.sizes.appointments, plan.cells
    pk = plan.first_appointment
    consultants = range(plan.first_consultant, plan.first_consultant + plan.sizes.consultants)
    today, draw = plan.now.date(), rng.random
    for day in plan.days:
        past = day < today
        for consultant in consultants:
            for start, end in SLOT_TIMES:
                free = True
                if left and draw() * cells_left < left:
                    left -= 1
                    appointment, feedback = _appointment(
                        plan, rng, pk, consultant, day, start, past
                    )
                    pk += 1
                    yield Appointment, appointment
                    if feedback is not None:
                        yield AppointmentFeedback, feedback
                    free = appointment[1] is None or appointment[7] == S.CANCELLED
                cells_left -= 1
                yield ConsultantSchedule, (consultant, day, start, end, free)


def _appointment(
    plan: DemoPlan,
    rng: random.Random,
    pk: int,
    consultant: int | None,
    day: dt.date,
    start: dt.time,
    past: bool,
) -> tuple[tuple, tuple | None]:
    """One appointment row, and its feedback row when it has one."""
    now, draw = plan.now, rng.random  # int(draw() * n): randrange's cost, cut for a hot loop
    r = draw()
    if past:  # mostly settled; a few nobody closed
        status = S.COMPLETED if r < 0.78 else S.CANCELLED if r < 0.95 else S.CONFIRMED
    else:
        status = S.PENDING if r < 0.45 else S.CONFIRMED if r < 0.9 else S.CANCELLED
        if status == S.PENDING and draw() < 0.15:
            consultant = None  # waiting for staff to assign someone
    r = draw()
    duration = 60 if r < 0.8 else 45 if r < 0.9 else 30
    begins = dt.datetime.combine(day, start, tzinfo=now.tzinfo)
    created = begins - dt.timedelta(seconds=7200 + int(draw() * 20 * 86400))
    if created > now:
        created = now - dt.timedelta(seconds=60 + int(draw() * 86400))
    if status == S.COMPLETED:
        updated = min(begins + dt.timedelta(minutes=duration + int(draw() * 120)), now)
    elif status == S.PENDING:
        updated = created
    else:
        updated = created + (min(begins, now) - created) * draw()
    row = (
        pk,
        consultant,
        customer_id(plan.first_customer + int(draw() * plan.customers_by(created))),
        day,
        start,
        duration,
        "" if status == S.PENDING else f"https://zoom.us/j/{8_000_000_000 + pk * 7919 % 10**9}",
        status,
        rng.choice(words.TOPICS),
        created,
        updated,
    )
    if status != S.COMPLETED or draw() >= FEEDBACK_SHARE:
        return row, None
    rating = rng.choices(words.RATINGS, cum_weights=words.RATING_WEIGHTS)[0]
    written = min(begins + dt.timedelta(minutes=duration + 10 + int(draw() * 4300)), now)
    return row, (pk, rating, words.feedback_comment(rng, rating), written)
