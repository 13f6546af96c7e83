"""Bad input: the run is refused naming file, line and column, and the database is unchanged."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.utils import translation

from appointments import models as m
from archive.errors import LoadError
from archive.models import SeedLoad
from archive.seeding import seed_run
from tests.archive.archive_files import csv_text, put, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests assert the English wording of messages."""
    with translation.override("en"):
        yield


CUSTOMER = ["CustomerID", "FullName", "PhoneNumber", "IsDisabled"]
APPOINTMENT = ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time", "Status"]


@pytest.fixture
def working_database(s3_bucket):
    """A database with rows of its own, and good reference files in the archive."""
    customer = m.Customer.objects.create(customer_id="c0", full_name="Đã có")
    consultant = m.Consultant.objects.create(
        consultant_id=7, full_name="Thu", join_date=dt.date(2024, 1, 1)
    )
    m.Appointment.objects.create(
        appointment_id=1,
        consultant=consultant,
        customer=customer,
        date=dt.date(2025, 3, 15),
        time=dt.time(8),
    )
    put(
        "data/Consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [["7", "Thu", "2024-01-01"]]),
    )
    put("data/Customer.csv", csv_text(CUSTOMER, [["c1", "An", "0912345678", "false"]]))
    return s3_bucket


def _appointments(*rows: list[str]) -> None:
    put("data/Appointment.csv", csv_text(APPOINTMENT, list(rows)))


