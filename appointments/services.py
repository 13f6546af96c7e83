"""Business rules for appointments and slots: the one place admin, commands and tasks write.

Every function is atomic and raises ``DomainError`` with a message staff can act on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from meetassist.exceptions import DomainError

from .models import Appointment, AppointmentStatus, Consultant, ConsultantSchedule

S = AppointmentStatus

# Allowed moves; completed and cancelled are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Constraint names (models.py) → what they mean for staff.
_CONSTRAINT_MESSAGES = {
    "appointment_one_active_per_consultant_slot": gettext_lazy(
        "this consultant already has an active appointment at that date and time"
    ),
    "schedule_one_slot_per_consultant_start": gettext_lazy(
        "this consultant already has a slot at that time"
    ),
    "participant_once_per_program": gettext_lazy(
        "this customer is already registered for the program"
    ),
    "appointment_status_valid": gettext_lazy(
        "the status is not one of pending, confirmed, completed, cancelled"
    ),
    "feedback_rating_0_to_5": gettext_lazy("the rating must be between 0 and 5"),
    "schedule_ends_after_start": gettext_lazy("a slot must end after it starts"),
    "appointment_duration_positive": gettext_lazy("the duration must be positive"),
    "program_status_valid": gettext_lazy(
        "the program status is not one of upcoming, ongoing, completed"
    ),
    "participant_status_valid": gettext_lazy(
        "the participant status is not one of registered, attended, cancelled"
    ),
}


def integrity_message(err: IntegrityError) -> str:
    """Turn a database integrity error into a sentence that names the conflict."""
    text = str(err)
    for constraint, message in _CONSTRAINT_MESSAGES.items():
        if constraint in text:
            return _("Conflict: %(message)s (%(constraint)s).") % {
                "message": message,
                "constraint": constraint,
            }
    if "foreign key" in text.lower() or "FOREIGN KEY" in text:
        return _(
            "Conflict: a referenced record does not exist or is still in use (%(detail)s)."
        ) % {"detail": text.splitlines()[0]}
    if "duplicate key" in text or "UNIQUE constraint failed" in text:
        return _("Conflict: a record with the same key already exists (%(detail)s).") % {
            "detail": text.splitlines()[0]
        }
    return _("The database refused the change: %(detail)s") % {"detail": text.splitlines()[0]}


def _free_slot_of(appointment: Appointment) -> None:
    if appointment.consultant_id is None:
        return
    ConsultantSchedule.objects.filter(
        consultant_id=appointment.consultant_id,
        date=appointment.date,
        start_time=appointment.time,
    ).update(is_available=True)


def _locked(appointment_id: int) -> Appointment:
    try:
        return Appointment.objects.select_for_update().get(pk=appointment_id)
    except Appointment.DoesNotExist as err:
        raise DomainError(_("Appointment %(id)s does not exist.") % {"id": appointment_id}) from err


@transaction.atomic
def appointment_set_status(*, appointment_id: int, status: str) -> Appointment:
    """Move an appointment along pending → confirmed → completed, or cancel it.

    Cancelling frees the slot it held.
    """
    appointment = _locked(appointment_id)
    if status not in TRANSITIONS:
        raise DomainError(_("Unknown status “%(status)s”.") % {"status": status})
    if status not in TRANSITIONS[appointment.status]:
        raise DomainError(
            _("Appointment %(id)s is %(current)s and cannot become %(new)s.")
            % {
                "id": appointment.pk,
                "current": AppointmentStatus(appointment.status).label,
                "new": AppointmentStatus(status).label,
            }
        )
    if status == S.CANCELLED:
        _free_slot_of(appointment)
    appointment.status = status
    appointment.save(update_fields=["status"])
    return appointment


def appointment_confirm(*, appointment_id: int) -> Appointment:
    return appointment_set_status(appointment_id=appointment_id, status=S.CONFIRMED)


def appointment_complete(*, appointment_id: int) -> Appointment:
    return appointment_set_status(appointment_id=appointment_id, status=S.COMPLETED)


def appointment_cancel(*, appointment_id: int) -> Appointment:
    return appointment_set_status(appointment_id=appointment_id, status=S.CANCELLED)


@transaction.atomic
def slot_assign(*, appointment_id: int, schedule_id: int) -> Appointment:
    """Give an appointment a free slot: its consultant, date and time follow the slot.

    The new slot is locked (SELECT … FOR UPDATE on PostgreSQL) so two staff racing for it
    cannot both win; the appointment's old slot is freed.
    """
    appointment = _locked(appointment_id)
    if appointment.status in (S.COMPLETED, S.CANCELLED):
        raise DomainError(
            _("Appointment %(id)s is %(status)s; only pending or confirmed ones can move.")
            % {"id": appointment.pk, "status": AppointmentStatus(appointment.status).label}
        )
    try:
        slot = ConsultantSchedule.objects.select_for_update().get(pk=schedule_id)
    except ConsultantSchedule.DoesNotExist as err:
        raise DomainError(_("Schedule slot %(id)s does not exist.") % {"id": schedule_id}) from err
    if not slot.is_available:
        raise DomainError(
            _("The slot %(slot)s is already taken; choose a free one.") % {"slot": slot}
        )
    _free_slot_of(appointment)
    appointment.consultant_id = slot.consultant_id
    appointment.date = slot.date
    appointment.time = slot.start_time
    slot.is_available = False
    try:
        with transaction.atomic():
            appointment.save(update_fields=["consultant", "date", "time"])
            slot.save(update_fields=["is_available"])
    except IntegrityError as err:
        raise DomainError(integrity_message(err)) from err
    return appointment


@dataclass(frozen=True)
class SlotGeneration:
    created: int
    existing: int


@transaction.atomic
def schedule_generate(
    *,
    consultant_ids: Iterable[int],
    start_date: dt.date,
    end_date: dt.date,
    weekdays: Iterable[int] = (0, 1, 2, 3, 4),
    start_hour: int = 8,
    end_hour: int = 17,
    slot_minutes: int = 60,
    break_start: dt.time | None = None,
    break_end: dt.time | None = None,
) -> SlotGeneration:
    """Create slots for each consultant on the given weekdays (Monday = 0) of a date range,
    none overlapping the break (slots start again when it ends).

    Idempotent: a slot that already exists (same consultant, date, start) is kept as it is.
    """
    if end_date < start_date:
        raise DomainError(_("The end date is before the start date."))
    if not 0 <= start_hour < end_hour <= 24:
        raise DomainError(_("Hours must satisfy 0 ≤ start < end ≤ 24."))
    if not 5 <= slot_minutes <= (end_hour - start_hour) * 60:
        raise DomainError(_("The slot length must be at least 5 minutes and fit in the day."))
    if (break_start is None) != (break_end is None) or (
        break_start is not None and not break_start < break_end
    ):
        raise DomainError(_("A break needs a start and a later end."))
    days = {int(d) for d in weekdays}
    if not days <= set(range(7)):
        raise DomainError(_("Weekdays are numbers from 0 (Monday) to 6 (Sunday)."))
    consultant_ids = list(dict.fromkeys(consultant_ids))  # a repeated id counts once
    found = set(Consultant.objects.filter(pk__in=consultant_ids).values_list("pk", flat=True))
    missing = sorted(set(consultant_ids) - found)
    if missing:
        raise DomainError(_("Unknown consultants: %(ids)s.") % {"ids": missing})

    starts = _slot_starts(start_hour, end_hour, slot_minutes, break_start, break_end)
    dates = [
        start_date + dt.timedelta(days=n)
        for n in range((end_date - start_date).days + 1)
        if (start_date + dt.timedelta(days=n)).weekday() in days
    ]
    wanted = [
        ConsultantSchedule(consultant_id=c, date=d, start_time=s, end_time=e)
        for c in consultant_ids
        for d in dates
        for s, e in starts
    ]
    existing = ConsultantSchedule.objects.filter(
        consultant_id__in=consultant_ids, date__gte=start_date, date__lte=end_date
    ).count()
    ConsultantSchedule.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=2000)
    after = ConsultantSchedule.objects.filter(
        consultant_id__in=consultant_ids, date__gte=start_date, date__lte=end_date
    ).count()
    created = after - existing
    return SlotGeneration(created=created, existing=len(wanted) - created)


def _slot_starts(
    start_hour: int,
    end_hour: int,
    minutes: int,
    break_start: dt.time | None = None,
    break_end: dt.time | None = None,
) -> list[tuple[dt.time, dt.time]]:
    step = dt.timedelta(minutes=minutes)
    day = dt.datetime(2000, 1, 1)
    cursor, stop = day + dt.timedelta(hours=start_hour), day + dt.timedelta(hours=end_hour)
    pause = (
        (dt.datetime.combine(day, break_start), dt.datetime.combine(day, break_end))
        if break_start is not None and break_end is not None
        else None
    )
    slots = []
    while cursor + step <= stop:
        end = cursor + step
        if pause and cursor < pause[1] and end > pause[0]:
            cursor = pause[1]  # overlaps the break: start again when it ends
            continue
        # A slot ending at midnight ends at 23:59:59 so end_time > start_time still holds.
        end_time = end.time() if end.date() == day.date() else dt.time(23, 59, 59)
        slots.append((cursor.time(), end_time))
        cursor = end
    return slots


def consultant_delete_refusals(*, consultant_ids: Iterable[int]) -> dict[int, str]:
    """Why each of these consultants may not be deleted: those with appointments, by id.

    One grouped query, so the admin's delete page stays cheap however many appointments a
    consultant has (Django's own page would list every protected appointment).
    """
    counts = (
        Appointment.objects.filter(consultant_id__in=list(consultant_ids))
        .values("consultant_id")
        .annotate(n=models.Count("pk"))
        .values_list("consultant_id", "n")
    )
    names = dict(
        Consultant.objects.filter(pk__in=list(consultant_ids)).values_list("pk", "full_name")
    )
    return {
        consultant_id: ngettext(
            "Consultant %(name)s has %(count)d appointment and cannot be deleted; "
            "mark the consultant disabled instead.",
            "Consultant %(name)s has %(count)d appointments and cannot be deleted; "
            "mark the consultant disabled instead.",
            count,
        )
        % {"name": names.get(consultant_id, consultant_id), "count": count}
        for consultant_id, count in counts
    }


@transaction.atomic
def consultant_delete(*, consultant_id: int) -> None:
    """Delete a consultant and their schedule slots; refused while appointments name them.

    The row lock (FOR UPDATE) conflicts with the key-share lock an inserted appointment
    takes on its consultant, so no appointment can slip in between the check and the delete.
    """
    consultant = Consultant.objects.select_for_update().filter(pk=consultant_id).first()
    if consultant is None:
        raise DomainError(_("Consultant %(id)s does not exist.") % {"id": consultant_id})
    refusal = consultant_delete_refusals(consultant_ids=[consultant_id]).get(consultant_id)
    if refusal:
        raise DomainError(refusal)
    consultant.delete()
