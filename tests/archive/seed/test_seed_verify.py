"""The seeder verifies what it reads: MD5 and records against the manifest, or refuses."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from appointments import models as m
from archive.models import SeedLoad
from archive.seed import reader, run
from archive.seed.errors import LoadError
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import ManifestUnreadable, manifest_read
from archive.tasks import seed_from_s3
from meetassist.exceptions import DomainError
from tests.archive.archive_files import csv_text, put, snapshot, wipe
from tests.archive.conftest import read_object
from tests.factories import AppointmentFactory, ConsultantFactory, CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]

DAY = dt.date(2025, 3, 15)
MARCH = "data/appointment/2025-03.csv"
APRIL = "data/appointment/2025-04.csv"
CUSTOMERS = "data/customer.csv"


@pytest.fixture(params=["s3_bucket", "archive_dir"])
def storage(request):
    request.getfixturevalue(request.param)
    return archive_storage()


@pytest.fixture
def archived(storage):
    """A small business archived by ``archive_run`` (March and April), the database emptied."""
    consultant = ConsultantFactory()
    customers = CustomerFactory.create_batch(3)
    for n, day in enumerate([DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=1)]):
        AppointmentFactory(
            consultant=consultant, customer=customers[n], date=day, description=f"note {n:03d}"
        )
    AppointmentFactory(consultant=consultant, customer=customers[0], date=dt.date(2025, 4, 2))
    _archive()
    wipe()
    return storage


def _archive() -> None:
    result = archive_run()
    assert result.status == "success", result.message


def _replace(key: str, data: bytes) -> None:
    """Write ``data`` at ``key`` behind the archive's back (as aws s3 cp would)."""
    storage = archive_storage()
    storage.delete(key)
    storage.save(key, ContentFile(data))


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324 — a checksum


def _listed(key: str) -> dict:
    table = key.split("/")[1].removesuffix(".csv")
    return manifest_read()["tables"][table]["files"][key]


def _counts() -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot().items()}


EMPTY = {
    "customer": 0,
    "consultant": 0,
    "communityprogram": 0,
    "programparticipant": 0,
    "consultantschedule": 0,
    "appointment": 0,
    "appointmentfeedback": 0,
}


def _changed(key: str, data: bytes, records: int) -> list[str]:
    """What the refusal of a changed ``key`` must say: the object, both MD5s and counts."""
    listed = _listed(key)
    return [
        f"{key}: changed since it was archived",
        f"the manifest records MD5 {listed['checksum']} and {listed['records']} records",
        f"the object read has MD5 {_md5(data)} and {records} records",
        "--accept-changed-files",
    ]


def test_an_object_cut_short_fails_the_run_naming_it_and_both_checksums(archived):
    data = read_object(MARCH)
    cut = data[: data.rstrip(b"\r\n").rfind(b"\n") + 1]  # the last record gone
    _replace(MARCH, cut)

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    for part in _changed(MARCH, cut, 2):
        assert part in str(refused.value)
    assert _counts() == EMPTY  # customers and consultants were loaded first, then rolled back
    assert not SeedLoad.objects.exists()


def test_an_object_edited_with_the_same_size_fails_the_command(archived):
    data = read_object(MARCH)
    edited = data.replace(b"note 001", b"note 999")
    assert len(edited) == len(data) and edited != data
    _replace(MARCH, edited)

    with pytest.raises(CommandError) as refused:
        call_command("seed_from_s3", "--date", DAY.isoformat(), stdout=io.StringIO())

    for part in _changed(MARCH, edited, 3):
        assert part in str(refused.value)
    assert _counts() == EMPTY


def _plus_row(data: bytes, **changes: str) -> bytes:
    """``data`` with one more record: its last one, with ``changes`` by column."""
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    row = dict(zip(header, rows[-1], strict=True)) | changes
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n" if data.endswith(b"\r\n") else "\n").writerow(
        row.values()
    )
    return data + line.getvalue().encode()


