"""What the archive commands print: progress off a terminal, local times, translated words."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from archive.core.progress import FILES, ProgressLog
from archive.models import ArchiveVerification
from archive.schedule import SCHEDULE_NAME, schedule_status
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

LINE = r"^\d\d:\d\d:\d\d "


def _run(*args: str, language: str = "en") -> str:
    out = io.StringIO()
    with translation.override(language):
        call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def archived(archive_dir):
    AppointmentFactory(date=dt.date(2025, 1, 10))
    _run("archive_now")
    return archive_dir


def test_verify_archive_logs_its_progress_off_a_terminal(archived, settings):
    settings.PROGRESS_LOG_SECONDS = 0
    out = _run("verify_archive")
    lines = re.findall(LINE + r"data/: (\d+) of (\d+) objects \(\d+%\), .+ objects/s$", out, re.M)
    assert lines and lines[-1][0] == lines[-1][1] == str(len(lines))
    settings.PROGRESS_LOG_SECONDS = 3600
    assert "objects/s" not in _run("verify_archive")


def test_verify_archive_shows_status_words_in_vietnamese(archived):
    out = _run("verify_archive", language="vi")
    assert "data/appointment/2025-01.csv" in out
    assert re.search(r"data/appointment/2025-01\.csv\s+appointment\s+tốt\s", out)
    assert "Kho lưu trữ khớp với tệp kê khai của nó." in out


def test_archive_now_in_vietnamese_translates_its_status_words(archive_dir):
    AppointmentFactory(date=dt.date(2025, 1, 10))
    out = _run("archive_now", language="vi")
    assert re.search(r"^appointment\s+đã tải lên\s+1/0/0\s", out, re.M)
    assert "Lần chạy thành công trong" in out


def test_archive_schedule_status_shows_local_time_not_utc(archived, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    utc = dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC)  # 03:30 the next day in Hanoi
    schedule_status()  # creates the task if a transactional test's flush removed it
    PeriodicTask.objects.filter(name=SCHEDULE_NAME).update(last_run_at=utc)
    ArchiveVerification.objects.create(result="ok", finished_at=utc)
    with timezone.override("Asia/Ho_Chi_Minh"):
        out = _run("archive_schedule", "status")
        verify = _run("archive_schedule", "status", "--verify")
    assert "Last run by beat: 2 Dec 2026 03:30 +07 (0 runs)." in out
    assert "20:30" not in out and "+00:00" not in out
    finished = timezone.localtime(timezone.now()).strftime("%-d %b %Y")
    assert re.search(rf"Manifest's last run: success, finished {finished} .+ \+07\.", out)
    assert "Last verification: " in verify and "2 Dec 2026 03:30 +07" in verify


@pytest.mark.language("en")
def test_a_progress_log_adds_the_runs_rows_and_their_rate_when_the_caller_counts_them():
    now = [0.0]
    lines: list[str] = []
    log = ProgressLog(lines.append, unit=FILES, every=5, clock=lambda: now[0])
    log("customer", 1, 2, rows=20_000)
    now[0] = 5.0
    log("customer", 2, 2, rows=40_000)  # 40,000 rows in 5 s
    log("appointment", 1, 3, rows=10_000)
    now[0] = 10.0
    log("appointment", 3, 3, rows=35_000)  # the run: 40,000 + 35,000 rows in 10 s
    assert [line[9:] for line in lines] == [
        "customer: 2 of 2 files (100%), 0.4 files/s; 40,000 rows, 8,000 rows/s",
        "appointment: 3 of 3 files (100%), 0.5 files/s; 75,000 rows, 7,500 rows/s",
    ]


def test_archive_now_logs_files_and_rows_off_a_terminal(archived, settings):
    settings.PROGRESS_LOG_SECONDS = 0
    out = _run("archive_now", "--force")
    progress = [line for line in out.splitlines() if " files (" in line]
    assert progress and all(re.search(r"; [\d,]+ rows, [\d,.]+ rows/s$", p) for p in progress)


@pytest.mark.language("en")
def test_a_progress_log_writes_nothing_before_its_interval_then_the_run_rate():
    now = [0.0]
    lines: list[str] = []
    log = ProgressLog(lines.append, unit=FILES, every=5, clock=lambda: now[0])
    log("customer", 1, 4)
    now[0] = 4.9
    log("customer", 2, 4)
    assert lines == []
    now[0] = 5.0
    log("customer", 4, 4)  # 4 files in 5 s
    now[0] = 7.0
    log("appointment", 1, 2)  # too soon
    now[0] = 10.0
    log("appointment", 6, 6)  # the run: 4 + 6 files in 10 s
    assert [line[9:] for line in lines] == [
        "customer: 4 of 4 files (100%), 0.8 files/s",
        "appointment: 6 of 6 files (100%), 1 files/s",
    ]
