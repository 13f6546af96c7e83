"""Reads and statistics over the business's tables: every dashboard number comes from here.

Each function takes ``visible``, the model names the caller may see ("appointment",
"customer", …), and leaves out (as ``None``) what it may not, so no page computes a number it
would hide. Dates are local dates in TIME_ZONE. Nothing here writes.
"""

from __future__ import annotations

from .agenda import upcoming_then_past, upcoming_then_past_rows
from .common import MODEL_NAMES, PARTICIPANT_STATUSES, PROGRAM_STATUSES, STATUSES, week_start
from .day import AppointmentRow, ConsultantDay, Day, appointment_day, appointment_day_list
from .overview import (
    AppointmentSummary,
    ConsultantLoad,
    DayCounts,
    Overview,
    ProgramSummary,
    busiest_consultants,
    daily_counts,
    overview,
)
from .people import (
    ConsultantRow,
    ConsultantTable,
    CustomerRow,
    CustomerStats,
    WeekCount,
    consultant_table,
    customer_stats,
)
from .programs import ProgramRow, ProgramTable, program_table
from .slots import slot_for_appointment
from .working_pattern import WorkingPattern, default_working_pattern, working_pattern

__all__ = [
    "MODEL_NAMES",
    "PARTICIPANT_STATUSES",
    "PROGRAM_STATUSES",
    "STATUSES",
    "AppointmentRow",
    "AppointmentSummary",
    "ConsultantDay",
    "ConsultantLoad",
    "ConsultantRow",
    "ConsultantTable",
    "CustomerRow",
    "CustomerStats",
    "Day",
    "DayCounts",
    "Overview",
    "ProgramRow",
    "ProgramSummary",
    "ProgramTable",
    "WeekCount",
    "WorkingPattern",
    "appointment_day",
    "appointment_day_list",
    "busiest_consultants",
    "consultant_table",
    "customer_stats",
    "daily_counts",
    "default_working_pattern",
    "overview",
    "program_table",
    "slot_for_appointment",
    "upcoming_then_past",
    "upcoming_then_past_rows",
    "week_start",
    "working_pattern",
]
