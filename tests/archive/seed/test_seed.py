"""Seeding from the archive: windows, the load record, idempotence, kept edits, sequences."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from django.core.management.color import no_style
from django.db import connection

from appointments import models as m
from archive.models import ArchiveChange, ArchiveIdentity, SeedLoad
from archive.seed.errors import LoadError
from archive.seed.run import seed_run
from archive.storage.backends import archive_storage
from archive.storage.manifest import manifest_read
from tests.archive.archive_files import (
    DATABASE_ID,
    csv_text,
    export_archive,
    put,
    put_as_archived,
    snapshot,
    wipe,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 15)
OFFSETS = range(-3, 4)


@pytest.fixture(params=["s3_bucket", "archive_dir"])
def storage(request):
    request.getfixturevalue(request.param)
    return archive_storage()


def _business() -> None:
    """A small business around DAY: slots and appointments on DAY−3 … DAY+3, and two
    appointments in other months; feedback on DAY−1, DAY, DAY+3 and in February."""
    customers = [
        m.Customer.objects.create(
            customer_id=f"c{n}", full_name=f"Khách {n}", phone_number="0912345678"
        )
        for n in range(3)
    ]
    first = m.Consultant.objects.create(full_name="Trần Thị Thu", join_date=dt.date(2024, 1, 1))
    m.Consultant.objects.create(full_name="Lê Văn Nam", join_date=dt.date(2024, 2, 1))
    program = m.CommunityProgram.objects.create(program_name="Hội thảo", date=DAY)
    for customer in customers[:2]:
        m.ProgramParticipant.objects.create(program=program, customer=customer)
    days = [DAY + dt.timedelta(days=n) for n in OFFSETS]
    for day in days:
        m.ConsultantSchedule.objects.create(
            consultant=first, date=day, start_time=dt.time(9), end_time=dt.time(10)
        )
    for n, day in enumerate([*days, dt.date(2025, 2, 10), dt.date(2025, 4, 20)]):
        appointment = m.Appointment.objects.create(
            consultant=first, customer=customers[n % 3], date=day, time=dt.time(9)
        )
        if day in (
            DAY - dt.timedelta(days=1),
            DAY,
            DAY + dt.timedelta(days=3),
            dt.date(2025, 2, 10),
        ):
            m.AppointmentFeedback.objects.create(appointment=appointment, rating=4.5)


@pytest.fixture
def archived(storage):
    """The business archived (manifest + monthly files), and the database emptied."""
    _business()
    export_archive()
    wipe()
    return storage


def _counts() -> dict[str, int]:
    return {name: rows for name, rows in ((k, len(v)) for k, v in snapshot().items())}


def test_windowed_seed_loads_reference_tables_in_full_and_only_the_window(archived):
    result = seed_run(date=DAY, window_days=1)

    assert _counts() == {
        "customer": 3,
        "consultant": 2,
        "communityprogram": 1,
        "programparticipant": 2,
        "consultantschedule": 3,
        "appointment": 3,
        "appointmentfeedback": 2,
    }
    dates = set(m.Appointment.objects.values_list("date", flat=True))
    assert dates == {DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)}
    by_table = {t.table: t for t in result.tables}
    assert (by_table["appointment"].inserted, by_table["appointment"].outside) == (3, 4)
    assert (by_table["appointmentfeedback"].inserted, by_table["appointmentfeedback"].outside) == (
        2,
        1,
    )


def test_window_reads_only_the_months_it_touches(s3_bucket):
    _business()
    export_archive()
    wipe()
    storage = archive_storage()
    fetched: list[str] = []
    storage.connection.meta.client.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **kw: fetched.append(params["Key"])
    )

    seed_run(date=DAY, window_days=1)
    monthly = sorted(k for k in fetched if k.count("/") == 2)
    assert monthly == [
        "data/appointment/2025-03.csv",
        "data/appointmentfeedback/2025-03.csv",
        "data/consultantschedule/2025-03.csv",
    ]
    fetched.clear()
    seed_run(date=dt.date(2025, 3, 31), window_days=1)  # touches March and April
    assert sorted(k for k in fetched if k.startswith("data/appointment/")) == [
        "data/appointment/2025-03.csv",
        "data/appointment/2025-04.csv",
    ]


def test_windowed_seed_from_the_original_single_files(storage):
    put(
        "data/Customer.csv",
        csv_text(
            ["CustomerID", "FullName", "PhoneNumber", "CreatedAt", "IsDisabled"],
            [["c1", "An", "912345678", "2025-01-02 08:00:00", "TRUE"]],
        ),
    )
    put(
        "data/consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [["7", "Thu", "2024-01-01"]]),
    )
    header = ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time", "Status", "MeetingURL"]
    rows = [
        [str(n + 10), "7", "c1", (DAY + dt.timedelta(days=n)).isoformat(), "09:00", "pending", ""]
        for n in OFFSETS
    ]
    put("data/Appointment.csv", csv_text(header, rows))
    put(
        "data/AppointmentFeedback.csv",
        csv_text(
            ["AppointmentID", "Rating", "CustomerFeedback"],
            [["9", "5", "x"], ["10", "4", "y"], ["12", "3", ""]],
        ),
    )

    result = seed_run(date=DAY)  # SEED_WINDOW_DAYS = 1

    assert sorted(m.Appointment.objects.values_list("appointment_id", flat=True)) == [9, 10, 11]
    assert sorted(m.AppointmentFeedback.objects.values_list("appointment_id", flat=True)) == [9, 10]
    customer = m.Customer.objects.get()
    assert (customer.phone_number, customer.is_disabled) == ("0912345678", True)
    assert customer.created_at == dt.datetime(2025, 1, 2, 1, tzinfo=dt.UTC)  # 08:00 in Hanoi
    by_table = {t.table: t for t in result.tables}
    assert by_table["customer"].fixed == 1
    assert by_table["appointment"].outside == 4
    assert by_table["appointmentfeedback"].outside == 1


def test_load_record_after_windowed_repeated_and_full_seeds(archived):
    seed_run(date=DAY, window_days=1)
    record = {(s.table, s.full, s.window_start, s.window_end) for s in SeedLoad.objects.all()}
    window = (DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=1))
    assert record == {
        ("customer", True, None, None),
        ("consultant", True, None, None),
        ("communityprogram", True, None, None),
        ("programparticipant", True, None, None),
        ("consultantschedule", False, *window),
        ("appointment", False, *window),
        ("appointmentfeedback", False, *window),
    }
    load = SeedLoad.objects.get(table="appointment")
    finished_at = manifest_read()["last_run"]["finished_at"]
    assert (str(load.manifest_database_id), load.manifest_finished_at) == (DATABASE_ID, finished_at)
    assert load.source == "data/appointment/2025-03.csv"
    assert str(ArchiveIdentity.current().database_id) == DATABASE_ID

    seed_run(date=DAY, window_days=1)  # the same window again: recorded once
    assert SeedLoad.objects.count() == 7
    seed_run(date=dt.date(2025, 2, 10), window_days=0)  # another window adds to the record
    assert SeedLoad.objects.filter(table="appointment").count() == 2
    seed_run(full=True)
    assert SeedLoad.objects.filter(table="appointment", full=True).count() == 1
    assert _counts()["appointment"] == 9


def test_seeding_twice_gives_the_same_database(archived):
    seed_run(full=True)
    first = snapshot()
    second = seed_run(full=True)
    assert snapshot() == first
    assert all(t.inserted == 0 and t.updated == 0 for t in second.tables)


def test_an_edited_row_survives_a_later_seed_and_overwrite_restores_it(archived):
    seed_run(date=DAY, window_days=1)
    m.Customer.objects.filter(customer_id="c1").update(full_name="Sửa bởi nhân viên")
    appointment = m.Appointment.objects.get(date=DAY)
    appointment.status = "confirmed"
    appointment.save()

    seed_run(date=DAY, window_days=1)
    assert m.Customer.objects.get(customer_id="c1").full_name == "Sửa bởi nhân viên"
    assert m.Appointment.objects.get(date=DAY).status == "confirmed"

    result = seed_run(date=DAY, window_days=1, overwrite=True)
    assert m.Customer.objects.get(customer_id="c1").full_name == "Khách 1"
    assert m.Appointment.objects.get(date=DAY).status == "pending"
    by_table = {t.table: t for t in result.tables}
    assert by_table["customer"].updated == 1
    assert by_table["appointment"].updated == 1


def test_seed_never_deletes_rows_the_archive_lacks(archived):
    own = m.Customer.objects.create(customer_id="only-here", full_name="Mới")
    seed_run(full=True, overwrite=True)
    assert m.Customer.objects.filter(pk=own.pk).exists()


def test_sequences_are_reset_so_the_admin_can_insert(storage):
    # PostgreSQL's sequences outlive a test's transaction, and the seed never moves one
    # back: start from a new database's sequence, whatever ran before in this worker.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [m.Consultant]):
            cursor.execute(sql)
    high = 10**6
    put(
        "data/Consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [[str(high), "Thu", "2024-01-01"]]),
    )

    seed_run(full=True)

    added = m.Consultant.objects.create(full_name="Mới", join_date=dt.date(2025, 1, 1))
    assert added.pk == high + 1


def test_dry_run_reports_what_it_would_load_and_writes_nothing(archived):
    before = snapshot()
    result = seed_run(date=DAY, window_days=1, dry_run=True)
    assert snapshot() == before
    assert not SeedLoad.objects.exists()
    assert {t.table: t.inserted for t in result.tables}["appointment"] == 3
    assert ArchiveIdentity.current().database_id != uuid.UUID(DATABASE_ID)


@pytest.mark.postgres
def test_a_big_load_into_an_empty_table_rebuilds_its_indexes_and_keys(archived, bulk_loading):
    with connection.cursor() as cursor:
        before = _definitions(cursor)
        seed_run(full=True)
        assert _definitions(cursor) == before
    assert _counts()["appointment"] == 9
    assert _whole_table_notes() >= {"appointment", "appointmentfeedback"}


@pytest.fixture
def bulk_loading(monkeypatch):
    """Every file counts as big: an empty table's indexes and keys are rebuilt once."""
    monkeypatch.setattr("archive.seed.loaders.pg.BULK_BYTES", 1)


