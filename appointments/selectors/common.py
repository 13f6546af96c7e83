"""Pieces every selector shares: the status keys, the filters that name business states."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db.models import Q

from ..models import AppointmentStatus, ParticipantStatus, ProgramStatus

# The names ``visible`` speaks of: each model of the business, by its model name.
MODEL_NAMES: tuple[str, ...] = (
    "appointment",
    "customer",
    "consultant",
    "consultantschedule",
    "appointmentfeedback",
    "communityprogram",
    "programparticipant",
)
STATUSES: tuple[str, ...] = tuple(AppointmentStatus.values)
PROGRAM_STATUSES: tuple[str, ...] = tuple(ProgramStatus.values)
PARTICIPANT_STATUSES: tuple[str, ...] = tuple(ParticipantStatus.values)

# Booked and still to happen (pending or confirmed), as opposed to completed or cancelled.
OPEN = Q(status__in=[AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED])
NOT_CANCELLED = ~Q(status=AppointmentStatus.CANCELLED)
UPCOMING_PROGRAM = Q(status=ProgramStatus.UPCOMING, is_disabled=False)


def zeros(keys: Collection[str]) -> dict[str, int]:
    return dict.fromkeys(keys, 0)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())
