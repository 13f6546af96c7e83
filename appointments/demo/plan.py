"""What a demo_data run will create: sizes resolved against the clock and existing ids."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

# A working day: Monday to Saturday, hourly slots with a lunch break.
WORKDAYS = frozenset(range(6))
SLOT_TIMES = tuple((dt.time(h), dt.time(h + 1)) for h in (8, 9, 10, 11, 13, 14, 15, 16, 17))
# When --days-back is not given, the window grows until about this share of slots is booked.
TARGET_FILL = 0.65
MIN_DAYS_BACK = 60

# Customer ids look like a chat platform's (19 digits) yet are distinct by construction:
# n ↦ 10**18 + (n·A + B) mod 9·10**18 is a bijection because A is a prime not dividing it.
_ID_SPACE, _ID_A, _ID_B = 9 * 10**18, 2**61 - 1, 4_611_686_018_427_387_903


def customer_id(number: int) -> str:
    return str(10**18 + (number * _ID_A + _ID_B) % _ID_SPACE)


@dataclass(frozen=True)
class DemoSizes:
    customers: int = 500
    consultants: int = 20
    appointments: int = 5000
    programs: int = 12
    days_back: int | None = None  # None: enough days for the appointments
    days_ahead: int = 30
    seed: int = 2024


@dataclass(frozen=True)
class DemoPlan:
    """Sizes resolved against the clock and the ids already in the database."""

    sizes: DemoSizes
    now: dt.datetime
    first_customer: int
    first_consultant: int
    first_program: int
    first_appointment: int
    days: tuple[dt.date, ...]

    @classmethod
    def build(cls, sizes: DemoSizes, *, now: dt.datetime, first_ids: dict[str, int]) -> DemoPlan:
        if min(sizes.customers, sizes.consultants, sizes.appointments, sizes.programs) < 0:
            raise DomainError(_("Sizes cannot be negative."))
        if sizes.days_ahead < 0 or (sizes.days_back or 0) < 0:
            raise DomainError(_("--days-back and --days-ahead cannot be negative."))
        if sizes.appointments and not (sizes.customers and sizes.consultants):
            raise DomainError(_("Appointments need at least one customer and one consultant."))
        days_back = sizes.days_back
        if days_back is None:
            per_day = max(sizes.consultants, 1) * len(SLOT_TIMES) * TARGET_FILL
            calendar_days = math.ceil(sizes.appointments / per_day * 7 / len(WORKDAYS)) + 1
            days_back = max(MIN_DAYS_BACK, calendar_days - sizes.days_ahead)
        today = now.date()
        days = tuple(
            day
            for n in range(-days_back, sizes.days_ahead + 1)
            if (day := today + dt.timedelta(days=n)).weekday() in WORKDAYS
        )
        plan = cls(sizes=sizes, now=now, days=days, **first_ids)
        if sizes.appointments > plan.cells:
            raise DomainError(
                _(
                    "%(n)s appointments do not fit in %(cells)s slots: raise --days-back, "
                    "--days-ahead or --consultants."
                )
                % {"n": sizes.appointments, "cells": plan.cells}
            )
        return plan

    @property
    def cells(self) -> int:
        return len(self.days) * self.sizes.consultants * len(SLOT_TIMES)

    @property
    def start(self) -> dt.date:
        return self.days[0] if self.days else self.now.date()

    @cached_property
    def opened(self) -> dt.datetime:
        """When the first demo customer signed up: a year before the first slot."""
        midnight = dt.datetime.combine(self.start, dt.time(), tzinfo=self.now.tzinfo)
        return midnight - dt.timedelta(days=365)

    def customer_joined(self, number: int, jitter: float) -> dt.datetime:
        """Customers sign up one after another, evenly from ``opened`` until now.

        ``number`` counts this run's customers from 0; ``jitter`` is in [0, 0.9).
        """
        share = (number + (jitter if number else 0.0)) / self.sizes.customers
        return self.opened + self.signup_span * share

    @cached_property
    def signup_span(self) -> dt.timedelta:
        return self.now - self.opened

    def customers_by(self, moment: dt.datetime) -> int:
        """How many of this run's customers had signed up by ``moment`` (never fewer than 1)."""
        share = (moment - self.opened) / self.signup_span
        return max(1, min(self.sizes.customers, int(self.sizes.customers * share)))
