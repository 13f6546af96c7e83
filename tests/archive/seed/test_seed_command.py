"""The thin entry points: ``manage.py seed_from_s3``, the Celery task, progress; no archive."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from appointments import models as m
from archive.models import SeedLoad
from archive.seed.load import Progress
from archive.seed.progress import SeedProgress
from archive.tasks import seed_from_s3
from meetassist.exceptions import DomainError
from tests.archive.archive_files import csv_text, put

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


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
    with pytest.raises(CommandError, match="Unknown table “clients”"):
        call_command("seed_from_s3", "--table", "clients")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_from_s3", "--date", "15/03/2025")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--date", "2026-31-12"],
            "option --date: “2026-31-12” is not a date in the form YYYY-MM-DD "
            "(for example 2026-12-31)",
        ),
        (["--window-days", "-2"], "option --window-days: “-2” is not a whole number of at least 0"),
        (
            ["--window-days", "two"],
            "option --window-days: “two” is not a whole number of at least 0",
        ),
        (["--date"], "option --date: a value is needed"),
        (["--bogus"], "unknown arguments: --bogus"),
    ],
)
def test_a_bad_argument_is_one_message_naming_the_option(archive, args, message):
    with pytest.raises(CommandError) as caught:
        call_command("seed_from_s3", *args)
    assert str(caught.value) == message
    assert not m.Appointment.objects.exists()


def test_command_with_tables_loads_only_those(archive):
    call_command("seed_from_s3", "--full", "--table", "Consultant", stdout=io.StringIO())
    assert m.Consultant.objects.count() == 1
    assert not m.Customer.objects.exists()


def test_an_empty_archive_folder_is_an_error_not_no_file_per_table(archive_dir):
    with pytest.raises(CommandError) as caught:
        call_command("seed_from_s3", "--full", stdout=io.StringIO())
    message = str(caught.value)
    assert message.startswith(f"There is no archive to load: the folder {archive_dir} ")
    assert "no manifest (metadata/archive_info.json) and no data files" in message
    assert not SeedLoad.objects.exists()


def test_a_missing_archive_folder_is_named(archive_dir):
    archive_dir.rmdir()
    with pytest.raises(CommandError, match=f"the folder {archive_dir} .*does not exist"):
        call_command("seed_from_s3", "--full", stdout=io.StringIO())


def test_an_empty_bucket_is_an_error(s3_bucket):
    with pytest.raises(CommandError, match=f"the bucket {s3_bucket} .*holds no manifest"):
        call_command("seed_from_s3", "--full", stdout=io.StringIO())


def test_a_bucket_that_does_not_exist_is_unreachable_not_a_traceback(s3_bucket, settings):
    settings.STORAGES["archive"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"
    with pytest.raises(CommandError) as caught:
        call_command("seed_from_s3", "--full", stdout=io.StringIO())
    message = str(caught.value)
    assert message.startswith("The archive storage, the bucket no-such-bucket-here")
    assert "NoSuchBucket" in message


def test_an_archive_of_empty_tables_loads_nothing_without_error(archive_dir):
    call_command("archive_now", stdout=io.StringIO())  # an empty database's archive
    out = io.StringIO()
    call_command("seed_from_s3", "--full", stdout=out)
    assert "customer: 0 inserted" in out.getvalue()


def test_the_original_systems_archive_still_loads(archive):
    # The original system's manifest shape (no version): it counts as no manifest.
    original = '{"tables": {"Customer": {"record_count": 1}}, "archive_history": []}'
    put("metadata/archive_info.json", original)
    call_command("seed_from_s3", "--full", stdout=io.StringIO())
    assert m.Customer.objects.count() == 1 and m.Appointment.objects.count() == 2


def test_the_dashboard_task_gets_the_same_error(archive_dir):
    with pytest.raises(DomainError, match="There is no archive to load"):
        seed_from_s3(date="2025-03-15")


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

    with SeedProgress(Terminal()) as progress:
        progress(Progress("appointment", "data/appointment/2025-03.csv", 1 << 20, 2 << 20))
        progress(Progress("appointment", "data/appointment/2025-04.csv", 1 << 20, 1 << 20, 14040))
    bars = capsys.readouterr().err
    assert "data/appointment/2025-04.csv" in bars
    assert "14,040 rows" in bars


def test_off_a_terminal_progress_is_a_log_line_every_interval(archive, settings):
    settings.PROGRESS_LOG_SECONDS = 0
    out = io.StringIO()
    call_command("seed_from_s3", "--full", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "data/Appointment.csv" in line]
    assert lines, out.getvalue()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d appointment: data/Appointment\.csv: .+ of .+ \(\d+%\), .+/s; "
        r"4 rows, [\d.,]+ rows/s",  # the run's: one consultant, one customer, two here
        lines[-1],
    )


def test_off_a_terminal_no_line_comes_before_the_interval(archive, settings):
    settings.PROGRESS_LOG_SECONDS = 3600
    out = io.StringIO()
    call_command("seed_from_s3", "--full", stdout=out)
    assert "/s" not in out.getvalue()


def test_the_celery_task_logs_its_progress_for_the_workers_log(archive, settings, caplog):
    settings.PROGRESS_LOG_SECONDS = 0
    with caplog.at_level("INFO", logger="archive.tasks"):
        seed_from_s3(full=True)
    assert any("appointment: data/Appointment.csv: " in r.getMessage() for r in caplog.records)