def test_an_object_with_an_extra_row_fails_then_loads_when_changed_files_are_accepted(archived):
    edited = _plus_row(read_object(CUSTOMERS), customer_id="cust-extra")
    _replace(CUSTOMERS, edited)

    with pytest.raises(CommandError) as refused:
        call_command("seed_from_s3", "--full", stdout=io.StringIO())
    for part in _changed(CUSTOMERS, edited, 4):
        assert part in str(refused.value)
    assert _counts() == EMPTY

    out = io.StringIO()
    call_command("seed_from_s3", "--full", "--accept-changed-files", stdout=out)
    assert m.Customer.objects.filter(pk="cust-extra").exists()
    assert _counts()["customer"] == 4 and _counts()["appointment"] == 4
    listed = _listed(CUSTOMERS)
    assert (
        f"customer: loaded although changed since archived: {CUSTOMERS} (manifest: MD5 "
        f"{listed['checksum']}, 3 records; read: MD5 {_md5(edited)}, 4 records)"
    ) in out.getvalue()
    loads = {load.table: load.unverified for load in SeedLoad.objects.all()}
    assert loads["customer"] == [CUSTOMERS]
    assert loads["appointment"] == [] and loads["consultant"] == []


def test_the_celery_task_accepts_changed_files_too(archived):
    data = read_object(APRIL)
    _replace(APRIL, _plus_row(data, appointment_id="999", time="11:00:00"))
    with pytest.raises(LoadError, match=f"{APRIL}: changed since it was archived"):
        seed_from_s3(full=True)

    lines = seed_from_s3(full=True, accept_changed_files=True)

    assert any(
        line.startswith(f"appointment: loaded although changed since archived: {APRIL}")
        for line in lines
    )
    load = SeedLoad.objects.get(table="appointment", full=True)
    assert load.unverified == [APRIL]
    # A later clean load of the same table keeps saying what was loaded unverified.
    _replace(APRIL, data)
    seed_run(full=True)
    load.refresh_from_db()
    assert load.unverified == [APRIL]


@pytest.fixture
def big_march(storage):
    """A March file of about 1.7 MB (more than one BLOCK_CHARS), rows in date order."""
    customer = CustomerFactory()
    consultants = ConsultantFactory.create_batch(12)
    rows = [
        m.Appointment(
            consultant=consultant,
            customer=customer,
            date=dt.date(2025, 3, day),
            time=dt.time(7 + hour),
            description=f"row {day:02d}-{hour:02d}-{consultant.pk:03d} " + "x" * 120,
        )
        for day in range(1, 32)
        for hour in range(14)
        for consultant in consultants
    ]
    m.Appointment.objects.bulk_create(rows)
    _archive()
    wipe()
    assert len(read_object(MARCH)) > reader.BLOCK_CHARS
    return len(rows)


def test_a_window_that_skips_whole_blocks_still_finds_a_changed_byte_in_them(
    big_march, monkeypatch
):
    skipped = []
    block_skipper = reader.CsvFile._block_skipper

    def counting(self):
        skip = block_skipper(self)
        if skip is None:
            return None

        def counted(block: str) -> bool:
            outside = skip(block)
            skipped.append((self.name, outside))
            return outside

        return counted

    monkeypatch.setattr(reader.CsvFile, "_block_skipper", counting)
    data = read_object(MARCH)
    at = data.index(b"row 28-")  # far outside the window, in a block skipped whole
    edited = data[:at] + b"wor" + data[at + 3 :]
    _replace(MARCH, edited)

    with pytest.raises(LoadError) as refused:
        seed_run(date=DAY, window_days=1)

    for part in _changed(MARCH, edited, big_march):
        assert part in str(refused.value)
    assert (MARCH, True) in skipped
    assert _counts() == EMPTY

    _replace(MARCH, data)  # as archived: the same window loads, counted the same way
    skipped.clear()
    result = seed_run(date=DAY, window_days=1)
    assert (MARCH, True) in skipped
    appointments = next(t for t in result.tables if t.table == "appointment")
    assert appointments.inserted == 3 * 14 * 12
    assert appointments.outside == big_march - 3 * 14 * 12
    assert appointments.changed == []


