"""Business rules in appointments/services.py: status moves, slot assignment, slot generation."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from appointments import selectors, services
from appointments.models import (
    Appointment,
    AppointmentFeedback,
    CommunityProgram,
    ConsultantSchedule,
    ProgramParticipant,
)
from meetassist.exceptions import DomainError
from tests.factories import (
    AppointmentFactory,
    ConsultantFactory,
    CustomerFactory,
    ParticipantFactory,
    ProgramFactory,
    ScheduleFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]

DAY = dt.date(2030, 3, 4)  # a Monday
NINE, TEN = dt.time(9), dt.time(10)


def booked(status: str = "pending", **kwargs) -> tuple[Appointment, ConsultantSchedule]:
    """An appointment holding its consultant's slot (taken unless cancelled)."""
    appointment = AppointmentFactory(status=status, date=DAY, time=NINE, **kwargs)
    slot = ScheduleFactory(
        consultant=appointment.consultant,
        date=DAY,
        start_time=NINE,
        end_time=TEN,
        is_available=status == "cancelled",
    )
    return appointment, slot


# --- status transitions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("pending", "confirmed"),
        ("pending", "cancelled"),
        ("confirmed", "completed"),
        ("confirmed", "cancelled"),
    ],
)
def test_allowed_transition_changes_status_and_stamps_updated_at(start, target):
    appointment, _slot = booked(start)
    before = Appointment.objects.get(pk=appointment.pk).updated_at

    result = services.appointment_set_status(appointment_id=appointment.pk, status=target)

    stored = Appointment.objects.get(pk=appointment.pk)
    assert result.status == stored.status == target
    assert stored.updated_at > before


@pytest.mark.parametrize(
    ("start", "target", "current_label", "new_label"),
    [
        ("pending", "completed", "Pending", "Completed"),
        ("pending", "pending", "Pending", "Pending"),
        ("confirmed", "pending", "Confirmed", "Pending"),
        ("completed", "cancelled", "Completed", "Cancelled"),
        ("completed", "confirmed", "Completed", "Confirmed"),
        ("cancelled", "pending", "Cancelled", "Pending"),
        ("cancelled", "confirmed", "Cancelled", "Confirmed"),
        ("cancelled", "completed", "Cancelled", "Completed"),
    ],
)
def test_refused_transition_names_both_states_and_changes_nothing(
    start, target, current_label, new_label
):
    appointment, slot = booked(start)
    before = Appointment.objects.get(pk=appointment.pk)

    with pytest.raises(DomainError) as err:
        services.appointment_set_status(appointment_id=appointment.pk, status=target)

    assert str(err.value) == (
        f"Appointment {appointment.pk} is {current_label} and cannot become {new_label}."
    )
    after = Appointment.objects.get(pk=appointment.pk)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)
    slot.refresh_from_db()
    assert slot.is_available == (start == "cancelled")


def test_unknown_status_is_refused_by_name():
    appointment, _slot = booked("pending")

    with pytest.raises(DomainError, match="^Unknown status “archived”.$"):
        services.appointment_set_status(appointment_id=appointment.pk, status="archived")

    assert Appointment.objects.get(pk=appointment.pk).status == "pending"


def test_missing_appointment_is_reported_by_id():
    with pytest.raises(DomainError, match=r"^Appointment 987654 does not exist\.$"):
        services.appointment_confirm(appointment_id=987654)


def test_shortcuts_walk_the_happy_path():
    appointment, _slot = booked("pending")

    services.appointment_confirm(appointment_id=appointment.pk)
    services.appointment_complete(appointment_id=appointment.pk)

    assert Appointment.objects.get(pk=appointment.pk).status == "completed"


@pytest.mark.parametrize("start", ["pending", "confirmed"])
def test_cancelling_frees_the_slot(start):
    appointment, slot = booked(start)

    services.appointment_cancel(appointment_id=appointment.pk)

    slot.refresh_from_db()
    assert slot.is_available
    assert selectors.slot_for_appointment(appointment=appointment) == slot


