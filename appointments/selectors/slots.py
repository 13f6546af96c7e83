"""The schedule slot an appointment occupies (the admin's slot assignment shows it)."""

from __future__ import annotations

from ..models import Appointment, ConsultantSchedule


def slot_for_appointment(*, appointment: Appointment) -> ConsultantSchedule | None:
    """The slot row matching an appointment's consultant, date and time, if any."""
    if appointment.consultant_id is None:
        return None
    return ConsultantSchedule.objects.filter(
        consultant_id=appointment.consultant_id, date=appointment.date, start_time=appointment.time
    ).first()
