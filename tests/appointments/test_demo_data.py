"""manage.py demo_data: exact sizes, every database rule kept, reproducible, --if-empty."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from appointments.demo.vocabulary import FAMILY_NAMES
from appointments.demo.writers import BulkCreateWriter, CopyWriter
from appointments.models import (
    Appointment,
    AppointmentFeedback,
    AppointmentStatus,
    CommunityProgram,
    Consultant,
    ConsultantSchedule,
    Customer,
    ProgramParticipant,
    ProgramStatus,
)
from meetassist.phones import PhoneReading, phone_normalize
from tests.factories import ConsultantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


SMALL = ["--customers", "40", "--consultants", "4", "--appointments", "300", "--programs", "3"]


def demo_data(*args: str) -> str:
    out = StringIO()
    call_command("demo_data", *args, stdout=out)
    return out.getvalue()


def test_small_sizes_create_exactly_the_requested_counts_and_report_them():
    output = demo_data(*SMALL)

    assert Customer.objects.count() == 40
    assert Consultant.objects.count() == 4
    assert Appointment.objects.count() == 300
    assert CommunityProgram.objects.count() == 3
    assert ProgramParticipant.objects.exists()
    assert re.search(r"^\s+300\s+", output, re.MULTILINE)
    assert re.search(r"Demo data created in \d+\.\d s\.", output)


def test_every_database_rule_holds_and_slots_match_bookings():
    demo_data(*SMALL, "--days-back", "20", "--days-ahead", "10")
    connection.check_constraints()  # deferred foreign keys, checked now rather than at commit

    active = Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).filter(
        consultant__isnull=False
    )
    taken = set(
        ConsultantSchedule.objects.filter(is_available=False).values_list(
            "consultant_id", "date", "start_time"
        )
    )
    assert set(active.values_list("consultant_id", "date", "time")) == taken
    assert active.count() == len(taken)  # no two active appointments share a slot
    freed = Appointment.objects.filter(status=AppointmentStatus.CANCELLED)
    for consultant_id, date, time in freed.values_list("consultant_id", "date", "time"):
        slot = ConsultantSchedule.objects.get(
            consultant_id=consultant_id, date=date, start_time=time
        )
        assert slot.is_available
    assert not (
        ConsultantSchedule.objects.values("consultant", "date", "start_time")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )


def test_statuses_follow_the_calendar():
    demo_data(*SMALL)
    today = timezone.localdate()

    past = set(Appointment.objects.filter(date__lt=today).values_list("status", flat=True))
    future = set(Appointment.objects.filter(date__gte=today).values_list("status", flat=True))
    assert past <= {"completed", "cancelled", "confirmed"} and "completed" in past
    assert future <= {"pending", "confirmed", "cancelled"} and "pending" in future
    assert (
        not Appointment.objects.filter(date__gte=today, consultant__isnull=True)
        .exclude(status="pending")
        .exists()
    )
    programs = CommunityProgram.objects.all()
    for program in programs:
        expected = (
            ProgramStatus.COMPLETED
            if program.date < today
            else ProgramStatus.ONGOING
            if program.date == today
            else ProgramStatus.UPCOMING
        )
        assert program.status == expected


def test_feedback_only_for_completed_appointments_with_ratings_0_to_5():
    demo_data(*SMALL)

    feedback = AppointmentFeedback.objects.select_related("appointment")
    assert feedback.exists()
    assert {f.appointment.status for f in feedback} == {"completed"}
    assert not feedback.filter(Q(rating__lt=0) | Q(rating__gt=5)).exists()
    assert not feedback.filter(created_at__gt=timezone.now()).exists()


def test_people_look_vietnamese_and_customer_ids_are_chat_platform_strings():
    demo_data(*SMALL)

    for customer in Customer.objects.all():
        assert re.fullmatch(r"\d{19}", customer.customer_id)
        assert customer.full_name.split()[0] in FAMILY_NAMES
        assert phone_normalize(customer.phone_number) == PhoneReading(
            customer.phone_number, valid=True, changed=False
        )
        assert re.fullmatch(r"[a-z]+\.[a-z]+\d+@[a-z.]+", customer.email)
    assert any(
        ch in "ễạảấầậắằẵặềếệịọốồộớờợụủứừựỳỹđ"
        for ch in "".join(Customer.objects.values_list("full_name", flat=True)).lower()
    )


def test_nobody_books_or_registers_before_signing_up():
    demo_data(*SMALL)

    for appointment in Appointment.objects.select_related("customer"):
        assert appointment.customer.created_at <= appointment.created_at <= appointment.updated_at
    for participant in ProgramParticipant.objects.select_related("customer"):
        assert participant.customer.created_at <= participant.registered_time


def test_same_seed_gives_the_same_business():
    def snapshot() -> tuple[list, list]:
        people = list(
            Customer.objects.order_by("pk").values_list("pk", "full_name", "phone_number")
        )
        bookings = list(
            Appointment.objects.order_by("pk").values_list(
                "pk", "consultant_id", "customer_id", "date", "time", "status"
            )
        )
        return people, bookings

    demo_data(*SMALL, "--seed", "7")
    first = snapshot()
    for model in (AppointmentFeedback, Appointment, ProgramParticipant, CommunityProgram):
        model.objects.all().delete()
    for model in (ConsultantSchedule, Consultant, Customer):
        model.objects.all().delete()
    demo_data(*SMALL, "--seed", "7")

    assert snapshot() == first
    demo_data(*SMALL, "--seed", "8")
    assert Customer.objects.count() == 80  # a second run adds, with fresh ids


def test_if_empty_adds_nothing_to_a_filled_database():
    demo_data(*SMALL)
    before = {m: m.objects.count() for m in (Customer, Appointment, ConsultantSchedule)}

    output = demo_data(*SMALL, "--if-empty")

    assert "already holds data" in output
    assert {m: m.objects.count() for m in before} == before


def test_if_empty_fills_an_empty_database():
    demo_data(*SMALL, "--if-empty")

    assert Appointment.objects.count() == 300


def test_too_many_appointments_for_the_slots_is_refused_naming_the_fix():
    with pytest.raises(CommandError, match="do not fit in .* slots: raise --days-back"):
        demo_data("--consultants", "1", "--appointments", "500", "--days-back", "5")

    assert not Customer.objects.exists()  # all or nothing


def test_appointments_without_customers_are_refused():
    with pytest.raises(CommandError, match="at least one customer and one consultant"):
        demo_data("--customers", "0", "--appointments", "5")


def test_ids_continue_after_existing_rows_and_sequences_are_reset():
    existing = ConsultantFactory()

    demo_data(*SMALL)
    later = ConsultantFactory()

    ids = list(Consultant.objects.order_by("pk").values_list("pk", flat=True))
    assert ids[0] == existing.pk and later.pk == ids[-1] == existing.pk + 5
    assert (
        Appointment.objects.create(
            customer=Customer.objects.first(), date=timezone.localdate(), time="07:00"
        ).pk
        == 301
    )


def test_small_batches_interleave_tables_without_breaking_references(monkeypatch):
    monkeypatch.setattr(CopyWriter, "batch_size", 7)
    monkeypatch.setattr(BulkCreateWriter, "batch_size", 7)

    demo_data(*SMALL)

    connection.check_constraints()  # deferred foreign keys, checked now rather than at commit
    assert Appointment.objects.count() == 300
    assert (
        AppointmentFeedback.objects.count()
        == Appointment.objects.filter(feedback__isnull=False).count()
    )


@pytest.mark.postgres
def test_postgresql_loads_through_copy_not_the_orm(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("bulk_create used on PostgreSQL")

    monkeypatch.setattr(BulkCreateWriter, "write", refuse)

    demo_data(*SMALL)

    assert Appointment.objects.count() == 300