def test_cancelling_an_unassigned_appointment_touches_no_slot():
    appointment = AppointmentFactory(consultant=None, date=DAY, time=NINE)
    other = ScheduleFactory(date=DAY, start_time=NINE, is_available=False)

    services.appointment_cancel(appointment_id=appointment.pk)

    other.refresh_from_db()
    assert not other.is_available
    assert selectors.slot_for_appointment(appointment=appointment) is None


# --- slot assignment ------------------------------------------------------------------------


def test_assigning_a_free_slot_moves_the_appointment_and_frees_the_old_slot():
    appointment, old_slot = booked("confirmed")
    new_slot = ScheduleFactory(
        date=DAY + dt.timedelta(days=1), start_time=TEN, end_time=dt.time(11)
    )

    moved = services.slot_assign(appointment_id=appointment.pk, schedule_id=new_slot.pk)

    stored = Appointment.objects.get(pk=appointment.pk)
    assert (stored.consultant_id, stored.date, stored.time) == (
        new_slot.consultant_id,
        new_slot.date,
        new_slot.start_time,
    )
    assert moved.consultant_id == new_slot.consultant_id
    new_slot.refresh_from_db()
    old_slot.refresh_from_db()
    assert not new_slot.is_available
    assert old_slot.is_available


def test_assigning_a_taken_slot_is_refused_and_nothing_moves():
    appointment, own_slot = booked("pending")
    _other, taken = booked("confirmed")
    taken_label = str(taken)

    with pytest.raises(DomainError) as err:
        services.slot_assign(appointment_id=appointment.pk, schedule_id=taken.pk)

    assert str(err.value) == f"The slot {taken_label} is already taken; choose a free one."
    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.consultant_id == appointment.consultant_id
    own_slot.refresh_from_db()
    assert not own_slot.is_available


@pytest.mark.parametrize(
    ("status", "label"), [("completed", "Completed"), ("cancelled", "Cancelled")]
)
def test_settled_appointments_cannot_move(status, label):
    appointment, _slot = booked(status)
    free = ScheduleFactory(date=DAY, start_time=TEN, end_time=dt.time(11))

    with pytest.raises(DomainError) as err:
        services.slot_assign(appointment_id=appointment.pk, schedule_id=free.pk)

    assert str(err.value) == (
        f"Appointment {appointment.pk} is {label}; only pending or confirmed ones can move."
    )
    free.refresh_from_db()
    assert free.is_available


def test_assigning_a_missing_slot_is_reported_by_id():
    appointment, _slot = booked("pending")

    with pytest.raises(DomainError, match=r"^Schedule slot 424242 does not exist\.$"):
        services.slot_assign(appointment_id=appointment.pk, schedule_id=424242)


def test_slot_marked_free_but_still_booked_is_refused_by_the_database_rule():
    """Data drifted (slot says free, an active appointment holds it): the constraint wins."""
    holder, slot = booked("confirmed")
    ConsultantSchedule.objects.filter(pk=slot.pk).update(is_available=True)
    mover = AppointmentFactory(consultant=None, date=DAY, time=TEN)

    with pytest.raises(DomainError, match="^Conflict: "):
        services.slot_assign(appointment_id=mover.pk, schedule_id=slot.pk)

    mover.refresh_from_db()
    assert mover.consultant_id is None
    assert Appointment.objects.filter(consultant=holder.consultant, date=DAY).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_staff_racing_for_one_slot_yield_exactly_one_winner():
    slot = ScheduleFactory(date=DAY, start_time=NINE, end_time=TEN)
    customer = CustomerFactory()
    ids = [
        AppointmentFactory(consultant=None, customer=customer, date=DAY, time=NINE).pk
        for _ in range(20)
    ]
    barrier = threading.Barrier(len(ids))
    winners: list[int] = []
    refusals: list[str] = []
    unexpected: list[BaseException] = []

    def assign(appointment_id: int) -> None:
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):  # the active language is per thread
                services.slot_assign(appointment_id=appointment_id, schedule_id=slot.pk)
            winners.append(appointment_id)
        except DomainError as err:
            refusals.append(str(err))
        except BaseException as err:  # noqa: BLE001 - reported below, never swallowed
            unexpected.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not unexpected, unexpected
    assert len(winners) == 1 and len(refusals) == 19
    assert all("is already taken" in message for message in refusals)
    slot.refresh_from_db()
    assert not slot.is_available
    holders = Appointment.objects.filter(consultant=slot.consultant, date=DAY, time=NINE)
    assert list(holders.values_list("pk", flat=True)) == winners


