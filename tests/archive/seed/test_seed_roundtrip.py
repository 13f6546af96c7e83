"""Exact round trips over awkward values: what is archived comes back byte for byte."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from appointments import models as m
from archive.core.tables import tables
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.storage.manifest import manifest_read
from tests.archive.archive_files import export_archive, snapshot, wipe

pytestmark = pytest.mark.django_db

# Any text a person can type: quotes, commas, line breaks, formula starts, BOMs, Vietnamese.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
AWKWARD = st.sampled_from(["=1+1", "'=x", "''+84", '"', 'a,"b"\r\nc', "\ufeffx", " x ", "\\.", "-"])
# IDs a spreadsheet would have made numbers of: real ones are archived and read back as such.
NUMBER_LIKE = st.sampled_from(["0E0", "1e5", "'1E+5", "1007004114856960000", "+2,5E3"])
KEYS = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=50,
)
MOMENTS = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)
)
ROW = st.fixed_dictionaries(
    {
        "customer_id": KEYS | AWKWARD | NUMBER_LIKE,
        "full_name": (TEXT | AWKWARD).filter(bool),
        "notes": TEXT | AWKWARD,
        # Stored forms, and text kept as typed because it is not a number.
        "phone_number": st.sampled_from(
            ["", "0912345678", "02438261234", "19001234", "+16502530000", "=", "113", "-5"]
        ),
        "created_at": MOMENTS,
        "birth": st.none() | st.dates(min_value=dt.date(1900, 1, 1)),
        "time": st.times(),
        "rating": st.floats(min_value=0, max_value=5),
        "description": TEXT | AWKWARD,
    }
)
# PostgreSQL's COPY ends its input at a line holding only \. : never inside our data.
LINE_ALONE = {
    "customer_id": "\\.",
    "full_name": "\\.",
    "notes": "a\n\\.\nb",
    "phone_number": "",
    "created_at": dt.datetime(2025, 1, 2, tzinfo=dt.UTC),
    "birth": None,
    "time": dt.time(9),
    "rating": 5e-324,
    "description": "\\.\r\n\\.",
}
CHECKS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _store(rows: list[dict]) -> None:
    wipe()
    consultant = m.Consultant.objects.create(
        consultant_id=1, full_name="Thu", join_date=dt.date(2024, 1, 1)
    )
    for n, row in enumerate(rows, start=1):
        customer = m.Customer.objects.create(
            customer_id=row["customer_id"],
            full_name=row["full_name"],
            notes=row["notes"],
            phone_number=row["phone_number"],
            created_at=row["created_at"],
            date_of_birth=row["birth"],
        )
        appointment = m.Appointment.objects.create(
            appointment_id=n,
            consultant=consultant,
            customer=customer,
            date=dt.date(2025, 1, 1) + dt.timedelta(days=n),
            time=row["time"],
            description=row["description"],
            created_at=row["created_at"],
        )
        m.AppointmentFeedback.objects.create(
            appointment=appointment, rating=row["rating"], customer_feedback=row["notes"]
        )


def _checksums(manifest: dict) -> dict[str, str]:
    return {
        key: info["checksum"]
        for table in manifest["tables"].values()
        for key, info in table["files"].items()
    }


@CHECKS
@given(st.lists(ROW, min_size=1, max_size=4, unique_by=lambda r: r["customer_id"]))
@example([LINE_ALONE])
@example([{**LINE_ALONE, "customer_id": "0E0"}, {**LINE_ALONE, "customer_id": "1" + "0" * 18}])
def test_archive_files_survive_seed_full_into_an_empty_database(archive_dir, rows):
    _store(rows)
    first = export_archive()
    before = snapshot()
    wipe()

    seed_run(full=True)

    assert snapshot() == before
    assert _checksums(export_archive()) == _checksums(first)


@CHECKS
@given(st.lists(ROW, min_size=1, max_size=4, unique_by=lambda r: r["customer_id"]))
def test_archive_then_seed_full_into_an_empty_database_then_archive_gives_identical_checksums(
    s3_bucket, rows
):
    names = [spec.name for spec in tables()]
    _store(rows)
    archive_run(tables=names)
    first = _checksums(manifest_read())
    before = snapshot()
    wipe()

    seed_run(full=True)
    assert snapshot() == before
    archive_run(tables=names)

    assert _checksums(manifest_read()) == first