CASES = {
    "a value that is not a boolean": (
        lambda: put(
            "data/Customer.csv",
            csv_text(CUSTOMER, [["c1", "An", "", "false"], ["c2", "Bình", "", "maybe"]]),
        ),
        ["data/Customer.csv:3:4 (IsDisabled)", "“maybe”", "not a boolean"],
    ),
    "an unknown column": (
        lambda: put(
            "data/Customer.csv", csv_text([*CUSTOMER, "Nickname"], [["c1", "An", "", "0", "x"]])
        ),
        ["data/Customer.csv:1:5 (Nickname)", "unknown column"],
    ),
    "a missing required column": (
        lambda: put("data/Consultant.csv", csv_text(["ConsultantID", "FullName"], [["7", "Thu"]])),
        ["data/Consultant.csv:1", "join_date", "missing required column"],
    ),
    "a file for an unknown table": (
        lambda: put("data/Clients.csv", csv_text(["ClientID"], [["1"]])),
        ["data/Clients.csv", "unknown table"],
    ),
    "a row with the wrong number of cells": (
        lambda: put(
            "data/Customer.csv",
            csv_text(CUSTOMER, [["c1", "An", "", "0"], ["c2", "Bình", "0", "0", "extra"]]),
        ),
        ["data/Customer.csv:3", "5 cells, but the header has 4"],
    ),
    "a status that is not allowed": (
        lambda: _appointments(["2", "7", "c1", "2025-03-15", "09:00", "done"]),
        ["data/Appointment.csv:2:6 (Status)", "“done”", "not one of: pending"],
    ),
    "a date that does not exist": (
        lambda: _appointments(
            ["2", "7", "c1", "2025-03-15", "09:00", "pending"],
            ["3", "7", "c1", "2025-02-30", "09:00", "pending"],
        ),
        ["data/Appointment.csv:3:4 (Date)", "2025-02-30"],
    ),
    "a customer the database does not have": (
        lambda: _appointments(["2", "7", "nobody", "2025-03-15", "09:00", "pending"]),
        ["data/Appointment.csv", "nobody"],
    ),
    "a NUL byte in a name": (
        lambda: put(
            "data/Customer.csv", csv_text([*CUSTOMER, "Notes"], [["c1", "A\x00n", "", "0", ""]])
        ),
        ["data/Customer.csv:2:2 (FullName)", "contains a NUL character"],
    ),
    # Notes had no fast-path limit, so COPY met the NUL and named no column (issue 13, item 9).
    "a NUL byte in notes": (
        lambda: put(
            "data/Customer.csv", csv_text([*CUSTOMER, "Notes"], [["c1", "An", "", "0", "gh\x00i"]])
        ),
        ["data/Customer.csv:2:5 (Notes)", "contains a NUL character"],
    ),
    "a text longer than its column": (
        lambda: put("data/Customer.csv", csv_text(CUSTOMER, [["c1", "An", "0" * 25, "0"]])),
        ["data/Customer.csv:2:3 (PhoneNumber)", "20"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_with_its_place_and_the_database_is_unchanged(working_database, case):
    write, expected = CASES[case]
    write()
    before = snapshot()

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    message = str(refused.value)
    for part in expected:
        assert part in message
    assert snapshot() == before
    assert not SeedLoad.objects.exists()


def test_a_bad_row_in_a_quoted_multiline_file_is_placed_on_its_physical_line(working_database):
    rows = [["c1", "An\nở dòng hai", "", "0"], ["c2", "Bình", "", "0"], ["c3", "Chi", "", "sai"]]
    put("data/Customer.csv", csv_text(CUSTOMER, rows))
    with pytest.raises(LoadError, match=r"data/Customer.csv:5:4 \(IsDisabled\)"):
        seed_run(full=True)


def test_errors_stop_at_twenty(working_database):
    rows = [[f"c{n}", f"Khách {n}", "", "sai"] for n in range(30)]
    put("data/Customer.csv", csv_text(CUSTOMER, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    assert len(refused.value.errors) == 20
    assert refused.value.truncated
    assert "stopped after 20 errors" in str(refused.value)


def test_errors_in_two_files_are_all_reported(working_database):
    put("data/Customer.csv", csv_text(CUSTOMER, [["c1", "An", "", "sai"]]))
    _appointments(["2", "7", "c1", "2025-03-15", "25:00", "pending"])
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    places = [f"{e.file}:{e.line}:{e.column}" for e in refused.value.errors]
    assert places == ["data/Customer.csv:2:4", "data/Appointment.csv:2:5"]


def test_a_duplicated_key_is_refused(working_database):
    put(
        "data/Customer.csv",
        csv_text(CUSTOMER, [["c1", "An", "", "0"], ["c1", "An lần hai", "", "0"]]),
    )
    with pytest.raises(LoadError, match="data/Customer.csv"):
        seed_run(full=True, overwrite=True)
    assert not m.Customer.objects.filter(customer_id="c1").exists()


def test_a_refused_run_leaves_no_download_running(working_database):
    # Bad rows first, then more than the reader fetches ahead: the download is cut short.
    rows = [[f"c{n}", f"Khách {n}", "", "sai" if n < 30 else "0"] for n in range(600_000)]
    put("data/Customer.csv", csv_text(CUSTOMER, rows))
    before = threading.active_count()
    with pytest.raises(LoadError):
        seed_run(full=True)
    deadline = time.monotonic() + 2
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before


@pytest.mark.parametrize("block_chars", [1, 120])
def test_a_value_postgresql_refuses_after_whole_blocks_is_placed_on_its_line(
    working_database, monkeypatch, block_chars
):
    """Lines passed on in blocks keep COPY's line numbers mapped to the file's."""
    from archive import reader

    monkeypatch.setattr(reader, "BLOCK_CHARS", block_chars)
    rows = [[str(n), "7", "c1", "2025-03-15", f"{n // 60:02d}:{n % 60:02d}", "pending"]
            for n in range(2, 60)]  # fmt: skip
    rows[40][3] = "2025-02-30"  # well-formed, so only PostgreSQL can tell: line 43
    rows.insert(5, [])  # a blank line: COPY's line numbers part from the file's
    _appointments(*rows)
    before = snapshot()
    with pytest.raises(LoadError, match=r"data/Appointment.csv:43:4 \(Date\)"):
        seed_run(full=True, overwrite=True)
    assert snapshot() == before
