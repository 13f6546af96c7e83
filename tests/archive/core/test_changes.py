"""The change record: statement triggers note months and deleted keys, transactionally."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from appointments.models import Appointment
from archive.core import change_record
from archive.core.tables import table, tables
from archive.models import ArchiveChange
from archive.services import archive_run
from tests.archive.conftest import writes
from tests.factories import AppointmentFactory, CustomerFactory, FeedbackFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

JAN, MAR = dt.date(2025, 1, 10), dt.date(2025, 3, 3)


def _noted(name: str) -> set:
    return {
        (c.month, tuple(c.key) if c.key else None)
        for c in ArchiveChange.objects.filter(table_name=name)
    }


@pytest.fixture(autouse=True)
def _empty_record():
    ArchiveChange.objects.all().delete()


def test_one_statement_notes_each_month_it_touched_once():
    customer = CustomerFactory()
    ArchiveChange.objects.all().delete()
    Appointment.objects.bulk_create(
        [Appointment(customer=customer, date=d, time=dt.time(9)) for d in (JAN, JAN, MAR)]
    )
    assert ArchiveChange.objects.filter(table_name="appointment").count() == 2
    assert _noted("appointment") == {(dt.date(2025, 1, 1), None), (dt.date(2025, 3, 1), None)}


def test_deleted_rows_leave_their_canonical_keys():
    appointment = AppointmentFactory(date=JAN)
    CustomerFactory(customer_id="=formula")
    ArchiveChange.objects.all().delete()
    key = str(appointment.pk)
    appointment.delete()
    assert (dt.date(2025, 1, 1), (key,)) in _noted("appointment")
    from appointments.models import Customer

    Customer.objects.filter(pk="=formula").delete()
    assert (None, ("'=formula",)) in _noted("customer")  # as the archive file writes it
    assert change_record.deleted_keys(table("customer"), [("'=formula",), ("other",)]) == {
        ("'=formula",): {None}  # a customer's key is their own: no creation moment needed
    }
    made = {(key,): {appointment.created_at}}  # tells it from a row created under its key
    assert change_record.deleted_keys(table("appointment"), [(key,)]) == made


def test_moving_an_appointment_notes_both_months_for_it_and_its_feedback():
    feedback = FeedbackFactory(appointment=AppointmentFactory(date=JAN))
    ArchiveChange.objects.all().delete()
    Appointment.objects.filter(pk=feedback.pk).update(date=MAR)
    months = {dt.date(2025, 1, 1), dt.date(2025, 3, 1)}
    assert {m for m, _k in _noted("appointment")} == months
    assert {m for m, _k in _noted("appointmentfeedback")} == months


def test_moving_an_appointment_notes_its_feedbacks_months_though_none_is_held_here():
    """Archived feedback a database never loaded must follow its appointment too."""
    appointment = AppointmentFactory(date=JAN)
    ArchiveChange.objects.all().delete()
    Appointment.objects.filter(pk=appointment.pk).update(date=MAR)
    months = {dt.date(2025, 1, 1), dt.date(2025, 3, 1)}
    assert {m for m, _k in _noted("appointmentfeedback")} == months
    ArchiveChange.objects.all().delete()
    Appointment.objects.filter(pk=appointment.pk).update(description="same month")
    assert _noted("appointmentfeedback") == set()


def test_a_rolled_back_write_leaves_no_record():
    with pytest.raises(RuntimeError), transaction.atomic():
        AppointmentFactory(date=JAN)
        raise RuntimeError
    assert not ArchiveChange.objects.exists()


def test_triggers_fire_under_the_replica_role():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        CustomerFactory()
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert _noted("customer") == {(None, None)}


def test_every_table_is_recorded_and_a_disabled_trigger_is_noticed():
    assert change_record.recorded_tables(tables()) == {s.name for s in tables()}
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE appointments_customer DISABLE TRIGGER archive_note_customer_upd"
        )
    assert "customer" not in change_record.recorded_tables(tables())


@pytest.mark.django_db(transaction=True)
def test_a_table_without_triggers_is_exported_in_full_every_run(s3_bucket, s3_calls):
    CustomerFactory()
    archive_run()
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE appointments_customer DISABLE TRIGGER archive_note_customer_upd"
        )
    try:
        s3_calls.clear()
        outcome = {t.name: t for t in archive_run().tables}
        # Exported and compared (its MD5 with the one the manifest and ETag vouch for),
        # not trusted; a table the record covers has nothing to compare.
        assert (outcome["customer"].unchanged, outcome["consultant"].unchanged) == (1, 0)
        assert writes(s3_calls) == []
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE appointments_customer ENABLE ALWAYS TRIGGER archive_note_customer_upd"
            )


@pytest.mark.django_db(transaction=True)
def test_a_successful_run_consumes_the_record_it_saw(archive_dir):
    AppointmentFactory(date=JAN)
    assert ArchiveChange.objects.exists()
    assert archive_run().status == "success"
    assert not ArchiveChange.objects.exists()  # (rows committed later stay: test_services)


def test_the_migrated_trigger_functions_are_the_ones_the_code_writes():
    """Migrations freeze the functions' text: a change to change_record.function_sql needs one."""
    with connection.cursor() as cursor:
        for spec in tables():
            cursor.execute("SELECT pg_get_functiondef(%s::regproc)", [f"archive_note_{spec.name}"])
            (installed,) = cursor.fetchone()
            body = _lines(change_record.function_sql(spec).split("$$")[1])
            assert body in _lines(installed), f"{spec.name}: add a migration with the new function"


def _lines(sql: str) -> str:
    return "\n".join(line.rstrip() for line in sql.splitlines())
