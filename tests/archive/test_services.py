"""archive_run end to end: the manifest, skipping unchanged files, failures and repairs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from appointments.models import Appointment
from archive.services import ALREADY_RUNNING, archive_run
from archive.storage.backends import archive_storage
from archive.storage.manifest import manifest_read
from tests.factories import AppointmentFactory, CustomerFactory, FeedbackFactory, ParticipantFactory

from .conftest import assert_manifest_truthful, failing, in_thread, rows_of, writes

pytestmark = pytest.mark.django_db(transaction=True)

JAN, FEB, MAR = dt.date(2025, 1, 10), dt.date(2025, 2, 10), dt.date(2025, 3, 10)


@pytest.fixture
def history():
    """Appointments in three months, one with feedback, and a program participant."""
    made = [AppointmentFactory(date=day) for day in (JAN, JAN, FEB, MAR)]
    FeedbackFactory(appointment=made[0])
    ParticipantFactory()
    return made


def test_manifest_holds_its_invariant_after_a_run(s3_bucket, history):
    result = archive_run()
    assert result.status == "success"
    manifest = assert_manifest_truthful()
    appointment = manifest["tables"]["appointment"]
    assert sorted(appointment["files"]) == [
        "data/appointment/2025-01.csv",
        "data/appointment/2025-02.csv",
        "data/appointment/2025-03.csv",
    ]
    assert appointment["records"] == 4
    assert list(manifest["tables"]["appointmentfeedback"]["files"]) == [
        "data/appointmentfeedback/2025-01.csv"
    ]
    assert manifest["last_run"]["status"] == "success"
    assert manifest["history"][0] == manifest["last_run"]
    assert set(manifest["last_run"]["uploaded"]) >= {"customer", "appointment"}


def test_files_are_in_key_order_and_identical_data_gives_identical_bytes(s3_bucket, history):
    archive_run()
    first = rows_of("data/appointment/2025-01.csv")
    assert [int(r[0]) for r in first] == sorted(int(r[0]) for r in first)
    customers = [r[0] for r in rows_of("data/customer.csv")]
    assert customers == sorted(customers)
    before = manifest_read()["tables"]["appointment"]["files"]
    archive_run(force=True)
    after = manifest_read()["tables"]["appointment"]["files"]
    assert {k: v["checksum"] for k, v in before.items()} == {
        k: v["checksum"] for k, v in after.items()
    }


def test_unchanged_run_uploads_nothing(s3_bucket, s3_calls, history):
    archive_run()
    s3_calls.clear()
    result = archive_run()
    assert writes(s3_calls) == []
    assert {t.status for t in result.tables} == {"unchanged"}
    assert manifest_read()["last_run"]["skipped"] == [t.name for t in result.tables]
    assert_manifest_truthful()


def test_force_uploads_every_file_again(s3_bucket, s3_calls, history):
    archive_run()
    s3_calls.clear()
    archive_run(force=True)
    assert len(writes(s3_calls)) == sum(len(t["files"]) for t in manifest_read()["tables"].values())


def test_one_changed_row_uploads_only_its_file(s3_bucket, s3_calls, history):
    archive_run()
    s3_calls.clear()
    Appointment.objects.filter(pk=history[2].pk).update(description="đổi lịch")
    result = archive_run()
    assert writes(s3_calls) == ["/data/appointment/2025-02.csv"]
    assert [t.name for t in result.tables if t.status == "uploaded"] == ["appointment"]
    assert "đổi lịch" in rows_of("data/appointment/2025-02.csv")[0]
    assert_manifest_truthful()


@pytest.mark.postgres
def test_unchanged_table_costs_no_export_on_postgresql(s3_bucket, s3_calls, history):
    archive_run()
    s3_calls.clear()
    archive_run()
    # No export means no HEAD of a data file to compare a fresh MD5 with: one LIST.
    data = [op for op, path in s3_calls if path.startswith("/data/") or op == "ListObjectsV2"]
    assert data == ["ListObjectsV2"]


def test_a_month_whose_rows_are_all_gone_leaves_bucket_and_manifest(s3_bucket, history):
    archive_run()
    Appointment.objects.filter(date=MAR).delete()
    archive_run()
    assert not archive_storage().exists("data/appointment/2025-03.csv")
    assert "data/appointment/2025-03.csv" not in manifest_read()["tables"]["appointment"]["files"]
    assert_manifest_truthful()


def _in_english(work):
    """``work`` run with English active, on whichever thread calls it."""

    def run():
        with translation.override("en"):
            return work()

    return run


def test_a_second_trigger_returns_at_once_while_a_run_holds_the_lock(s3_bucket, history):
    seen = []

    def progress(table, done, total, *, rows=None):
        if not seen:
            seen.append(in_thread(_in_english(archive_run)))

    first = archive_run(progress=progress)
    assert seen[0].status == ALREADY_RUNNING
    assert "already running" in seen[0].message
    assert first.status == "success"
    assert archive_run().status == "success"  # the lock is released afterwards


@pytest.mark.postgres
def test_export_is_one_snapshot_while_another_connection_writes(s3_bucket, history):
    archive_run()
    late = []

    def progress(table, done, total, *, rows=None):
        if not late:
            late.append(in_thread(lambda: AppointmentFactory(date=JAN).pk))

    archive_run(progress=progress)
    january = [int(r[0]) for r in rows_of("data/appointment/2025-01.csv")]
    assert late[0] not in january  # committed after the snapshot: not in this run's files
    assert_manifest_truthful()
    result = archive_run()  # its change record was not consumed: the next run takes it
    assert late[0] in [int(r[0]) for r in rows_of("data/appointment/2025-01.csv")]
    assert {t.name for t in result.tables if t.status == "uploaded"} >= {"appointment"}


def test_storage_failure_on_one_table_leaves_the_others_archived(s3_bucket, history):
    with failing("data/customer.csv"):
        result = archive_run()
    assert result.status == "partial"
    by_name = {t.name: t for t in result.tables}
    assert by_name["customer"].status == "failed"
    assert "Injected" in by_name["customer"].error
    assert by_name["appointment"].status == "uploaded"
    manifest = assert_manifest_truthful()
    assert manifest["tables"]["customer"]["status"] == "failed"
    assert manifest["tables"]["customer"]["error"]
    assert manifest["last_run"]["failed"] == ["customer"]
    assert manifest["last_run"]["status"] == "partial"
    assert archive_run().status == "success"  # and the next run archives it


def test_transient_s3_errors_are_retried(s3_bucket, history):
    with failing("data/customer.csv", status=503, times=2) as seen:
        result = archive_run()
    assert result.status == "success"
    assert len(seen) == 3
    assert_manifest_truthful()


@pytest.mark.language("en")  # the message is read in English
def test_run_dying_before_the_manifest_is_repaired_by_the_next_run(s3_bucket, history):
    archive_run()
    Appointment.objects.filter(pk=history[0].pk).update(description="mới")
    CustomerFactory(customer_id="zz-new")
    with failing("archive_info.json"):
        dead = archive_run()
    assert dead.status == "failed"
    assert "manifest" in dead.message
    # The bucket holds new files the old manifest does not describe; the next run repairs.
    assert "zz-new" in [r[0] for r in rows_of("data/customer.csv")]
    assert "zz-new" not in str(manifest_read()["tables"]["customer"])
    result = archive_run()
    assert result.status == "success"
    assert_manifest_truthful()
    assert "mới" in rows_of("data/appointment/2025-01.csv")[0]


def test_folder_archive_on_the_default_database(archive_dir, history):
    result = archive_run()
    assert result.status == "success"
    assert (archive_dir / "data/appointment/2025-02.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert_manifest_truthful()
    assert {t.status for t in archive_run().tables} == {"unchanged"}