# --- slot generation ------------------------------------------------------------------------


def test_schedule_generate_creates_each_weekday_slot_once_and_is_idempotent():
    first, second = ConsultantFactory(), ConsultantFactory()
    week = {"start_date": DAY, "end_date": DAY + dt.timedelta(days=6)}

    made = services.schedule_generate(consultant_ids=[first.pk, second.pk], **week)
    again = services.schedule_generate(consultant_ids=[first.pk, second.pk], **week)

    assert made == services.SlotGeneration(created=2 * 5 * 9, existing=0)
    assert again == services.SlotGeneration(created=0, existing=90)
    slots = ConsultantSchedule.objects.filter(consultant=first)
    assert slots.count() == 45
    assert {s.date.weekday() for s in slots} == {0, 1, 2, 3, 4}
    assert min(s.start_time for s in slots) == dt.time(8)
    assert max(s.end_time for s in slots) == dt.time(17)


def test_schedule_generate_keeps_existing_slots_as_they_are():
    consultant = ConsultantFactory()
    kept = ScheduleFactory(consultant=consultant, date=DAY, start_time=NINE, is_available=False)

    result = services.schedule_generate(
        consultant_ids=[consultant.pk], start_date=DAY, end_date=DAY
    )

    assert result == services.SlotGeneration(created=8, existing=1)
    kept.refresh_from_db()
    assert not kept.is_available


def test_schedule_generate_counts_a_repeated_consultant_once():
    consultant = ConsultantFactory()

    result = services.schedule_generate(
        consultant_ids=[consultant.pk, consultant.pk], start_date=DAY, end_date=DAY
    )

    assert result == services.SlotGeneration(created=9, existing=0)


def test_schedule_generate_ends_a_slot_at_midnight_just_before_it():
    consultant = ConsultantFactory()

    services.schedule_generate(
        consultant_ids=[consultant.pk], start_date=DAY, end_date=DAY, start_hour=23, end_hour=24
    )

    slot = ConsultantSchedule.objects.get(consultant=consultant)
    assert (slot.start_time, slot.end_time) == (dt.time(23), dt.time(23, 59, 59))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": DAY - dt.timedelta(days=1)}, "The end date is before the start date."),
        ({"start_hour": 17, "end_hour": 8}, "Hours must satisfy 0 ≤ start < end ≤ 24."),
        ({"end_hour": 25}, "Hours must satisfy 0 ≤ start < end ≤ 24."),
        ({"slot_minutes": 4}, "The slot length must be at least 5 minutes and fit in the day."),
        (
            {"start_hour": 8, "end_hour": 9, "slot_minutes": 61},
            "The slot length must be at least 5 minutes and fit in the day.",
        ),
        ({"weekdays": [0, 7]}, "Weekdays are numbers from 0 (Monday) to 6 (Sunday)."),
        ({"consultant_ids": [999_001, 999_002]}, "Unknown consultants: [999001, 999002]."),
    ],
)
def test_schedule_generate_rejects_bad_input_and_creates_nothing(overrides, message):
    consultant = ConsultantFactory()
    arguments = {"consultant_ids": [consultant.pk], "start_date": DAY, "end_date": DAY}

    with pytest.raises(DomainError) as err:
        services.schedule_generate(**{**arguments, **overrides})

    assert str(err.value) == message
    assert not ConsultantSchedule.objects.exists()


