"""What the HTML pages add to their data: status labels and colours, charts, rows for tables."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appointments.models import AppointmentStatus, ParticipantStatus, ProgramStatus
from appointments.selectors import Overview, WeekCount
from archive.selectors import STATUS_LABELS

from .charts import Chart, Column, Series, stacked_bars

# Words that arrive as data (catalog kinds, manifest states) and are shown translated.
DATA_LABELS = {
    "primary key": gettext_lazy("primary key"),
    "foreign key": gettext_lazy("foreign key"),
    "unique": gettext_lazy("unique"),
    "check": gettext_lazy("check"),
    "identity": gettext_lazy("identity"),
    # the archive's run, table and file states, worded where the archive words them
    **STATUS_LABELS,
}

STATUS_COLORS = {
    AppointmentStatus.PENDING: "#c27c0e",
    AppointmentStatus.CONFIRMED: "#417690",
    AppointmentStatus.COMPLETED: "#3d8b37",
    AppointmentStatus.CANCELLED: "#ba2121",
}


def labelled(choices: type, counts: dict[str, int] | None) -> list[dict[str, Any]]:
    """``counts`` by status as rows with the status's translated label, in the choices' order."""
    if counts is None:
        return []
    return [
        {
            "key": value,
            "label": label,
            "count": counts.get(value, 0),
            "color": STATUS_COLORS.get(value, "#79aec8"),
        }
        for value, label in choices.choices
    ]


def appointment_statuses() -> list[dict[str, Any]]:
    return labelled(AppointmentStatus, dict.fromkeys(AppointmentStatus.values, 0))


def status_series() -> list[Series]:
    return [
        Series(value, label, STATUS_COLORS[value]) for value, label in AppointmentStatus.choices
    ]


def thirty_day_chart(overview: Overview) -> Chart | None:
    if overview.last_30_days is None:
        return None
    columns = [
        Column(
            label=date_format(day.date, "MONTH_DAY_FORMAT"),
            title=date_format(day.date, "SHORT_DATE_FORMAT"),
            values=day.by_status,
        )
        for day in overview.last_30_days
    ]
    return stacked_bars(
        columns,
        status_series(),
        description=_("Appointments per day over the last 30 days, by status"),
        max_labels=10,
    )


def weekly_chart(weeks: list[WeekCount]) -> Chart:
    series = Series("new", _("New customers"), "#417690")
    columns = [
        Column(
            label=date_format(week.week_start, "MONTH_DAY_FORMAT"),
            title=_("Week of %(date)s")
            % {"date": date_format(week.week_start, "SHORT_DATE_FORMAT")},
            values={"new": week.count},
        )
        for week in weeks
    ]
    return stacked_bars(columns, [series], description=_("New customers per week"))


def program_statuses(counts: dict[str, int]) -> list[dict[str, Any]]:
    return labelled(ProgramStatus, counts)


def participant_statuses(counts: dict[str, int] | None) -> list[dict[str, Any]]:
    return labelled(ParticipantStatus, counts)
