"""What spreadsheets write is read (and counted), what they destroyed is refused with its
place, the original's empty timestamps are repaired, and database problems get their line."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from appointments import models as m
from archive import checks
from archive.core.codec import CellError, decode
from archive.seed.errors import LoadError
from archive.seed.run import seed_run
from archive.storage.backends import archive_storage
from tests.archive.archive_files import csv_text, put, snapshot

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
CUSTOMER = ["CustomerID", "FullName", "PhoneNumber", "IsDisabled"]
APPOINTMENT = ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time", "Status"]
ORIGINAL = [*APPOINTMENT, "CreatedAt", "UpdatedAt"]


def _field(name: str, model=m.Appointment):
    return model._meta.get_field(name)


@pytest.mark.parametrize(
    ("field", "cell", "value", "forms"),
    [
        ("time", "08:00:00 AM", dt.time(8), ("12-hour",)),
        ("time", "8:00 PM", dt.time(20), ("12-hour",)),
        ("time", "12:00 AM", dt.time(0), ("12-hour",)),
        ("time", "12:30 PM", dt.time(12, 30), ("12-hour",)),
        ("time", "8:30 CH", dt.time(20, 30), ("12-hour",)),
        ("time", "9:15:30 SA", dt.time(9, 15, 30), ("12-hour",)),
        ("date", "26/06/2001", dt.date(2001, 6, 26), ("day-first",)),
        ("date", "6/7/2001", dt.date(2001, 7, 6), ("day-first",)),
        ("date", "26.06.2001", dt.date(2001, 6, 26), ("day-first",)),
        ("date", "6/26/2001", dt.date(2001, 6, 26), ("month-first",)),
        (
            "created_at",
            "26/06/2001 8:00 PM",
            dt.datetime(2001, 6, 26, 20, tzinfo=HCM),
            ("day-first", "12-hour"),
        ),
        (
            "created_at",
            "2025-03-15 08:30:00 PM",
            dt.datetime(2025, 3, 15, 20, 30, tzinfo=HCM),
            ("12-hour",),
        ),
        (
            "created_at",
            "6/7/2001 14:05:09",
            dt.datetime(2001, 7, 6, 14, 5, 9, tzinfo=HCM),
            ("day-first",),
        ),
        ("created_at", "2025-03-15 08:30:00", dt.datetime(2025, 3, 15, 8, 30, tzinfo=HCM), ()),
    ],
)
def test_spreadsheet_forms_are_read_and_say_which_form(field, cell, value, forms):
    read = decode(_field(field), cell)
    assert read.value == value
    assert read.forms == forms


def test_month_first_when_the_setting_says_so(settings):
    settings.SEED_DATE_ORDER = "MDY"
    assert decode(_field("date"), "6/7/2001").value == dt.date(2001, 6, 7)
    assert decode(_field("date"), "26/06/2001").value == dt.date(2001, 6, 26)  # only reading


@pytest.mark.parametrize(
    ("field", "model", "cell", "reason"),
    [
        (
            "customer_id",
            m.Customer,
            "1.00700411485697E+18",
            "a spreadsheet (1.00700411485697E+18); format the column as Text",
        ),
        (
            "customer_id",
            m.Customer,
            "1.00700411485697E+018",
            "turned into a number by a spreadsheet",
        ),
        (
            "customer",
            m.Appointment,
            "1,00700411485697E+18",
            "turned into a number by a spreadsheet",
        ),
        ("consultant", m.Appointment, "7E+0", "turned into a number by a spreadsheet"),
        ("appointment_id", m.Appointment, "1.2E+3", "turned into a number by a spreadsheet"),
        ("customer_id", m.Customer, "1007004114856960000", "lost its last digits"),
        ("date", m.Appointment, "06/26/01", "two-digit year (06/26/01)"),
        ("time", m.Appointment, "13:00 PM", "a 12-hour clock goes from 1 to 12"),
        ("date", m.Appointment, "31/02/2001", "no such day"),
    ],
)
def test_what_a_spreadsheet_destroyed_is_refused_saying_how_to_fix_it(field, model, cell, reason):
    with pytest.raises(CellError) as refused:
        decode(_field(field, model), cell)
    assert reason in str(refused.value)


def test_a_19_digit_id_as_text_is_kept():
    assert decode(_field("customer_id", m.Customer), "1007004114856968072").value == (
        "1007004114856968072"
    )


def test_a_bad_date_order_setting_is_a_system_check_error(settings):
    settings.SEED_DATE_ORDER = "YMD"
    assert [e.id for e in checks.check_date_order()] == ["archive.E007"]
    with pytest.raises(SystemCheckError, match="archive.E007"):
        call_command("check")
    settings.SEED_DATE_ORDER = "MDY"
    assert checks.check_date_order() == []


@pytest.fixture
def parents(s3_bucket):
    put(
        "data/Consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [["7", "Thu", "2024-01-01"]]),
    )
    put("data/Customer.csv", csv_text(CUSTOMER, [["c1", "An", "0912345678", "false"]]))
    return s3_bucket


def test_ids_in_scientific_notation_are_refused_at_their_place_even_on_the_fast_path(parents):
    rows = [[str(n), "Khách", "", "false"] for n in range(1, 40)]
    rows[20][0] = "1.00700411485697E+18"  # otherwise a perfectly ordinary row
    put("data/Customer.csv", csv_text(CUSTOMER, rows))
    put(
        "data/Appointment.csv",
        csv_text(APPOINTMENT, [["1", "7", "1.2E+3", "2025-03-15", "09:00", "pending"]]),
    )
    before = snapshot()
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    places = [str(e) for e in refused.value.errors]
    assert places[0].startswith(
        "data/Customer.csv:22:1 (CustomerID): “1.00700411485697E+18”: this ID"
    )
    assert "format the column as Text and export again" in places[0]
    assert places[1].startswith("data/Appointment.csv:2:3 (CustomerID): “1.2E+3”")
    assert snapshot() == before


def test_spreadsheet_forms_load_and_the_summary_counts_them_by_kind(parents):
    rows = [
        ["1", "7", "c1", "26/03/2025", "08:00:00 AM", "pending", "26/03/2025 8:00 PM", ""],
        ["2", "7", "c1", "2025-03-27", "2:30 PM", "pending", "", ""],
        [
            "3",
            "7",
            "c1",
            "3/28/2025",
            "09:00",
            "pending",
            "2025-03-01 09:00:00",
            "2025-03-02 10:00:00",
        ],
    ]
    put("data/Appointment.csv", csv_text(ORIGINAL, rows))
    result = seed_run(full=True)
    got = {a.appointment_id: a for a in m.Appointment.objects.all()}
    assert (got[1].date, got[1].time) == (dt.date(2025, 3, 26), dt.time(8))
    assert got[1].created_at == dt.datetime(2025, 3, 26, 20, tzinfo=HCM)
    assert got[1].updated_at == got[1].created_at  # empty UpdatedAt: its CreatedAt
    assert got[2].time == dt.time(14, 30)
    assert got[2].created_at == dt.datetime(2025, 3, 27, tzinfo=HCM)  # the row's date, 00:00
    assert got[2].updated_at == got[2].created_at
    assert got[3].date == dt.date(2025, 3, 28)
    assert got[3].updated_at == dt.datetime(2025, 3, 2, 10, tzinfo=HCM)
    (line,) = [x for x in result.lines() if "spreadsheet forms" in x]
    assert line.startswith("appointment: read from spreadsheet forms: 12-hour times: 4, ")
    for part in [
        "day-first dates: 3",  # the UpdatedAt copied from a day-first CreatedAt counts too
        "month-first dates: 1",
        "empty CreatedAt set to the row's date: 1",
        "empty UpdatedAt set to CreatedAt: 2",
    ]:
        assert part in line


def test_an_empty_created_at_without_a_row_date_is_the_load_moment(parents):
    put(
        "data/Customer.csv",
        csv_text([*CUSTOMER, "CreatedAt"], [["c1", "An", "", "false", ""]]),
    )
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = seed_run(full=True)
    customer = m.Customer.objects.get(customer_id="c1")
    assert before <= customer.created_at <= dt.datetime.now(dt.UTC)
    assert "empty CreatedAt set to the load's moment: 1" in "\n".join(result.lines())


def test_a_column_mixing_day_and_month_first_is_refused_at_the_ambiguous_date(parents):
    rows = [
        ["1", "7", "c1", "06/07/2025", "09:00", "pending"],  # 6 July or June 7?
        ["2", "7", "c1", "06/26/2025", "09:00", "pending"],  # month-first: the column is
    ]
    put("data/Appointment.csv", csv_text(APPOINTMENT, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    (error,) = refused.value.errors
    assert str(error).startswith("data/Appointment.csv:2:4 (Date): “06/07/2025”: read day-first")
    assert "line 3 of this column holds “06/26/2025”" in error.reason
    assert not m.Appointment.objects.exists()


def test_an_invalid_byte_is_reported_on_its_own_line(parents):
    rows = [[f"c{n}", f"Khách {n}", "", "false"] for n in range(40_000)]
    text = csv_text(CUSTOMER, rows).encode("utf-8-sig")
    at = text.index(b"c30000,")  # the record on line 30,002
    storage = archive_storage()
    storage.save("data/Customer.csv", ContentFile(text[: at + 3] + b"\xff" + text[at + 3 :]))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    assert [(e.file, e.line) for e in refused.value.errors] == [("data/Customer.csv", 30_002)]
    assert "not UTF-8" in str(refused.value)


@pytest.fixture
def booked(parents):
    """The database holds appointment 1: appointment files are merged through staging."""
    seed_run(full=True)
    m.Appointment.objects.create(
        appointment_id=1,
        consultant_id=7,
        customer_id="c1",
        date=dt.date(2025, 3, 15),
        time=dt.time(8),
    )


def test_a_key_twice_in_one_file_is_refused_although_the_database_holds_it(booked):
    rows = [
        ["1", "7", "c1", "2025-03-15", "08:00", "pending"],
        ["2", "7", "c1", "2025-03-15", "10:00", "pending"],
        ["1", "7", "c1", "2025-03-15", "08:00", "pending"],
    ]
    put("data/Appointment.csv", csv_text(APPOINTMENT, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    (error,) = refused.value.errors
    assert (error.file, error.line, error.value) == ("data/Appointment.csv", 4, "1")
    assert "this key appears more than once" in error.reason
    assert not m.Appointment.objects.filter(appointment_id=2).exists()


def test_every_unknown_parent_is_reported_on_its_line_with_its_value(booked):
    rows = [
        ["2", "7", "nobody", "2025-03-15", "09:00", "pending"],
        ["3", "7", "c1", "2025-03-15", "10:00", "pending"],
        ["4", "8", "c1", "2025-03-15", "11:00", "pending"],
        ["5", "7", "ghost", "2025-03-15", "12:00", "pending"],
    ]
    put("data/Appointment.csv", csv_text(APPOINTMENT, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    found = sorted((e.line, e.header, e.value) for e in refused.value.errors)
    assert found == [
        (2, "CustomerID", "nobody"),
        (4, "ConsultantID", "8"),
        (5, "CustomerID", "ghost"),
    ]
    assert any("no customer with this ID (ghost)" in e.reason for e in refused.value.errors)
    assert not m.Appointment.objects.filter(appointment_id=3).exists()


@pytest.mark.postgres
def test_a_double_booking_inside_the_files_gets_its_line(booked):
    rows = [
        ["2", "7", "c1", "2025-03-16", "09:00", "pending"],
        ["3", "7", "c1", "2025-03-16", "10:00", "cancelled"],
        ["4", "7", "c1", "2025-03-16", "09:00", "confirmed"],  # 2's slot, both active
    ]
    put("data/Appointment.csv", csv_text(APPOINTMENT, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    (error,) = refused.value.errors
    assert (error.line, error.value) == (4, "7, 2025-03-16, 09:00:00")
    assert (
        "already has an active appointment at that date and time (also on line 2)" in error.reason
    )


def test_database_problems_stay_next_to_row_errors_found_later(booked):
    rows = [
        ["2", "7", "nobody", "2025-03-15", "09:00", "pending"],
        ["3", "7", "c1", "2025-03-15", "25:00", "pending"],
    ]
    put("data/Appointment.csv", csv_text(APPOINTMENT, rows))
    with pytest.raises(LoadError) as refused:
        seed_run(full=True)
    found = sorted((e.line, e.value) for e in refused.value.errors)
    assert found == [(2, "nobody"), (3, "25:00")]