def _march_row_again_in_april() -> str:
    """Put March's first appointment into April's file too; returns its key."""
    with archive_storage().open("data/appointment/2025-03.csv") as handle:
        text = handle.read().decode("utf-8-sig")
    header, first = text.splitlines(keepends=True)[:2]
    put_as_archived("data/appointment/2025-04.csv", header + first)
    return first.split(",")[0]


def _definitions(cursor) -> list[tuple]:
    """Constraints, indexes and triggers (with whether they fire) of the domain tables."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text LIKE 'appointments_%%' UNION ALL "
        "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE tablename LIKE 'appointments_%%' UNION ALL "
        "SELECT tgrelid::regclass::text, tgname, tgenabled::text FROM pg_trigger "
        "WHERE tgrelid::regclass::text LIKE 'appointments_%%' AND NOT tgisinternal "
        "ORDER BY 1, 2, 3"
    )
    return cursor.fetchall()


def _whole_table_notes() -> set[str]:
    """Tables the change record names as wholly changed (a bulk load notes them once)."""
    return set(
        ArchiveChange.objects.filter(month=None, key__isnull=True).values_list(
            "table_name", flat=True
        )
    )


@pytest.mark.postgres
def test_a_big_overwrite_rebuilds_indexes_once_and_keeps_them_as_they_were(archived, monkeypatch):
    seed_run(full=True)
    m.Appointment.objects.update(description="sửa tay")
    monkeypatch.setattr("archive.seed.loaders.pg_bulk.BULK_ROWS", 1)
    with connection.cursor() as cursor:
        before = _definitions(cursor)
        result = seed_run(full=True, overwrite=True)
        assert _definitions(cursor) == before
    assert {t.table: t.updated for t in result.tables}["appointment"] == 9
    assert set(m.Appointment.objects.values_list("description", flat=True)) == {""}
    assert "appointment" in _whole_table_notes()


def _filenode() -> int:
    """The appointment table's file: a TRUNCATE gives it a new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_filenode('appointments_appointment')")
        return cursor.fetchone()[0]


