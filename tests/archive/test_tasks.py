"""archive_all and verify_archive, executed by a real Celery worker through Redis."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker

from archive.storage.manifest import manifest_read
from archive.tasks import archive_all
from tests.factories import AppointmentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def test_archive_all_runs_in_a_real_worker(celery_on_redis, archive_dir):
    AppointmentFactory(date=dt.date(2025, 1, 10))
    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        summary = archive_all.delay().get(timeout=60)
    assert summary["status"] == "success"
    assert "appointment" in summary["uploaded"]
    assert manifest_read()["last_run"]["run_id"] == summary["run_id"]


def test_verify_archive_runs_in_a_real_worker(celery_on_redis, archive_dir):
    from archive.selectors import verification_last
    from archive.services import archive_run
    from archive.tasks import verify_archive

    AppointmentFactory(date=dt.date(2025, 1, 10))
    archive_run()
    with start_worker(celery_on_redis, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        summary = verify_archive.delay().get(timeout=60)
    files = sum(len(t["files"]) for t in manifest_read()["tables"].values())
    assert summary["result"] == "ok" and summary["objects"] == files == 5
    assert verification_last().result == "ok"
