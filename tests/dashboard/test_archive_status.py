"""The archive page's reads: manifest (local folder and S3), schedule, seed loads, loaded days."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django_celery_beat.models import IntervalSchedule

from archive import selectors
from archive.core.tables import TABLES
from archive.models import ArchiveIdentity, SeedLoad
from dashboard.archive_actions import task_progress

pytestmark = pytest.mark.django_db

OWNER = str(uuid.uuid4())
MANIFEST = {
    "version": 1,
    "database_id": OWNER,
    "last_run": {
        "started_at": "2025-03-12T03:00:00+00:00",
        "finished_at": "2025-03-12T03:00:05+00:00",
        "status": "partial",
        "uploaded": ["appointment"],
        "skipped": ["customer"],
        "failed": ["programparticipant"],
    },
    "tables": {
        "customer": {
            "records": 3,
            "bytes": 120,
            "status": "unchanged",
            "last_updated": "2025-03-11T03:00:00+00:00",
            "last_checked": "2025-03-12T03:00:01+00:00",
            "error": None,
            "files": {
                "data/customer.csv": {
                    "checksum": "0cc175b9c0f1b6a831c399e269772661",
                    "records": 3,
                    "bytes": 120,
                    "last_updated": "2025-03-11T03:00:00+00:00",
                }
            },
        },
        "appointment": {
            "records": 8,
            "bytes": 800,
            "status": "uploaded",
            "last_updated": "2025-03-12T03:00:03+00:00",
            "last_checked": "2025-03-12T03:00:03+00:00",
            "error": None,
            "files": {
                "data/appointment/2025-02.csv": {"checksum": "aa", "records": 1, "bytes": 100},
                "data/appointment/2025-03.csv": {"checksum": "bb", "records": 7, "bytes": 700},
            },
        },
        "programparticipant": {"status": "failed", "error": "disk full", "records": "many"},
    },
    "history": [
        {"started_at": "2025-03-12T03:00:00+00:00", "status": "partial"},
        {"started_at": "2025-03-12T02:55:00+00:00", "status": "success"},
        "not a run",
    ],
}


def write_manifest(data) -> None:
    storage = storages["archive"]
    if storage.exists("metadata/archive_info.json"):
        storage.delete("metadata/archive_info.json")
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    storage.save("metadata/archive_info.json", ContentFile(payload))


def test_without_a_manifest_every_registered_table_is_listed_as_not_archived(archive_dir):
    status = selectors.archive_overview()
    assert status.manifest_found is False and status.manifest_error is None
    assert [t.name for t in status.tables] == [spec.name for spec in TABLES]
    assert all(t.status is None and t.records is None for t in status.tables)
    assert status.last_run is None and status.history == []
    assert status.storage == str(archive_dir)


def test_the_original_systems_manifest_counts_as_none(archive_dir):
    write_manifest({"tables": {"customer": {"record_count": 3}}, "archive_history": []})
    status = selectors.archive_overview()
    assert status.manifest_found is False
    assert all(t.status is None for t in status.tables)


def test_an_unreadable_manifest_counts_as_none(archive_dir):
    write_manifest(b"{not json")
    assert selectors.archive_overview().manifest_found is False


def test_manifest_tables_runs_and_files_are_read(archive_dir):
    write_manifest(MANIFEST)
    status = selectors.archive_overview()
    tables = {t.name: t for t in status.tables}
    customer = tables["customer"]
    assert (customer.status, customer.records, customer.bytes) == ("unchanged", 3, 120)
    assert [f.checksum for f in customer.files] == ["0cc175b9c0f1b6a831c399e269772661"]
    assert customer.last_checked == dt.datetime(2025, 3, 12, 3, 0, 1, tzinfo=dt.UTC)
    appointment = tables["appointment"]
    assert [(f.key, f.records) for f in appointment.files] == [
        ("data/appointment/2025-02.csv", 1),
        ("data/appointment/2025-03.csv", 7),
    ]
    broken = tables["programparticipant"]
    assert (broken.status, broken.error, broken.records) == ("failed", "disk full", None)
    assert status.last_run.status == "partial"
    assert status.last_run.failed == ["programparticipant"]
    assert [r.status for r in status.history] == ["partial", "success"]
    assert status.manifest_database_id == OWNER


def test_the_manifest_is_read_from_s3_too(s3_bucket):
    write_manifest(MANIFEST)
    status = selectors.archive_overview()
    assert status.storage == f"s3://{s3_bucket}"
    assert {t.name: t.records for t in status.tables}["appointment"] == 8


def test_this_databases_id_is_shown_next_to_the_archives_owner(archive_dir):
    write_manifest(MANIFEST)
    identity = ArchiveIdentity.current()
    status = selectors.archive_overview()
    assert status.database_id == str(identity.database_id) != status.manifest_database_id


def test_schedule_reads_the_periodic_task(schedule):
    read = selectors.schedule_state()
    assert (read.exists, read.enabled, read.every_minutes) == (True, False, 5)
    schedule.enabled = True
    schedule.interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.HOURS)
    schedule.save()
    assert selectors.schedule_state().every_minutes == 120


def test_schedule_not_created_yet_reads_as_missing(schedule):
    schedule.delete()
    read = selectors.schedule_state()
    assert (read.exists, read.enabled, read.every_minutes) == (False, False, None)


def test_loaded_days_merge_touching_windows():
    for start, end in [(1, 3), (4, 5), (10, 12)]:
        SeedLoad.objects.create(
            table="appointment",
            window_start=dt.date(2025, 3, start),
            window_end=dt.date(2025, 3, end),
            source="s",
        )
    loaded = selectors.loaded_days()
    assert loaded.seeded and not loaded.full
    assert loaded.windows == [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 5)),
        (dt.date(2025, 3, 10), dt.date(2025, 3, 12)),
    ]
    assert loaded.holds(dt.date(2025, 3, 4)) and not loaded.holds(dt.date(2025, 3, 7))


def test_an_origin_database_holds_every_day():
    assert selectors.loaded_days().holds(dt.date(1999, 1, 1))


def test_task_progress_without_a_result_backend_is_unknown():
    progress = task_progress(str(uuid.uuid4()))
    assert (progress.state, progress.ready) == ("UNKNOWN", False)


def test_archive_page_shows_each_tables_state(archive_dir, schedule, client_for):
    write_manifest(MANIFEST)
    page = client_for(perms=["dashboard.view_archive_status"]).get("/dashboard/archive/")
    html = page.content.decode()
    assert 'data-table="customer"' in html and "0cc175b9c0f1b6a831c399e269772661" in html
    assert "disk full" in html
    assert html.count("data-run=") == 2
    assert 'data-action="archive-run"' not in html  # viewing is not running
    runner = client_for(perms=["dashboard.view_archive_status", "dashboard.run_archive"])
    html = runner.get("/dashboard/archive/").content.decode()
    assert 'data-action="archive-run"' in html and 'data-action="schedule-on"' in html


def test_archive_json_has_tables_schedule_and_runs(archive_dir, schedule, client_for):
    write_manifest(MANIFEST)
    data = client_for(superuser=True).get("/api/archive/status").json()["archive"]
    assert data["schedule"]["exists"] is True and data["schedule"]["every_minutes"] == 5
    tables = {t["name"]: t for t in data["tables"]}
    assert tables["customer"]["files"][0]["checksum"] == "0cc175b9c0f1b6a831c399e269772661"
    assert data["last_run"]["uploaded"] == ["appointment"]


@pytest.fixture
def result_backend(celery_on_redis):
    """Celery results kept in this machine's Redis, as with a broker in production."""
    return celery_on_redis.backend