@pytest.fixture
def rewriting(bulk_loading, monkeypatch):
    """Any overwrite from whole files counts as big: the table is written anew."""
    monkeypatch.setattr("archive.seed.loaders.pg_bulk.BULK_SHARE", 0)


@pytest.mark.postgres
def test_a_big_overwrite_writes_the_table_anew_keeping_every_row_it_held(archived, rewriting):
    """A rewrite (TRUNCATE, then COPY) still never loses a row the archive lacks."""
    seed_run(full=True)
    edited = list(m.Appointment.objects.filter(date__gte=DAY).values_list("pk", flat=True))
    m.Appointment.objects.filter(pk__in=edited).update(description="sửa tay")
    missing = m.Appointment.objects.filter(feedback__isnull=True).exclude(pk__in=edited).first().pk
    m.Appointment.objects.filter(pk=missing).delete()  # archived: the overwrite adds it back
    own = m.Appointment.objects.create(
        customer=m.Customer.objects.first(), date=DAY, time=dt.time(18)
    )
    m.AppointmentFeedback.objects.create(appointment=own, rating=5)
    filenode = _filenode()
    with connection.cursor() as cursor:
        before = _definitions(cursor)
        result = seed_run(full=True, overwrite=True)
        assert _definitions(cursor) == before
    assert _filenode() != filenode
    appointment = {t.table: t for t in result.tables}["appointment"]
    assert (appointment.inserted, appointment.updated, appointment.unchanged) == (
        1,
        len(edited),
        9 - 1 - len(edited),
    )
    assert m.Appointment.objects.count() == 10
    assert m.Appointment.objects.filter(pk=missing).exists()
    assert m.AppointmentFeedback.objects.get(appointment=own).rating == 5
    assert not m.Appointment.objects.filter(description="sửa tay").exists()
    assert "appointment" in _whole_table_notes()