def test_a_listed_object_that_is_missing_is_a_clear_error(archived):
    archive_storage().delete(APRIL)

    with pytest.raises(CommandError) as refused:
        call_command("seed_from_s3", "--full", stdout=io.StringIO())

    assert (
        f"{APRIL}: listed in the manifest but missing from the archive; "
        "run manage.py verify_archive"
    ) in str(refused.value)
    assert isinstance(refused.value.__cause__, LoadError)
    assert _counts() == EMPTY


def test_a_single_file_that_vanishes_between_list_and_read_is_a_clear_error(storage, monkeypatch):
    put(
        "data/Consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [["3", "Thu", "2024-01-01"]]),
    )
    put("data/Customer.csv", csv_text(["CustomerID", "FullName"], [["c1", "An"]]))
    listed = run.archive_sources

    def list_then_lose(*args):
        plan = listed(*args)
        archive_storage().delete("data/Customer.csv")
        return plan

    monkeypatch.setattr(run, "archive_sources", list_then_lose)

    with pytest.raises(LoadError) as refused:
        seed_run(full=True)

    assert "data/Customer.csv: was in the archive's listing but is gone" in str(refused.value)
    assert _counts() == EMPTY


def test_an_unreadable_manifest_loads_nothing_and_the_command_fails(archived):
    manifest = read_object(MANIFEST_KEY)
    _replace(MANIFEST_KEY, manifest[: len(manifest) // 2])

    with pytest.raises(CommandError) as refused:
        call_command("seed_from_s3", "--full", stdout=io.StringIO())

    message = str(refused.value)
    assert f"The archive's manifest ({MANIFEST_KEY}) cannot be read" in message
    assert "it is not complete JSON" in message and "verify_archive --rebuild-manifest" in message
    assert isinstance(refused.value.__cause__, ManifestUnreadable)
    assert _counts() == EMPTY
    with pytest.raises(ManifestUnreadable):
        seed_from_s3(date=DAY.isoformat())


def test_the_load_day_button_reports_an_unreadable_manifest(archived, django_user_model):
    from dashboard.archive_actions import archive_day_load

    _replace(MANIFEST_KEY, b'{"version": 1, "tables": {')
    user = django_user_model.objects.create_user("staff", is_staff=True)

    started = archive_day_load(user=user, date=DAY)

    assert (started.finished, started.failed) == (True, True)
    assert "cannot be read" in started.detail
    assert _counts() == EMPTY


def test_a_lost_manifest_with_monthly_files_left_is_refused(archived):
    archive_storage().delete(MANIFEST_KEY)

    with pytest.raises(DomainError) as refused:
        seed_run(date=DAY, window_days=1)

    message = str(refused.value)
    assert f"The archive has no manifest ({MANIFEST_KEY}), yet it holds" in message
    assert f"such as {MARCH}" in message
    assert "manage.py verify_archive --rebuild-manifest" in message
    assert _counts() == EMPTY  # the reference tables' files were not read as single files


def test_the_original_systems_single_files_still_load_without_a_manifest(storage):
    put(
        "data/Consultant.csv",
        csv_text(["ConsultantID", "FullName", "JoinDate"], [["3", "Thu", "2024-01-01"]]),
    )
    put("data/Customer.csv", csv_text(["CustomerID", "FullName"], [["c1", "An"]]))
    put(
        "data/Appointment.csv",
        csv_text(
            ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time"],
            [["1", "3", "c1", "2025-03-15", "09:00"]],
        ),
    )

    result = seed_run(full=True)

    assert _counts()["appointment"] == 1 and _counts()["customer"] == 1
    assert all(not t.changed for t in result.tables)
    assert [load.unverified for load in SeedLoad.objects.all()] == [[], [], []]


def test_an_older_manifest_without_record_counts_is_checked_by_checksum(archived):
    manifest = json.loads(read_object(MANIFEST_KEY))
    for entry in manifest["tables"].values():
        for info in entry["files"].values():
            del info["records"]
    _replace(MANIFEST_KEY, json.dumps(manifest).encode())

    seed_run(full=True)  # as archived: loads
    assert _counts()["appointment"] == 4

    wipe()
    data = read_object(APRIL)
    _replace(APRIL, data.replace(b"09:00:00", b"10:00:00"))
    with pytest.raises(LoadError, match=f"{APRIL}: changed since it was archived"):
        seed_run(full=True)
