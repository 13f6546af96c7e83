"""The database enforces docs/architecture.md, "Domain": writes that bypass forms are refused."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from appointments.models import (
    Appointment,
    AppointmentFeedback,
    CommunityProgram,
    Consultant,
    ProgramParticipant,
)
from tests.factories import (
    AppointmentFactory,
    ConsultantFactory,
    CustomerFactory,
    ParticipantFactory,
    ProgramFactory,
    ScheduleFactory,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 3, 4)
NINE = dt.time(9)


def refused(write, constraint: str) -> None:
    """``write`` fails in the database, naming ``constraint``; the test transaction lives on."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()
        check_deferred()


def check_deferred() -> None:
    """Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them now, not at commit."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_save_stamps_updated_at_even_with_update_fields():
    appointment = AppointmentFactory()
    first = appointment.updated_at
    time.sleep(0.001)

    appointment.status = "confirmed"
    appointment.save(update_fields=["status"])

    stored = Appointment.objects.get(pk=appointment.pk)
    assert stored.updated_at > first
    assert stored.updated_at == appointment.updated_at


def test_deleting_a_consultant_with_appointments_through_the_orm_is_protected():
    appointment = AppointmentFactory()

    with pytest.raises(ProtectedError):
        appointment.consultant.delete()


@pytest.mark.postgres
class TestPostgreSQLConstraints:
    def test_duplicate_slot_is_refused(self):
        slot = ScheduleFactory()

        refused(
            lambda: raw(
                "INSERT INTO appointments_consultantschedule "
                "(consultant_id, date, start_time, end_time, is_available) "
                "VALUES (%s, %s, %s, '23:00', true)",
                [slot.consultant_id, slot.date, slot.start_time],
            ),
            "schedule_one_slot_per_consultant_start",
        )

    def test_slot_ending_before_it_starts_is_refused(self):
        refused(
            lambda: ScheduleFactory(start_time=dt.time(10), end_time=dt.time(9)),
            "schedule_ends_after_start",
        )

    def test_two_active_appointments_in_one_consultant_slot_are_refused(self):
        first = AppointmentFactory(date=DAY, time=NINE, status="confirmed")

        refused(
            lambda: AppointmentFactory(
                consultant=first.consultant, date=DAY, time=NINE, status="pending"
            ),
            "appointment_one_active_per_consultant_slot",
        )

    def test_a_cancelled_appointment_leaves_its_slot_bookable(self):
        first = AppointmentFactory(date=DAY, time=NINE, status="cancelled")
        AppointmentFactory(consultant=first.consultant, date=DAY, time=NINE, status="cancelled")

        AppointmentFactory(consultant=first.consultant, date=DAY, time=NINE, status="confirmed")

        assert Appointment.objects.filter(consultant=first.consultant).count() == 3

    def test_unknown_appointment_status_is_refused(self):
        appointment = AppointmentFactory()

        refused(
            lambda: raw(
                "UPDATE appointments_appointment SET status = 'archived' WHERE appointment_id = %s",
                [appointment.pk],
            ),
            "appointment_status_valid",
        )

    def test_zero_duration_is_refused(self):
        refused(lambda: AppointmentFactory(duration=0), "appointment_duration_positive")

    @pytest.mark.parametrize("rating", [6, -1, 5.01])
    def test_rating_outside_0_to_5_is_refused(self, rating):
        appointment = AppointmentFactory(status="completed")

        refused(
            lambda: AppointmentFeedback.objects.create(appointment=appointment, rating=rating),
            "feedback_rating_0_to_5",
        )

    @pytest.mark.parametrize("rating", [0, 5])
    def test_ratings_at_the_bounds_are_kept(self, rating):
        appointment = AppointmentFactory(status="completed")

        AppointmentFeedback.objects.create(appointment=appointment, rating=rating)

        assert AppointmentFeedback.objects.get(pk=appointment.pk).rating == rating

    def test_unknown_program_status_is_refused(self):
        program = ProgramFactory()

        refused(
            lambda: CommunityProgram.objects.filter(pk=program.pk).update(status="postponed"),
            "program_status_valid",
        )

    def test_unknown_participant_status_is_refused(self):
        participant = ParticipantFactory()

        refused(
            lambda: ProgramParticipant.objects.filter(pk=participant.pk).update(status="maybe"),
            "participant_status_valid",
        )

    def test_second_participation_in_one_program_is_refused(self):
        taken = ParticipantFactory()

        refused(
            lambda: ProgramParticipant.objects.create(
                program=taken.program, customer=taken.customer
            ),
            "participant_once_per_program",
        )

    def test_deleting_a_consultant_with_appointments_in_raw_sql_is_refused(self):
        appointment = AppointmentFactory()

        refused(
            lambda: raw(
                "DELETE FROM appointments_consultant WHERE consultant_id = %s",
                [appointment.consultant_id],
            ),
            "violates foreign key constraint",
        )

        assert Consultant.objects.filter(pk=appointment.consultant_id).exists()

    def test_deleting_a_customer_with_appointments_in_raw_sql_is_refused(self):
        AppointmentFactory(customer=CustomerFactory(customer_id="zalo-42"))

        refused(
            lambda: raw("DELETE FROM appointments_customer WHERE customer_id = %s", ["zalo-42"]),
            "violates foreign key constraint",
        )

    def test_a_consultant_without_appointments_can_be_deleted_in_raw_sql(self):
        consultant = ConsultantFactory()

        with transaction.atomic():
            raw("DELETE FROM appointments_consultant WHERE consultant_id = %s", [consultant.pk])
            check_deferred()

        assert not Consultant.objects.filter(pk=consultant.pk).exists()