@pytest.mark.postgres
def test_a_windowed_overwrite_updates_in_place(archived, rewriting):
    """Only whole files are written anew: a window's rows are a few of the table's."""
    seed_run(full=True)
    m.Appointment.objects.update(description="sửa tay")
    filenode = _filenode()
    result = seed_run(date=DAY, window_days=1, overwrite=True)
    assert _filenode() == filenode
    assert {t.table: t.updated for t in result.tables}["appointment"] == 3
    assert m.Appointment.objects.filter(description="sửa tay").count() == 9 - 3


@pytest.mark.postgres
def test_a_rewrite_keeps_the_values_of_columns_a_later_file_lacks(archived, rewriting):
    """The first file is whole, so the table is written anew; April's file has no
    description column: its row keeps the description the table held."""
    seed_run(full=True)
    m.Appointment.objects.update(description="sửa tay")
    storage = archive_storage()
    with storage.open("data/appointment/2025-04.csv") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    at = rows[0].index("description")
    put_as_archived("data/appointment/2025-04.csv", csv_text(*_without(rows, at)))
    result = seed_run(full=True, overwrite=True)
    descriptions = dict(m.Appointment.objects.values_list("date", "description"))
    assert descriptions.pop(dt.date(2025, 4, 20)) == "sửa tay"
    assert set(descriptions.values()) == {""}
    assert {t.table: t.updated for t in result.tables}["appointment"] == 8


def _without(rows: list[list[str]], at: int) -> tuple[list[str], list[list[str]]]:
    header, *body = [row[:at] + row[at + 1 :] for row in rows]
    return header, body


@pytest.mark.postgres
def test_a_big_overwrite_keeps_the_keys_the_archive_does_not_hold(archived, rewriting, monkeypatch):
    """Participants are archived without their surrogate id: updated in place, not anew."""
    seed_run(full=True)
    ids = dict(m.ProgramParticipant.objects.values_list("customer_id", "pk"))
    statuses = dict(m.ProgramParticipant.objects.values_list("customer_id", "status"))
    m.ProgramParticipant.objects.update(status="cancelled")
    monkeypatch.setattr("archive.seed.loaders.pg_bulk.BULK_ROWS", 1)
    result = seed_run(full=True, overwrite=True)
    assert {t.table: t.updated for t in result.tables}["programparticipant"] == len(ids)
    assert dict(m.ProgramParticipant.objects.values_list("customer_id", "pk")) == ids
    assert dict(m.ProgramParticipant.objects.values_list("customer_id", "status")) == statuses


@pytest.mark.postgres
def test_a_big_overwrite_where_nothing_differs_counts_every_row_unchanged(archived, rewriting):
    seed_run(full=True)
    whole = snapshot()
    m.Appointment.objects.filter(date=DAY).delete()  # one row to add back, none to change
    result = seed_run(full=True, overwrite=True)
    appointment = {t.table: t for t in result.tables}["appointment"]
    assert (appointment.inserted, appointment.updated, appointment.unchanged) == (1, 0, 8)
    assert snapshot() == whole


@pytest.mark.postgres
def test_a_key_twice_in_a_big_overwrite_is_refused_and_changes_nothing(archived, rewriting):
    seed_run(full=True)
    m.Appointment.objects.update(description="sửa tay")
    key = _march_row_again_in_april()
    before = snapshot()
    with connection.cursor() as cursor:
        definitions = _definitions(cursor)
        with pytest.raises(
            LoadError,
            match=rf"\.csv:\d+:1 \(appointment_id\): “{key}”: ",
        ):
            seed_run(full=True, overwrite=True)
        assert _definitions(cursor) == definitions
    assert snapshot() == before


@pytest.mark.postgres
def test_an_overwriting_seed_keeps_archive_runs_out_until_it_commits(archived):
    """A rewrite's TRUNCATE would look like an empty table to an older archive snapshot."""
    import psycopg

    from archive.core.lock import LOCK_KEY
    from archive.seed.loaders.pg import PgLoader

    def archive_run_may_start() -> bool:
        other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        with other:
            held = other.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()[0]
            if held:
                other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
            return held

    PgLoader(overwrite=False)
    assert archive_run_may_start()
    PgLoader(overwrite=True)
    assert not archive_run_may_start()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # a real transaction, not the test's savepoint
