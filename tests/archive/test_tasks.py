"""archive.tasks.archive_all, executed by a real Celery worker through Redis."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker

from archive.manifest import manifest_read
from archive.tasks import archive_all
from meetassist.celery import app
from tests.factories import AppointmentFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


@pytest.fixture
def broker(redis_url):
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    app.control.purge()
    yield
    app.conf.update(saved)


def test_archive_all_runs_in_a_real_worker(broker, archive_dir):
    AppointmentFactory(date=dt.date(2025, 1, 10))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        summary = archive_all.delay().get(timeout=60)
    assert summary["status"] == "success"
    assert "appointment" in summary["uploaded"]
    assert manifest_read()["last_run"]["run_id"] == summary["run_id"]
