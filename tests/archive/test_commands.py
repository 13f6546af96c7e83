"""archive_now: a per-table summary, progress on a terminal, and its exit status."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.management import CommandError, call_command

from archive.models import ArchiveIdentity
from tests.factories import AppointmentFactory

from .conftest import failing, lock_held_elsewhere

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.language("en")]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _archive_now(*args, stdout=None) -> str:
    out = stdout or io.StringIO()
    call_command("archive_now", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def rows():
    AppointmentFactory(date=dt.date(2025, 1, 10))


def test_summary_lists_every_table_with_its_status(archive_dir, rows):
    out = _archive_now()
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:-1]}
    assert lines["appointment"][1] == "uploaded"
    assert lines["appointment"][2] == "1/0/0"
    assert lines["appointment"][3] == "1"
    assert "Run success" in out
    again = _archive_now("--table", "appointment")
    assert "appointment" in again and "unchanged" in again and "customer" not in again


def test_progress_rewrites_one_line_on_a_terminal(archive_dir, rows):
    terminal = Terminal()
    _archive_now(stdout=terminal)
    assert "\rappointment: 1 of 1 files" in terminal.getvalue()
    assert "\r" not in _archive_now("--force")


def test_off_a_terminal_progress_is_a_log_line_every_interval(archive_dir, rows, settings):
    settings.PROGRESS_LOG_SECONDS = 0
    out = _archive_now()
    assert re.search(
        r"^\d\d:\d\d:\d\d appointment: 1 of 1 files \(100%\), .+ files/s; .+ rows/s$", out, re.M
    )
    settings.PROGRESS_LOG_SECONDS = 3600
    assert "files/s" not in _archive_now("--force")


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--table"], "option --table: a value is needed"), (["extra"], "unknown arguments: extra")],
)
def test_a_bad_argument_is_one_message(archive_dir, args, message):
    with pytest.raises(CommandError) as caught:
        _archive_now(*args)
    assert str(caught.value) == message


def test_an_unreachable_bucket_is_one_message(s3_bucket, rows, settings):
    settings.STORAGES["archive"]["OPTIONS"]["bucket_name"] = "no-such-bucket-here"
    with pytest.raises(CommandError, match="^The archive storage, the bucket no-such-bucket-here"):
        _archive_now()


def test_a_failed_table_makes_the_exit_status_non_zero(s3_bucket, rows):
    with failing("data/customer.csv"), pytest.raises(CommandError, match="customer"):
        _archive_now()


def test_refusal_says_what_to_do(archive_dir, rows):
    _archive_now()
    ArchiveIdentity.objects.filter(pk=1).update(database_id=uuid.uuid4())
    with pytest.raises(CommandError, match="--take-over"):
        _archive_now()
    assert "Run success" in _archive_now("--take-over")


def test_a_second_run_is_refused_while_one_holds_the_lock(archive_dir, rows):
    with lock_held_elsewhere(), pytest.raises(CommandError, match="already running"):
        _archive_now()
    assert "Run success" in _archive_now()


def test_unknown_table_is_named(archive_dir):
    with pytest.raises(CommandError, match="nosuch"):
        _archive_now("--table", "nosuch")