def test_seed_memory_holds_for_the_run_transaction_only(settings):
    from django.db import transaction

    from archive.seed.loaders.pg_bulk import use_seed_memory

    settings.SEED_WORK_MEM = "77MB"
    names = ("work_mem", "maintenance_work_mem", "hash_mem_multiplier")

    def current(cursor) -> list[str]:
        cursor.execute("SELECT current_setting(n) FROM unnest(%s::text[]) n", [list(names)])
        return [value for (value,) in cursor.fetchall()]

    with connection.cursor() as cursor:
        before = current(cursor)
        with transaction.atomic():
            use_seed_memory(cursor)
            assert current(cursor) == ["77MB", "77MB", "1"]
        assert current(cursor) == before


@pytest.mark.postgres
def test_a_big_load_that_fails_leaves_indexes_keys_and_change_record_as_they_were(
    archived, bulk_loading
):
    """The bulk path drops indexes and pauses triggers inside the run's transaction."""
    put(
        "data/appointment/2025-03.csv",
        csv_text(
            ["appointment_id", "date", "time", "status", "consultant_id", "customer_id"],
            [["1", "2025-03-15", "09:00:00", "pending", "", "nobody"]],  # no such customer
        ),
    )
    ArchiveChange.objects.all().delete()
    with connection.cursor() as cursor:
        before = _definitions(cursor)
        with pytest.raises(LoadError):
            seed_run(full=True)
        assert _definitions(cursor) == before
    assert not ArchiveChange.objects.exists()
    assert _counts()["appointment"] == 0


@pytest.mark.postgres
def test_a_key_twice_in_a_big_load_into_an_empty_table_is_refused_naming_it(archived, bulk_loading):
    """The primary key is set aside too while an empty table loads; rebuilt, it refuses."""
    key = _march_row_again_in_april()
    with connection.cursor() as cursor:
        before = _definitions(cursor)
        with pytest.raises(
            LoadError,
            match=rf"\.csv:\d+:1 \(appointment_id\): “{key}”: ",
        ):
            seed_run(full=True)
        assert _definitions(cursor) == before
    assert _counts()["appointment"] == 0


@pytest.mark.postgres
def test_a_big_load_leaves_a_table_without_its_change_record_as_it_was(archived, bulk_loading):
    """Only what the load paused is resumed: a trigger staff disabled stays disabled."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's deletes, checked
        cursor.execute(
            "ALTER TABLE appointments_appointment DISABLE TRIGGER archive_note_appointment_ins"
        )
        ArchiveChange.objects.all().delete()
        before = _definitions(cursor)
        seed_run(full=True)
        assert _definitions(cursor) == before
    assert "appointment" not in _whole_table_notes()
    assert "consultant" in _whole_table_notes()


@pytest.mark.postgres
def test_after_a_big_load_each_write_is_recorded_by_month_again(archived, bulk_loading):
    seed_run(full=True)
    ArchiveChange.objects.all().delete()
    m.Appointment.objects.filter(date=DAY).update(description="sau khi nạp")
    assert set(ArchiveChange.objects.values_list("table_name", "month")) == {
        ("appointment", DAY.replace(day=1))
    }


def test_a_full_seed_after_a_window_adds_the_rest(archived):
    seed_run(date=DAY, window_days=1)
    result = seed_run(full=True)
    counts = {t.table: (t.inserted, t.unchanged) for t in result.tables}
    assert counts["appointment"] == (6, 3)
    assert counts["appointmentfeedback"] == (2, 2)
    assert _counts()["appointment"] == 9


@pytest.mark.language("en")
def test_seeded_phone_numbers_take_their_stored_form_and_the_rest_are_warned(archive_dir):
    cells = ["+84 912 345 678", "2438261234", '="0912000111"', "01623456789", "113", "sai số"]
    put(
        "data/Customer.csv",
        csv_text(
            ["CustomerID", "FullName", "PhoneNumber"],
            [[f"c{n}", "An", cell] for n, cell in enumerate(cells)],
        ),
    )

    result = seed_run(full=True, tables=["customer"])

    phones = dict(m.Customer.objects.values_list("customer_id", "phone_number"))
    assert phones == {
        "c0": "0912345678",
        "c1": "02438261234",
        "c2": "0912000111",
        "c3": "0323456789",
        "c4": "113",
        "c5": "sai số",
    }
    (counts,) = result.tables
    assert (counts.fixed, counts.warnings) == (4, 2)
    lines = "\n".join(result.lines())
    assert "customer: 2 values kept as they came but look wrong" in lines
