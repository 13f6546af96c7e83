"""PostgreSQL's COPY writes exactly the bytes the Python encoder writes, awkward values too."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appointments.models import Customer
from archive.core import codec, escape
from archive.core.csvfile import CsvOut, read_csv
from archive.core.sql import sql_cell
from archive.core.tables import table
from archive.export.pg_source import snapshot
from archive.export.sources import OrmSource
from tests.factories import AppointmentFactory, CustomerFactory, FeedbackFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AWKWARD = [
    "",
    "=1+1",
    "'=x",
    "''+a",
    "\tx",
    "\rx",
    "-",
    "@sum",
    "+84912345678",
    "a,b",
    'say "hi"',
    "line\nbreak",
    "cr\ronly",
    "crlf\r\n",
    "\\.",
    "  spaced  ",
    "Tiếng Việt – 😀 \u2028 \u00a0",
    '"',
    ",",
]
HO_CHI_MINH = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _both(spec_name: str, tmp_path, month=None) -> tuple[bytes, bytes]:
    from archive.export.pg_source import PgSource

    spec = table(spec_name)
    outputs = []
    with snapshot():
        for source in (PgSource(), OrmSource()):
            out = CsvOut(tmp_path, spec.columns)
            source.write(spec, month, out)
            written = out.close()
            outputs.append((written.path.read_bytes(), written.records))
    (pg, pg_rows), (py, py_rows) = outputs
    assert pg_rows == py_rows
    return pg, py


def test_copy_output_equals_the_python_encoder_for_awkward_values(tmp_path):
    stamps = [
        dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        dt.datetime(2025, 1, 2, 3, 4, 5, 120000, tzinfo=HO_CHI_MINH),
        dt.datetime(2025, 6, 30, 23, 59, 59, 1, tzinfo=dt.UTC),
        dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    ]
    for i, text in enumerate(AWKWARD):
        CustomerFactory(
            customer_id=text or "empty-id",
            full_name=text or "x",
            notes=text,
            phone_number=text[:20],
            is_disabled=bool(i % 2),
            date_of_birth=dt.date(1990, 1, 1) if i % 3 else None,
            created_at=stamps[i % len(stamps)],
        )
    pg, py = _both("customer", tmp_path)
    assert pg == py
    assert pg.startswith(codec.BOM.encode())


def test_copy_output_equals_the_python_encoder_for_times_floats_and_nulls(tmp_path):
    for i, rating in enumerate([0.0, 4.5, 1 / 3, 5.0, 1e-05, 0.1 + 0.2, 2.5e-7]):
        appointment = AppointmentFactory(
            consultant=None,
            date=dt.date(2025, 3, 1 + i),
            time=dt.time(9, i, 0, 500000 * (i % 2)),
            description=AWKWARD[i],
        )
        FeedbackFactory(appointment=appointment, rating=rating, customer_feedback=AWKWARD[-i])
    pg, py = _both("appointment", tmp_path, dt.date(2025, 3, 1))
    assert pg == py
    pg, py = _both("appointmentfeedback", tmp_path, dt.date(2025, 3, 1))
    assert pg == py


def test_every_written_cell_decodes_to_the_stored_value(tmp_path):
    for text in AWKWARD:
        CustomerFactory(customer_id=text or "empty-id", full_name=text or "x", notes=text)
    spec = table("customer")
    pg, _py = _both("customer", tmp_path)
    path = tmp_path / "customer.csv"
    path.write_bytes(pg)
    with read_csv(path) as (header, rows):
        assert header == spec.columns
        for row in rows:
            stored = Customer.objects.get(pk=codec.decode(spec.fields[0], row[0]).value)
            assert codec.decode(spec.fields[7], row[7]).value == stored.notes
            assert codec.decode(spec.fields[5], row[5]).value == stored.created_at


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
        ),
        max_size=8,
    )
)
def test_any_text_copies_as_the_python_encoder_writes_it(tmp_path, texts):
    Customer.objects.all().delete()
    for i, text in enumerate(texts):
        CustomerFactory(customer_id=f"h{i}", notes=text, full_name=text or "x")
    pg, py = _both("customer", tmp_path)
    assert pg == py


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e15, "1e+15"),
        (1234567890123456.8, "1.2345678901234568e+15"),
        (-1e15, "-1e+15"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (1e16, "1e+16"),
        (4.0, "4"),
    ],
)
def test_floats_are_written_as_postgresql_writes_them(value, text):
    from django.db import connection

    assert codec.encode(table("appointmentfeedback").fields[1], value) == text
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL extra_float_digits = 1")
        cursor.execute("SELECT (%s)::float8::text", [value])
        assert cursor.fetchone()[0] == text


def _sql_cells(texts: list[str]) -> list[str | None]:
    """Each text as the export's SQL renders a text cell, in the real database."""
    from django.db import connection

    notes = Customer._meta.get_field("notes")
    rows = ", ".join(["(%s, %s::text)"] * len(texts))
    sql = f"SELECT {sql_cell(notes, 't.c')} FROM (VALUES {rows}) t(n, c) ORDER BY t.n"
    params = [value for n, text in enumerate(texts) for value in (n, text)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


SPREADSHEET_TEXT = st.text(
    st.sampled_from("'=+-@\t\r\n .eE0123456789xA(:)|,\"٣"), max_size=12
) | st.from_regex(escape.PLAIN_NUMBER, fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(SPREADSHEET_TEXT | st.text(max_size=20).filter(lambda t: "\x00" not in t),
                min_size=1, max_size=40))  # fmt: skip
def test_the_sql_escape_is_the_python_escape(texts):
    notes = Customer._meta.get_field("notes")
    assert _sql_cells(texts) == [codec.encode(notes, text) or None for text in texts]


def test_the_sql_escape_leaves_numbers_and_escapes_formulas():
    texts = ["+84912345678", "-5", "+1.5", "-0.25e3", "+5\n", "-1+A1", "+SUM(A1)", "@x", "'+84"]
    expected = ["+84912345678", "-5", "+1.5", "-0.25e3", "'+5\n", "'-1+A1", "'+SUM(A1)", "'@x"]
    assert _sql_cells(texts) == [*expected, "''+84"]