@pytest.mark.redis
def test_task_progress_reads_the_state_a_running_task_reported(result_backend):
    task_id = str(uuid.uuid4())
    result_backend.store_result(task_id, {"table": "appointment", "rows": 120}, "PROGRESS")
    progress = task_progress(task_id)
    assert (progress.state, progress.ready) == ("PROGRESS", False)
    assert progress.detail == "table: appointment, rows: 120"
    result_backend.store_result(task_id, {"loaded": 3}, "SUCCESS")
    assert task_progress(task_id).ready is True


@pytest.mark.redis
def test_day_view_follows_a_queued_load_until_it_ends(result_backend, client_for, archive_dir):
    task_id = str(uuid.uuid4())
    result_backend.store_result(task_id, {"rows": 10}, "STARTED")
    client = client_for(perms=["appointments.view_appointment"])
    page = client.get(f"/dashboard/appointments/?date=2025-03-12&task={task_id}")
    assert b'data-task-state="STARTED"' in page.content
    assert b'http-equiv="refresh"' in page.content  # reloads itself while the task runs
    result_backend.store_result(task_id, {"rows": 10}, "SUCCESS")
    page = client.get(f"/dashboard/appointments/?date=2025-03-12&task={task_id}")
    assert b'data-task-state="SUCCESS"' in page.content
    assert b'http-equiv="refresh"' not in page.content
