"""Bad input: the run is refused naming file, line and column, and the database is unchanged."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest

from appointments import models as m
from archive.models import SeedLoad
from archive.seed.errors import LoadError
from archive.seed.loaders import pg
from archive.seed.run import seed_run
from tests.archive.archive_files import csv_text, put, snapshot, wipe

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


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
    from archive.seed import reader

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


# -- every error in its place, also those the database finds (issue 12) -------------------

CONSULTANT = ["ConsultantID", "FullName", "JoinDate"]
FEEDBACK = ["AppointmentID", "Rating", "CustomerFeedback"]


@pytest.fixture
def empty_database(s3_bucket):
    """Good reference files and a database without rows: each table is loaded empty (on
    PostgreSQL straight by COPY, checked by the table's own keys and constraints)."""
    wipe()  # on PostgreSQL: tables without pages
    put("data/Consultant.csv", csv_text(CONSULTANT, [["7", "Thu", "2024-01-01"]]))
    put("data/Customer.csv", csv_text(CUSTOMER, [["c1", "An", "0912345678", "false"]]))
    return s3_bucket


@pytest.fixture
def bulk_database(empty_database, monkeypatch):
    """An empty database loaded as a big file would be: on PostgreSQL the table's keys,
    indexes and foreign keys are set aside during COPY and rebuilt once after it."""

    monkeypatch.setattr(pg, "BULK_BYTES", 0)
    return empty_database


DATABASES = ["empty_database", "bulk_database", "working_database"]


APPOINTMENT_WHOLE = [
    *APPOINTMENT[:5], "Duration", "MeetingURL", "Status", "Description", "CreatedAt", "UpdatedAt"
]  # fmt: skip


def _whole_appointments(*rows: list[str]) -> None:
    """Appointments with every column, as the archive writes them: on PostgreSQL an empty
    table takes them straight from COPY (a file lacking columns is staged first)."""
    moment = "2025-03-01 08:00:00"
    whole = [[*r[:5], "60", "", r[5], "", moment, moment] if r else r for r in rows]
    put("data/Appointment.csv", csv_text(APPOINTMENT_WHOLE, whole))


def _places(**options) -> list[tuple]:
    before = snapshot()
    with pytest.raises(LoadError) as refused:
        seed_run(full=True, **options)
    assert snapshot() == before
    return sorted((e.file, e.line, e.column, e.header, e.value) for e in refused.value.errors)


@pytest.mark.parametrize("database", DATABASES)
def test_every_unknown_parent_is_placed_on_its_line_with_its_value(request, database):
    request.getfixturevalue(database)
    _whole_appointments(
        ["2", "7", "c1", "2025-03-15", "09:00", "pending"],
        ["3", "7", "nobody", "2025-03-15", "10:00", "pending"],
        ["4", "99", "c1", "2025-03-15", "11:00", "pending"],
        ["5", "8", "ghost", "2025-03-16", "11:00", "pending"],
    )

    assert _places() == [
        ("data/Appointment.csv", 3, 3, "CustomerID", "nobody"),
        ("data/Appointment.csv", 4, 2, "ConsultantID", "99"),
        ("data/Appointment.csv", 5, 2, "ConsultantID", "8"),
        ("data/Appointment.csv", 5, 3, "CustomerID", "ghost"),
    ]


@pytest.mark.parametrize("database", DATABASES)
def test_a_key_twice_in_a_file_is_placed_on_its_second_line(request, database):
    request.getfixturevalue(database)
    _whole_appointments(
        ["2", "7", "c1", "2025-03-15", "09:00", "pending"],
        ["3", "7", "c1", "2025-03-15", "10:00", "pending"],
        ["2", "7", "c1", "2025-03-15", "11:00", "pending"],
    )

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    (error,) = refused.value.errors
    assert (error.file, error.line, error.column, error.header, error.value) == (
        "data/Appointment.csv", 4, 1, "AppointmentID", "2",
    )  # fmt: skip
    assert "more than once" in error.reason
    if database != "empty_database":  # there COPY stops at the second: the first is unknown
        assert "line 2" in error.reason


@pytest.mark.parametrize("database", DATABASES)
def test_a_double_booking_in_a_file_is_placed_on_its_second_line(request, database):
    request.getfixturevalue(database)
    _whole_appointments(
        ["2", "7", "c1", "2025-03-16", "09:00", "pending"],
        ["3", "7", "c1", "2025-03-16", "10:00", "cancelled"],
        ["4", "7", "c1", "2025-03-16", "10:00", "pending"],
        ["5", "7", "c1", "2025-03-16", "09:00", "confirmed"],
    )

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    (error,) = refused.value.errors
    assert (error.file, error.line, error.column) == ("data/Appointment.csv", 5, 2)
    assert error.value.startswith("7, 2025-03-16, 09:00")
    assert "already has an active appointment" in error.reason


@pytest.mark.parametrize("database", DATABASES)
def test_a_rating_above_five_is_placed_on_its_line(request, database):
    request.getfixturevalue(database)
    _whole_appointments(
        ["2", "7", "c1", "2025-03-16", "09:00", "completed"],
        ["3", "7", "c1", "2025-03-16", "10:00", "completed"],
    )
    put("data/AppointmentFeedback.csv", csv_text(FEEDBACK, [["2", "5", "tốt"], ["3", "6", "?"]]))

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    (error,) = refused.value.errors
    places = (error.file, error.line, error.column, error.header, error.value)
    assert places == ("data/AppointmentFeedback.csv", 3, 2, "Rating", "6")
    assert "between 0 and 5" in error.reason


@pytest.mark.parametrize("database", ["bulk_database", "working_database"])
def test_errors_of_every_kind_come_together(request, database):
    """Where the table's key is checked after the rows are in (not while COPY adds them)."""
    request.getfixturevalue(database)
    rows = [[str(n), "7", "c1", "2025-03-15", f"{n // 60:02d}:{n % 60:02d}", "pending"]
            for n in range(2, 40)]  # fmt: skip
    rows[3][2] = "nobody"  # line 5: an unknown customer
    rows[6][4] = "25:00"  # line 8: not a time (found while reading)
    rows[9][0] = "2"  # line 11: a key twice
    _whole_appointments(*rows)

    places = [place[1:3] for place in _places()]

    assert places == [(5, 3), (8, 5), (11, 1)]


@pytest.mark.postgres
def test_an_emptied_table_with_pages_still_places_each_error(empty_database):
    """Rows that were deleted leave pages whose room COPY may fill in any order: such a
    table is loaded through a staging table that numbers the rows as they arrive."""
    consultant = m.Consultant.objects.create(
        consultant_id=8, full_name="Lan", join_date=dt.date(2024, 1, 1)
    )
    customer = m.Customer.objects.create(customer_id="c9", full_name="Bình")
    m.Appointment.objects.bulk_create(
        m.Appointment(appointment_id=n, consultant=consultant, customer=customer,
                      date=dt.date(2025, 3, 14), time=dt.time(n // 60, n % 60))
        for n in range(100, 400)
    )  # fmt: skip
    m.Appointment.objects.all().delete()
    consultant.delete()
    customer.delete()
    rows = [[str(n), "7", "c1", "2025-03-15", f"{n // 60:02d}:{n % 60:02d}", "pending"]
            for n in range(2, 40)]  # fmt: skip
    rows[3][2] = "nobody"
    rows[9][0] = "2"
    _whole_appointments(*rows)

    assert [place[1:3] for place in _places()] == [(5, 3), (11, 1)]
