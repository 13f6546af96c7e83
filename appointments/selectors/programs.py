"""Community programs: totals by status and each program's participants by status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count

from ..models import CommunityProgram, ProgramParticipant
from .common import PARTICIPANT_STATUSES, PROGRAM_STATUSES, UPCOMING_PROGRAM, zeros


@dataclass(frozen=True)
class ProgramRow:
    program_id: int
    program_name: str
    date: dt.date
    status: str
    organizer: str
    is_disabled: bool
    participants: dict[str, int] | None
    participants_total: int | None


@dataclass(frozen=True)
class ProgramTable:
    total: int
    upcoming: int  # status upcoming and not disabled, as on the overview
    by_status: dict[str, int]
    participants_by_status: dict[str, int] | None
    rows: list[ProgramRow]


def program_table(*, visible: Collection[str], offset: int = 0, limit: int = 50) -> ProgramTable:
    """A page of programs, newest date first, with participant counts where visible."""
    by_status = zeros(PROGRAM_STATUSES)
    upcoming = 0
    status_rows = (
        CommunityProgram.objects.order_by()
        .values_list("status")
        .annotate(n=Count("*"), upcoming=Count("pk", filter=UPCOMING_PROGRAM))
    )
    for status, n, upcoming_n in status_rows:
        by_status[status] = n
        upcoming += upcoming_n
    page = list(
        CommunityProgram.objects.order_by("-date", "-program_id").values_list(
            "program_id", "program_name", "date", "status", "organizer", "is_disabled"
        )[offset : offset + limit]
    )
    shown = "programparticipant" in visible
    totals: dict[str, int] | None = None
    per_program: dict[int, dict[str, int]] = {}
    if shown:
        totals = zeros(PARTICIPANT_STATUSES)
        for status, n in (
            ProgramParticipant.objects.order_by().values_list("status").annotate(n=Count("*"))
        ):
            totals[status] = n
        ids = [row[0] for row in page]
        participant_rows = (
            ProgramParticipant.objects.filter(program_id__in=ids)
            .order_by()
            .values_list("program_id", "status")
            .annotate(n=Count("*"))
        )
        for program_id, status, n in participant_rows:
            per_program.setdefault(program_id, zeros(PARTICIPANT_STATUSES))[status] = n
    rows = []
    for program_id, name, date, status, organizer, disabled in page:
        counts = per_program.get(program_id, zeros(PARTICIPANT_STATUSES)) if shown else None
        rows.append(
            ProgramRow(
                program_id=program_id,
                program_name=name,
                date=date,
                status=status,
                organizer=organizer,
                is_disabled=disabled,
                participants=counts,
                participants_total=sum(counts.values()) if counts is not None else None,
            )
        )
    return ProgramTable(
        total=sum(by_status.values()),
        upcoming=upcoming,
        by_status=by_status,
        participants_by_status=totals,
        rows=rows,
    )
