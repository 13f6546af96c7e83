"""The thin entry points: ``manage.py seed_from_s3``, the Celery task, terminal progress."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from appointments import models as m
from archive.engine import Progress
from archive.models import SeedLoad
from archive.progress import TerminalProgress
from archive.seed_tasks import seed_from_s3
from tests.archive.archive_files import csv_text, put

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests assert the English wording of messages."""
    with translation.override("en"):
        yield


CONSULTANTS = ["ConsultantID", "FullName", "JoinDate"]


@pytest.fixture
def archive(archive_dir):
    put("data/Consultant.csv", csv_text(CONSULTANTS, [["3", "Thu", "2024-01-01"]]))
    header = ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time"]
    put("data/Customer.csv", csv_text(["CustomerID", "FullName"], [["c1", "An"]]))
    put(
        "data/Appointment.csv",
        csv_text(
            header,
            [["1", "3", "c1", "2025-03-15", "09:00"], ["2", "3", "c1", "2025-05-01", "09:00"]],
        ),
    )
    return archive_dir


def test_command_seeds_the_window_and_prints_a_summary_per_table(archive):
    out = io.StringIO()
    call_command("seed_from_s3", "--date", "2025-03-15", "--window-days", "2", stdout=out)
    text = out.getvalue()
    assert "Window: 2025-03-13 … 2025-03-17" in text
    assert "appointment: 1 inserted, 0 updated, 0 already there, 1 outside the window" in text
    assert list(m.Appointment.objects.values_list("pk", flat=True)) == [1]


def test_command_dry_run_writes_nothing(archive):
    out = io.StringIO()
    call_command("seed_from_s3", "--full", "--dry-run", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert not m.Appointment.objects.exists()


def test_command_fails_naming_file_line_and_column(archive):
    put(
        "data/Consultant.csv",
        csv_text(CONSULTANTS, [["3", "Thu", "2024-01-01"], ["4", "Nam", "hôm qua"]]),
    )
    with pytest.raises(
        CommandError, match=r"data/Consultant.csv:3:3 \(JoinDate\): “hôm qua”: not a date"
    ):
        call_command("seed_from_s3", "--full", stdout=io.StringIO())
    assert not m.Consultant.objects.exists()


def test_command_refuses_an_unknown_table_and_a_bad_date(archive):
    with translation.override("en"), pytest.raises(CommandError, match="Unknown table “clients”"):
        call_command("seed_from_s3", "--table", "clients")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_from_s3", "--date", "15/03/2025")


def test_command_with_tables_loads_only_those(archive):
    call_command("seed_from_s3", "--full", "--table", "Consultant", stdout=io.StringIO())
    assert m.Consultant.objects.count() == 1
    assert not m.Customer.objects.exists()


def test_an_empty_archive_loads_nothing_and_says_so(archive_dir):
    out = io.StringIO()
    call_command("seed_from_s3", "--full", stdout=out)  # a new deployment: not a failure
    assert "customer: no file" in out.getvalue()
    assert not SeedLoad.objects.exists()


def test_celery_task_runs_the_same_service(archive):
    # Called in-process (an eager run would leave a result backend cached in this thread).
    lines = seed_from_s3(date="2025-03-15", window_days=0)
    summary = "appointment: 1 inserted, 0 updated, 0 already there, 1 outside the window"
    assert any(line.startswith(summary) for line in lines)
    assert seed_from_s3.name == "archive.tasks.seed_from_s3"


def test_terminal_progress_shows_a_bar_per_file(capsys):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with TerminalProgress(Terminal()) as progress:
        progress(Progress("appointment", "data/appointment/2025-03.csv", 1 << 20, 2 << 20))
        progress(Progress("appointment", "data/appointment/2025-04.csv", 1 << 20, 1 << 20))
    assert "data/appointment/2025-04.csv" in capsys.readouterr().err
    with TerminalProgress(io.StringIO()) as silent:
        assert silent is None
