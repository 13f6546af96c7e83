"""A seed keeps the rows the database holds, but never one it created under an archived key.

Kept and recorded as loaded, such a row would replace the archived row at the next archive
run (docs/architecture.md, "The archive never loses a row"). Each way a held row is kept is covered:
PostgreSQL's staged rows (a window), the reader's skip of held keys (a whole file, one
line per record and a record over several lines), and SQLite's batches.
"""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from django.utils import timezone

from appointments import models as m
from archive.seed.errors import LoadError
from archive.seed.run import seed_run
from tests.archive.archive_files import export_archive, put_as_archived, snapshot, wipe

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]

ARCHIVED = dt.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


HANG_SECONDS = 120  # far longer than any of these seeds takes


@pytest.fixture(autouse=True)
def fails_if_hung():
    """A seed that waits for ever fails instead: a query asked on the connection while
    a COPY holds it (psycopg's lock) waits for ever, the COPY open on the server. The
    alarm interrupts the wait, and the COPY is ended by the exception it raises."""

    def hung(_signal, _frame):
        raise TimeoutError(f"the seed still runs after {HANG_SECONDS} s: it waits for ever")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def archived(s3_bucket):
    """An archive of a consultant, a customer and two appointments, then an empty database."""
    consultant = m.Consultant.objects.create(
        consultant_id=3, full_name="Tư vấn gốc", join_date=dt.date(2025, 1, 1)
    )
    customer = m.Customer.objects.create(customer_id="c1", full_name="An")
    for key, day in ((11, 10), (12, 11)):
        m.Appointment.objects.create(
            appointment_id=key,
            consultant=consultant,
            customer=customer,
            date=dt.date(2025, 2, day),
            time=dt.time(9),
            description='first line\nsecond line, with “quotes” and "more"',
        )
    m.Consultant.objects.filter(pk=3).update(created_at=ARCHIVED)
    m.Appointment.objects.update(created_at=ARCHIVED)
    manifest = export_archive()
    wipe()
    return manifest


def _own_consultant() -> None:
    """This database's own consultant, under the archive's key."""
    m.Consultant.objects.create(
        consultant_id=3, full_name="Của cơ sở này", join_date=dt.date(2025, 1, 1)
    )


def _own_appointment() -> None:
    """The archive's reference rows loaded, and an appointment of this database's own
    under an archived appointment's key (as after its sequence was set back)."""
    seed_run(full=True, tables=["customer", "consultant"])
    m.Appointment.objects.create(
        appointment_id=12,
        consultant_id=3,
        customer_id="c1",
        date=dt.date(2025, 2, 11),
        time=dt.time(10),
        description="made here",
    )


def _refused(**options) -> list:
    before = snapshot()
    with pytest.raises(LoadError) as refused:
        seed_run(**options)
    assert snapshot() == before, "a refused seed changed the database"
    return refused.value.errors


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"full": True}, id="every row (held keys skipped while reading)"),
        pytest.param({"date": dt.date(2025, 2, 11), "window_days": 0}, id="a window (staged)"),
    ],
)
def test_a_row_created_here_under_an_archived_key_is_not_kept(archived, options):
    _own_appointment()

    (appointment,) = _refused(**options)

    assert appointment.reason.startswith("appointment, key 12:")
    assert appointment.file == "data/appointment/2025-02.csv"
    # The record of key 12 starts on line 4: key 11's description runs over two lines.
    assert (appointment.line, appointment.column, appointment.header) == (4, 10, "created_at")
    assert "key 12" in appointment.reason
    assert "2025-01-02 10:04:05.678901+07:00" in appointment.reason  # the archived row's
    assert str(timezone.localdate().year) in appointment.reason.split("(created ")[1]
    assert "--overwrite" in appointment.reason


def test_a_reference_row_created_here_under_an_archived_key_is_not_kept(archived):
    _own_consultant()

    (consultant,) = _refused(full=True)

    assert (consultant.file, consultant.line, consultant.column) == ("data/consultant.csv", 2, 8)
    assert consultant.reason.startswith("consultant, key 3:")


def test_a_one_line_record_created_here_is_not_kept(archived):
    """The reader's fast skip of a held key, which reads the line without parsing it."""
    seed_run(full=True)
    m.Appointment.objects.update(description="plain")
    export_archive(["appointment"])  # one line per record now
    m.Appointment.objects.filter(pk=12).update(created_at=timezone.now())  # made here

    errors = _refused(full=True, tables=["appointment"])

    assert [(e.line, e.column, e.value[:10]) for e in errors] == [(3, 10, "2025-01-02")]
    assert "key 12" in errors[0].reason


def test_the_rows_loaded_from_the_archive_are_kept_on_the_next_seed(archived):
    seed_run(full=True)
    before = snapshot()

    result = seed_run(full=True)

    assert snapshot() == before
    assert {c.table: c.unchanged for c in result.tables}["appointment"] == 2


def test_a_creation_moment_a_spreadsheet_cut_to_seconds_is_the_same_row(archived):
    """collision.same_row compares at the coarser precision of the two moments."""
    seed_run(full=True)
    text = (
        "consultant_id,full_name,email,phone_number,specialties,qualifications,join_date,"
        "created_at,is_disabled\r\n3,Tư vấn gốc,,,,,2025-01-01,2025-01-02 10:04:05,false\r\n"
    )  # local time, the fraction dropped: the same moment as archived
    put_as_archived("data/consultant.csv", text)

    result = seed_run(full=True, tables=["consultant"])

    assert {c.table: c.unchanged for c in result.tables} == {"consultant": 1}


def test_with_overwrite_the_archived_row_replaces_the_one_created_here(archived):
    _own_appointment()

    seed_run(full=True, overwrite=True)

    assert m.Appointment.objects.get(pk=12).created_at == ARCHIVED
