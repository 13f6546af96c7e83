"""docs/architecture.md, "Keys": a row made after a seed never takes nor replaces archived keys."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection

from appointments.models import Appointment, ConsultantSchedule
from archive.core.tables import table, tables
from archive.models import ArchiveChange, ArchiveIdentity, ArchiveOrigin, SeedLoad
from archive.seed.loaders.base import reset_sequences
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.keys import TAIL_BYTES, _last_key, archived_max_key
from archive.storage.manifest import manifest_read, manifest_write
from archive.storage.objects import objects
from tests.archive.conftest import assert_manifest_truthful, rows_of
from tests.factories import AppointmentFactory, FeedbackFactory, ScheduleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.language("en")]


DAYS = [dt.date(2025, 1, 10), dt.date(2025, 2, 10), dt.date(2025, 2, 20), dt.date(2025, 3, 10)]
FEB = dt.date(2025, 2, 10)


@pytest.fixture(params=["s3_bucket", "archive_dir"])
def storage(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def archived(storage) -> dict[int, dict]:
    """Appointments and slots over three months, archived; their archived rows by key."""
    for n, day in enumerate(DAYS):
        made = dt.datetime(2024, 12, 1 + n, 8, tzinfo=dt.UTC)  # booked weeks before
        appointment = AppointmentFactory(date=day, description=f"lịch sử {n}", created_at=made)
        ScheduleFactory(consultant=appointment.consultant, date=day, created_at=made)
        other = AppointmentFactory(
            date=day, time=dt.time(11), consultant=appointment.consultant, created_at=made
        )
        FeedbackFactory(appointment=other, created_at=made)
    assert archive_run().status == "success"
    return _archived("appointment")


def _archived(name: str) -> dict[int, list[str]]:
    files = manifest_read()["tables"][name]["files"]
    return {int(row[0]): row for key in files for row in rows_of(key)}


def _new_database() -> None:
    """Another database: empty tables, sequences at 1, no archive bookkeeping."""
    for spec in reversed(tables()):
        spec.model.objects.all().delete()
    reset_sequences(tables())
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_sequence")
    for model in (ArchiveIdentity, SeedLoad, ArchiveOrigin, ArchiveChange):
        model.objects.all().delete()


def test_a_new_booking_after_a_windowed_seed_takes_no_archived_key(archived):
    _new_database()
    seed_run(date=FEB, window_days=1)
    assert set(Appointment.objects.values_list("pk", flat=True)) < archived.keys()
    new = AppointmentFactory(
        date=FEB,
        time=dt.time(16),
        consultant_id=Appointment.objects.filter(date=FEB).first().consultant_id,
    )
    slot = ScheduleFactory(
        consultant_id=new.consultant_id, date=FEB, start_time=dt.time(15), end_time=dt.time(16)
    )
    assert new.pk > max(archived)
    assert slot.pk > manifest_read()["tables"]["consultantschedule"]["max_key"]

    assert archive_run().status == "success"
    after = _archived("appointment")
    assert {k: after[k] for k in archived} == archived  # no archived row replaced or lost
    assert new.pk in after
    assert manifest_read()["tables"]["appointment"]["max_key"] == new.pk
    assert_manifest_truthful()


def test_a_partial_seed_moves_the_sequences_of_tables_it_did_not_load(archived):
    _new_database()
    seed_run(tables=["customer", "consultant"])
    assert not Appointment.objects.exists()
    assert AppointmentFactory(date=FEB).pk > max(archived)


def test_an_archive_from_before_max_key_is_read_from_its_files_tails(archived):
    manifest = manifest_read()
    for entry in manifest["tables"].values():
        entry.pop("max_key")
    manifest_write(manifest)
    _new_database()
    seed_run(date=FEB, window_days=0)
    assert AppointmentFactory(date=FEB).pk > max(archived)


def test_an_upload_moves_the_sequences_past_the_archive(archived, storage, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from archive.seed.upload import upload_load, upload_receive

    _new_database()
    seed_run(tables=["customer", "consultant"])
    reset_sequences([table("appointment")])  # as a database seeded before this rule
    customer = Appointment._meta.get_field("customer").related_model.objects.first()
    header = "customer_id,full_name\r\n"
    upload = upload_receive(
        files=[SimpleUploadedFile("customer.csv", f"{header}{customer.pk},Lan\r\n".encode())]
    )
    upload_load(upload_id=upload.id)
    assert AppointmentFactory(date=FEB).pk > max(archived)


def test_a_run_moves_the_sequences_of_a_database_seeded_before_this_rule(archived):
    identity = ArchiveIdentity.current().database_id
    _new_database()
    ArchiveIdentity.objects.create(pk=1, database_id=identity)
    call_command("seed_from_s3", "--table", "customer", "--table", "consultant")
    reset_sequences([table("appointment")])
    assert archive_run().status == "success"
    assert AppointmentFactory(date=FEB).pk > max(archived)


def _created_under(key: int, factory, **values):
    """A row created here that takes ``key``: by a sequence set back by hand on PostgreSQL;
    SQLite never hands out a key below its highest row, so there the key is given."""
    model = factory._meta.model
    if connection.vendor != "postgresql":
        return factory(pk=key, **values)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
            [model._meta.db_table, model._meta.pk.column, key - 1],
        )
    return factory(**values)


@pytest.mark.parametrize("same_month", [True, False], ids=["same-month", "other-month"])
def test_a_row_created_under_an_archived_key_fails_its_table_and_keeps_the_archived_row(
    archived, same_month
):
    _new_database()
    seed_run(date=FEB, window_days=1)
    held = set(Appointment.objects.values_list("pk", flat=True))
    victim = next(
        k
        for k, row in sorted(archived.items())
        if k not in held and (dt.date.fromisoformat(_date(row)).month == 2) == same_month
    )
    consultant = Appointment.objects.filter(date=FEB).first().consultant_id
    intruder = _created_under(
        victim, AppointmentFactory, date=FEB, time=dt.time(17), consultant_id=consultant
    )
    assert intruder.pk == victim

    result = archive_run()
    outcome = {t.name: t for t in result.tables}
    assert result.status == "partial"
    assert outcome["appointment"].status == "failed"
    error = outcome["appointment"].error
    assert f"key {victim}" in error and "appointment" in error
    assert _date(archived[victim]) in error and FEB.isoformat() in error
    assert outcome["customer"].status != "failed"
    assert _archived("appointment") == archived  # the archived row stayed
    assert_manifest_truthful()


def _date(row: list[str]) -> str:
    return row[table("appointment").columns.index("date")]


def test_a_slot_created_under_an_archived_key_is_refused_too(archived):
    slots = _archived("consultantschedule")
    _new_database()
    seed_run(date=FEB, window_days=0)
    held = set(ConsultantSchedule.objects.values_list("pk", flat=True))
    victim = max(k for k in slots if k not in held)
    consultant = Appointment.objects.filter(date=FEB).first().consultant_id
    slot = _created_under(
        victim,
        ScheduleFactory,
        consultant_id=consultant,
        date=FEB,
        start_time=dt.time(7),
        end_time=dt.time(8),
    )
    assert slot.pk == victim
    outcome = {t.name: t for t in archive_run().tables}
    assert outcome["consultantschedule"].status == "failed"
    assert f"key {victim}" in outcome["consultantschedule"].error
    assert _archived("consultantschedule") == slots


def test_a_loaded_row_edited_and_moved_is_not_a_collision(archived):
    _new_database()
    seed_run(date=FEB, window_days=0)
    loaded = Appointment.objects.filter(date=FEB).first()
    loaded.date = dt.date(2025, 3, 11)
    loaded.description = "dời lịch"
    loaded.save()
    assert archive_run().status == "success"
    after = _archived("appointment")
    assert _date(after[loaded.pk]) == "2025-03-11"
    assert set(after) == set(archived)


def test_the_last_key_is_found_in_a_tail_that_starts_inside_a_quoted_cell(storage):
    spec = table("appointment")
    note = "dòng một\n" + "x" * 50 + ",\n" + "9999,y\n" * 3
    for n in range(400):
        AppointmentFactory(
            date=FEB + dt.timedelta(days=n % 3), description=note, status="cancelled"
        )
    assert archive_run().status == "success"
    entry = manifest_read()["tables"]["appointment"]
    [(key, info)] = [(k, i) for k, i in entry["files"].items() if i["bytes"] > TAIL_BYTES]
    top = max(Appointment.objects.filter(date__month=2).values_list("pk", flat=True))
    assert _last_key(spec, objects(archive_storage()), key) == top
    assert archived_max_key(spec, {"files": entry["files"]}, objects(archive_storage())) == max(
        Appointment.objects.values_list("pk", flat=True)
    )
    assert json.dumps(entry["max_key"]) == str(entry["max_key"])


@pytest.mark.parametrize(
    ("archived", "ours", "same"),
    [
        ("2026-12-01 01:02:00.123456", "2026-12-01 01:02:00.654321", False),  # one second
        ("2026-12-01 01:02:00.123456", "2026-12-01 01:02:00", True),  # fraction dropped
        ("2026-12-01 01:02:33.123456", "2026-12-01 01:02:00", True),  # seconds dropped
        ("2026-12-01 01:02:33.123456", "2026-12-01 01:02:05", False),
        ("2026-12-01 01:02:33.123456", "2026-12-01 01:03:00", False),
    ],
)
def test_creation_moments_are_compared_at_the_precision_both_keep(archived, ours, same):
    from archive.core.collision import same_row

    def moment(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)

    assert same_row(moment(ours), moment(archived)) is same
