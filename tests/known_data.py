"""A small business with every number known by hand, placed around a given day.

Days are relative to ``today`` (T); with T = Wednesday 2025-03-12 the week is 10–16 March:

appointment  date   time  consultant customer status     created
a1           T      09:00 An (c1)    k1       pending    now − 1 d
a2           T      10:00 An         k2       confirmed  now − 2 d
a3           T      09:00 Bình (c2)  k1       cancelled  now − 3 d
a8           T      14:00 —          k2       pending    now − 1 h
a4           T − 3  09:00 An         k3       completed  now − 10 d   feedback 4.5
a5           T − 40 09:00 Bình       k2       completed  now − 40 d   feedback 3.0
a6           T + 5  09:00 An         k1       pending    now − 6 d
a7           T + 2  09:00 Bình       k3       confirmed  now − 8 d

Slots (✗ booked): An T 09 ✗, T 10 ✗, T 11, T+1 09, T+5 09 ✗; Bình T 09 (freed), T+2 09 ✗.
Customers k1 (now − 1 d), k2 (now − 9 d), k3 disabled (now − 100 d); Bình is disabled.
Programs p1 upcoming, p2 upcoming but disabled, p3 completed, p4 ongoing;
participants p1: k1 registered, k2 attended; p3: k1 cancelled, k3 attended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appointments import models
from tests import factories

FIXED_TODAY = dt.date(2025, 3, 12)


@dataclass
class Known:
    today: dt.date
    now: dt.datetime
    c1: models.Consultant
    c2: models.Consultant
    k1: models.Customer
    k2: models.Customer
    k3: models.Customer
    appointments: dict[str, models.Appointment]
    programs: dict[str, models.CommunityProgram]


def build(*, today: dt.date, now: dt.datetime) -> Known:
    day = dt.timedelta(days=1)
    c1 = factories.ConsultantFactory(full_name="An")
    c2 = factories.ConsultantFactory(full_name="Bình", is_disabled=True)
    k1 = factories.CustomerFactory(created_at=now - day)
    k2 = factories.CustomerFactory(created_at=now - 9 * day)
    k3 = factories.CustomerFactory(created_at=now - 100 * day, is_disabled=True)

    def appointment(date, hour, consultant, customer, status, created):
        return factories.AppointmentFactory(
            date=date,
            time=dt.time(hour),
            consultant=consultant,
            customer=customer,
            status=status,
            created_at=created,
        )

    a = {
        "a1": appointment(today, 9, c1, k1, "pending", now - day),
        "a2": appointment(today, 10, c1, k2, "confirmed", now - 2 * day),
        "a3": appointment(today, 9, c2, k1, "cancelled", now - 3 * day),
        "a8": appointment(today, 14, None, k2, "pending", now - dt.timedelta(hours=1)),
        "a4": appointment(today - 3 * day, 9, c1, k3, "completed", now - 10 * day),
        "a5": appointment(today - 40 * day, 9, c2, k2, "completed", now - 40 * day),
        "a6": appointment(today + 5 * day, 9, c1, k1, "pending", now - 6 * day),
        "a7": appointment(today + 2 * day, 9, c2, k3, "confirmed", now - 8 * day),
    }
    factories.FeedbackFactory(appointment=a["a4"], rating=4.5)
    factories.FeedbackFactory(appointment=a["a5"], rating=3.0)

    def slot(consultant, date, hour, free):
        factories.ScheduleFactory(
            consultant=consultant,
            date=date,
            start_time=dt.time(hour),
            end_time=dt.time(hour + 1),
            is_available=free,
        )

    slot(c1, today, 9, False)
    slot(c1, today, 10, False)
    slot(c1, today, 11, True)
    slot(c1, today + day, 9, True)
    slot(c1, today + 5 * day, 9, False)
    slot(c2, today, 9, True)
    slot(c2, today + 2 * day, 9, False)

    p = {
        "p1": factories.ProgramFactory(status="upcoming", date=today + 8 * day),
        "p2": factories.ProgramFactory(status="upcoming", is_disabled=True, date=today + 9 * day),
        "p3": factories.ProgramFactory(status="completed", date=today - 30 * day),
        "p4": factories.ProgramFactory(status="ongoing", date=today),
    }
    factories.ParticipantFactory(program=p["p1"], customer=k1, status="registered")
    factories.ParticipantFactory(program=p["p1"], customer=k2, status="attended")
    factories.ParticipantFactory(program=p["p3"], customer=k1, status="cancelled")
    factories.ParticipantFactory(program=p["p3"], customer=k3, status="attended")
    return Known(today, now, c1, c2, k1, k2, k3, a, p)