# --- integrity_message ----------------------------------------------------------------------


def integrity_error(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as err, transaction.atomic():
        write()
        connection.check_constraints()  # deferred foreign keys surface here
    return err.value


def test_integrity_message_for_a_duplicate_slot_says_the_slot_exists():
    slot = ScheduleFactory()

    err = integrity_error(
        lambda: ScheduleFactory(
            consultant=slot.consultant, date=slot.date, start_time=slot.start_time
        )
    )

    message = services.integrity_message(err)
    assert message.startswith("Conflict: ")
    if connection.vendor == "postgresql":
        assert message == (
            "Conflict: this consultant already has a slot at that time "
            "(schedule_one_slot_per_consultant_start)."
        )
    else:  # SQLite names the columns, not the constraint
        assert "a record with the same key already exists" in message
        assert "consultantschedule.start_time" in message


def test_integrity_message_for_a_duplicate_participation_names_the_program_rule():
    taken = ParticipantFactory()

    err = integrity_error(
        lambda: ParticipantFactory(program=taken.program, customer=taken.customer)
    )

    message = services.integrity_message(err)
    if connection.vendor == "postgresql":
        assert "this customer is already registered for the program" in message
    else:
        assert "a record with the same key already exists" in message


def test_integrity_message_for_a_duplicate_customer_id_says_the_key_exists():
    CustomerFactory(customer_id="zalo-1")

    err = integrity_error(lambda: CustomerFactory(customer_id="zalo-1"))

    assert services.integrity_message(err).startswith(
        "Conflict: a record with the same key already exists ("
    )


def test_integrity_message_for_a_missing_reference_says_so():
    customer = CustomerFactory()

    def dangling() -> None:
        Appointment.objects.create(customer=customer, consultant_id=999_999, date=DAY, time=NINE)

    message = services.integrity_message(integrity_error(dangling))

    assert message.startswith("Conflict: a referenced record does not exist or is still in use (")


def test_integrity_message_for_a_bad_rating_names_the_rule():
    appointment, _slot = booked("completed")

    err = integrity_error(
        lambda: AppointmentFeedback.objects.create(appointment=appointment, rating=7)
    )

    assert services.integrity_message(err) == (
        "Conflict: the rating must be between 0 and 5 (feedback_rating_0_to_5)."
    )


def test_integrity_message_passes_on_an_unrecognised_refusal():
    message = services.integrity_message(IntegrityError("disk says no\nDETAIL: more"))

    assert message == "The database refused the change: disk says no"


@pytest.mark.parametrize(
    ("model", "factory", "change", "message"),
    [
        (
            ConsultantSchedule,
            ScheduleFactory,
            {"end_time": dt.time(8)},
            "a slot must end after it starts (schedule_ends_after_start)",
        ),
        (
            Appointment,
            AppointmentFactory,
            {"status": "archived"},
            "the status is not one of pending, confirmed, completed, cancelled "
            "(appointment_status_valid)",
        ),
        (
            Appointment,
            AppointmentFactory,
            {"duration": 0},
            "the duration must be positive (appointment_duration_positive)",
        ),
        (
            CommunityProgram,
            ProgramFactory,
            {"status": "postponed"},
            "the program status is not one of upcoming, ongoing, completed (program_status_valid)",
        ),
        (
            ProgramParticipant,
            ParticipantFactory,
            {"status": "maybe"},
            "the participant status is not one of registered, attended, cancelled "
            "(participant_status_valid)",
        ),
    ],
)
def test_integrity_message_names_each_check_rule(model, factory, change, message):
    row = factory()

    err = integrity_error(lambda: model.objects.filter(pk=row.pk).update(**change))

    assert services.integrity_message(err) == f"Conflict: {message}."
