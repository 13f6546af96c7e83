"""verify_archive: every object read and compared with the manifest; the manifest rebuild."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tempfile
import threading
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from appointments.models import Appointment
from archive.audit.verify import archive_verify
from archive.core.codec import BOM, csv_line
from archive.core.tables import table
from archive.models import ArchiveIdentity, ArchiveVerification
from archive.schedule import VERIFY_SCHEDULE_NAME
from archive.selectors import verification_last
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import manifest_read
from archive.storage.objects import objects
from archive.storage.streams import AHEAD_CHUNKS, CHUNK_BYTES
from archive.tasks import verify_archive
from meetassist.exceptions import DomainError
from tests.archive.conftest import assert_manifest_truthful, lock_held_elsewhere, read_object
from tests.conftest import use_folder
from tests.factories import AppointmentFactory, FeedbackFactory, ParticipantFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.language("en")]

JAN, FEB = dt.date(2025, 1, 10), dt.date(2025, 2, 10)
JAN_FILE = "data/appointment/2025-01.csv"


@pytest.fixture(params=["archive_dir", "s3_bucket"])
def storage(request) -> str:
    """Each test runs on the local folder and on S3 (moto's server over HTTP)."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def archived(storage) -> dict:
    """An archive written by archive_run: appointments in two months, feedback, a program."""
    made = [AppointmentFactory(date=day) for day in (JAN, JAN, FEB)]
    FeedbackFactory(appointment=made[0])
    ParticipantFactory()
    assert archive_run().status == "success"
    return manifest_read()


def put_object(key: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "object"
        path.write_bytes(data)
        objects(archive_storage()).put(key, path, hashlib.md5(data).hexdigest())


def verify(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_archive", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_archive", *args, stdout=out, stderr=err)
    return str(caught.value), out.getvalue() + err.getvalue()


def files_of(manifest: dict) -> dict[str, tuple]:
    return {
        key: (info["checksum"], info["records"], info["bytes"])
        for entry in manifest["tables"].values()
        for key, info in entry["files"].items()
    }


# --- verify_archive -------------------------------------------------------------------


def test_a_clean_archive_verifies_and_is_recorded_as_ok(archived):
    out, err = verify()
    assert "The archive matches its manifest." in out and err == ""
    listed = files_of(archived)
    for key, (md5, records, _size) in listed.items():
        line = next(line for line in out.splitlines() if line.startswith(key))
        assert " ok " in line and md5 in line and f" {records} " in line
    last = verification_last()
    assert last.result == ArchiveVerification.OK
    assert last.objects_read == len(listed) and last.problem_count == 0
    assert last.bytes_read == sum(size for _m, _r, size in listed.values())


def test_an_object_cut_short_is_reported_as_changed(archived):
    data = read_object(JAN_FILE)
    put_object(JAN_FILE, data[: data.rindex(b"\n", 0, len(data) - 1) + 1])  # one row less
    message, output = verify_fails()
    assert "1 problem." in message
    info = archived["tables"]["appointment"]["files"][JAN_FILE]
    assert f"changed: {JAN_FILE}: the manifest says MD5 {info['checksum']}, 2 rows" in output
    assert ", 1 rows," in output
    last = verification_last()
    assert last.result == "problems" and last.changed == 1 and JAN_FILE in last.problems[0]


def test_an_object_edited_in_place_with_the_same_size_is_reported_as_changed(archived):
    data = read_object(JAN_FILE)
    edited = data.replace(b"09:00:00", b"10:00:00", 1)
    assert edited != data and len(edited) == len(data)
    put_object(JAN_FILE, edited)
    message, output = verify_fails()
    assert f"changed: {JAN_FILE}" in output
    assert hashlib.md5(edited).hexdigest() in output
    assert "1 problem." in message


def test_a_deleted_object_is_reported_as_missing(archived):
    objects(archive_storage()).delete(JAN_FILE)
    message, output = verify_fails()
    assert f"missing: {JAN_FILE}: listed in the manifest, not stored" in output
    assert verification_last().missing == 1


def test_an_extra_object_the_manifest_does_not_list_is_reported(archived):
    put_object("data/appointment/2019-05.csv", read_object(JAN_FILE))
    put_object("data/notes.txt", b"hello")
    message, output = verify_fails()
    assert "unlisted: data/appointment/2019-05.csv: a file of table appointment" in output
    assert "unlisted: data/notes.txt: not a file of any archived table" in output
    assert "2 problems" in message and verification_last().unlisted == 2


def test_a_file_that_does_not_parse_is_reported_with_line_and_column(archived):
    data = read_object(JAN_FILE)
    lines = data.split(b"\n")
    lines[2] = lines[2].replace(b"2025-01-10", b"2025-13-10")
    put_object(JAN_FILE, b"\n".join(lines))
    message, output = verify_fails()
    column = table("appointment").columns.index("date") + 1
    assert f"unparsable: {JAN_FILE}:3:{column}: “2025-13-10”" in output
    assert f"changed: {JAN_FILE}" in output  # the bytes differ from the manifest's too
    assert verification_last().unparsable == 1


def test_an_unterminated_quote_is_reported_where_its_record_starts(archived):
    data = read_object(JAN_FILE)
    put_object(JAN_FILE, data + b'99,,cust-1,2025-01-11,09:00:00,60,"https://x\n')
    _message, output = verify_fails()
    lines = data.count(b"\n")
    assert f"unparsable: {JAN_FILE}:{lines + 1}: not readable as CSV" in output


def test_rows_out_of_key_order_are_reported(archived):
    header, first, second, *rest = read_object(JAN_FILE).split(b"\n")
    put_object(JAN_FILE, b"\n".join([header, second, first, *rest]))
    _message, output = verify_fails()
    assert f"unparsable: {JAN_FILE}:3:1:" in output and "not in key order" in output


def test_the_original_systems_single_file_is_noted_not_a_problem(archived):
    original = BOM + "CustomerID,FullName\r\nc-1,An\r\n"
    put_object("data/Customer.csv", original.encode())
    out, _err = verify()
    assert "note: data/Customer.csv: left over from the original system" in out
    assert "The archive matches its manifest." in out


def test_a_single_file_the_manifest_does_not_list_is_what_the_seeder_reads(storage):
    put_object("data/Customer.csv", (BOM + "CustomerID,FullName\nc-1,An\n").encode())
    out, _err = verify()
    assert "note: data/Customer.csv: the manifest lists no files for table customer" in out
    put_object("data/Consultant.csv", (BOM + "ConsultantID,Nonsense\n1,x\n").encode())
    _message, output = verify_fails()
    assert "unparsable: data/Consultant.csv:1:2: “Nonsense”: unknown column" in output


@pytest.mark.parametrize("storage", ["s3_bucket"], indirect=True)
def test_an_s3_folder_marker_is_no_object(storage, archived):
    archive_storage().connection.meta.client.put_object(
        Bucket=storage, Key="data/appointment/", Body=b""
    )
    out, _err = verify()
    assert "The archive matches its manifest." in out and "data/appointment/ " not in out


def test_verification_waits_for_an_archive_run_and_says_so_when_it_lasts(archived):
    with lock_held_elsewhere() as release:
        with pytest.raises(DomainError, match="An archive run is going on"):
            archive_verify(wait_seconds=0)
        assert verification_last() is None  # nothing half-read was recorded
        threading.Timer(0.5, release.set).start()
        assert archive_verify(wait_seconds=10).ok  # the run ends, the verification goes on


def test_an_unreadable_manifest_fails_naming_the_problem(archived):
    put_object(MANIFEST_KEY, json.dumps(archived).encode()[:200])
    message, _output = verify_fails()
    assert "is not complete JSON" in message and "--rebuild-manifest" in message
    last = verification_last()
    assert last.result == "problems" and "not complete JSON" in last.problems[0]


def test_an_empty_archive_is_no_archive_and_fails(storage):
    """Nothing there (an empty bucket or folder) does not "match its manifest"."""
    message, output = verify_fails()
    assert message.startswith("There is no archive to verify:") and "archive_now" in message
    assert "matches its manifest" not in output
    assert verification_last().result == "problems"


def test_a_missing_archive_folder_is_no_archive_and_fails(archive_dir, settings):
    """ARCHIVE_DIR naming a folder that does not exist is the same refusal, naming it."""
    missing = archive_dir / "not-here"
    use_folder(settings, missing)
    message, _output = verify_fails()
    assert "There is no archive to verify" in message and str(missing) in message


def test_a_big_file_is_verified_in_flat_memory(archive_dir):
    """On the local folder: moto's server runs in this process and would count too."""
    spec = table("customer")
    path = archive_dir / "data" / "customer.csv"
    path.parent.mkdir()
    md5, records = hashlib.md5(), 0
    with open(path, "wb") as out:
        block = [(BOM + csv_line(spec.columns)).encode()]
        for n in range(20_000):
            cells = [f"c{n:07d}", f"Nguyễn Văn {n}", f"k{n}@example.vn", "0912345678"]
            cells += ["1990-01-01", "2024-01-01 00:00:00+00:00", "false", "ghi chú, " * 200]
            block.append(csv_line(cells).encode())
            if len(block) == 1_000:
                data = b"".join(block)
                out.write(data)
                md5.update(data)
                block.clear()
        data = b"".join(block)
        out.write(data)
        md5.update(data)
        records = 20_000
    size = path.stat().st_size
    bound = (AHEAD_CHUNKS + 6) * CHUNK_BYTES  # what streams.py reads ahead, and buffers
    assert size > 2.5 * bound
    manifest = {
        "version": 1,
        "database_id": str(ArchiveIdentity.current().database_id),
        "tables": {
            "customer": {
                "records": records,
                "bytes": size,
                "status": "uploaded",
                "files": {
                    "data/customer.csv": {
                        "checksum": md5.hexdigest(),
                        "records": records,
                        "bytes": size,
                    }
                },
            }
        },
    }
    put_object(MANIFEST_KEY, json.dumps(manifest).encode())
    tracemalloc.start()
    try:
        report = archive_verify()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok, report.findings
    assert report.objects[0].scan.records == records
    assert peak < bound, f"peak {peak} bytes for a {size}-byte file"


# --- the manifest rebuild ---------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "deleted"])
def test_rebuild_gives_back_the_manifest_before(archived, damage):
    original = read_object(MANIFEST_KEY)
    if damage == "truncated":
        put_object(MANIFEST_KEY, original[: len(original) // 2])
    else:
        objects(archive_storage()).delete(MANIFEST_KEY)
    out, _err = verify("--rebuild-manifest")
    assert "Manifest rebuilt from" in out
    rebuilt = assert_manifest_truthful()
    assert files_of(rebuilt) == files_of(archived)
    for name, entry in archived["tables"].items():
        if entry["files"]:  # a table without objects (no schedules here) is left unlisted
            assert rebuilt["tables"][name]["records"] == entry["records"]
            assert rebuilt["tables"][name]["status"] == "unchanged"
    listing = objects(archive_storage()).listing("data/")
    assert rebuilt["tables"]["appointment"]["files"][JAN_FILE]["etag"] == listing[JAN_FILE].etag
    highest = Appointment.objects.order_by("-appointment_id").first().appointment_id
    assert rebuilt["tables"]["appointment"]["max_key"] == highest
    assert rebuilt["tables"]["customer"]["max_key"] is None  # a text key
    assert rebuilt["last_run"]["status"] == "success"
    assert rebuilt["database_id"] == str(ArchiveIdentity.current().database_id)
    record = rebuilt["rebuilt"]
    assert record["database_id"] == rebuilt["database_id"] and "@" in record["by"]
    assert dt.datetime.fromisoformat(record["at"])
    stored = objects(archive_storage()).listing("metadata/")
    aside = [key for key in stored if key != MANIFEST_KEY]
    if damage == "truncated":
        assert "not complete JSON" in record["previous_problem"]
        assert len(aside) == 1 and aside[0].endswith(".unreadable.json")
        assert read_object(aside[0]) == original[: len(original) // 2]
        assert f"The old manifest is kept as {aside[0]}" in out
    else:
        assert record["previous_problem"] == "missing" and aside == []
    # The archive works again: verified clean, and the next run keeps it truthful.
    assert "The archive matches its manifest." in verify()[0]
    assert archive_run().status == "success"
    after = assert_manifest_truthful()
    assert files_of(after) == files_of(archived)
    assert after["rebuilt"] == record and after["history"][1]["rebuilt"] == record


def test_rebuild_refuses_a_corrupt_file_and_writes_nothing(archived):
    truncated = read_object(MANIFEST_KEY)[:100]
    put_object(MANIFEST_KEY, truncated)
    data = read_object(JAN_FILE).replace(b"2025-01-10", b"10/13/2025x", 1)
    put_object(JAN_FILE, data)
    message, _output = verify_fails("--rebuild-manifest")
    column = table("appointment").columns.index("date") + 1
    assert "not rebuilt (nothing was written)" in message
    assert f"{JAN_FILE}:2:{column}" in message
    assert read_object(MANIFEST_KEY) == truncated
    assert list(objects(archive_storage()).listing("metadata/")) == [MANIFEST_KEY]


def test_rebuild_refuses_a_file_out_of_key_order(archived):
    objects(archive_storage()).delete(MANIFEST_KEY)
    header, first, second, *rest = read_object(JAN_FILE).split(b"\n")
    put_object(JAN_FILE, b"\n".join([header, second, first, *rest]))
    message, _output = verify_fails("--rebuild-manifest")
    assert f"{JAN_FILE}:3:1" in message and "not in key order" in message
    assert manifest_read() is None


def test_rebuild_refuses_an_object_of_no_table(archived):
    objects(archive_storage()).delete(MANIFEST_KEY)
    put_object("data/appointment/old.csv", b"x")
    message, _output = verify_fails("--rebuild-manifest")
    assert "data/appointment/old.csv: not a file of any archived table" in message
    assert manifest_read() is None


def test_rebuild_refuses_an_empty_archive(storage):
    message, _output = verify_fails("--rebuild-manifest")
    assert "There are no files under data/" in message
    assert manifest_read() is None


def test_rebuild_leaves_a_readable_manifest_alone_unless_forced(archived):
    before = read_object(MANIFEST_KEY)
    message, _output = verify_fails("--rebuild-manifest")
    assert "The manifest is readable" in message and "--force" in message
    assert read_object(MANIFEST_KEY) == before
    out, _err = verify("--rebuild-manifest", "--force")
    aside = [k for k in objects(archive_storage()).listing("metadata/") if k != MANIFEST_KEY]
    assert len(aside) == 1 and aside[0].endswith(".replaced.json")
    assert read_object(aside[0]) == before
    rebuilt = assert_manifest_truthful()
    assert rebuilt["history"][1:] == archived["history"]
    assert "readable" in rebuilt["rebuilt"]["previous_problem"]


def test_force_alone_is_refused(archived):
    message, _output = verify_fails("--force")
    assert "--force only goes with --rebuild-manifest" in message


# --- task and schedule ------------------------------------------------------------------


def test_the_celery_task_runs_the_verification_and_records_it(archived):
    objects(archive_storage()).delete(JAN_FILE)
    summary = verify_archive.delay().get(timeout=60)
    assert summary["result"] == "problems" and summary["missing"] == 1
    assert summary["problems"] == [f"missing: {JAN_FILE}: listed in the manifest, not stored"]
    assert verification_last().missing == 1


@pytest.mark.django_db  # before the transactional tests flush what the migration created
def test_the_nightly_verification_is_created_disabled_and_enabled_by_command():
    task = PeriodicTask.objects.select_related("crontab").get(name=VERIFY_SCHEDULE_NAME)
    assert task.task == "archive.tasks.verify_archive" and task.enabled is False
    assert (task.crontab.hour, task.crontab.minute) == ("2", "0")
    assert str(task.crontab.timezone) == "Asia/Ho_Chi_Minh"
    out = io.StringIO()
    call_command("archive_schedule", "enable", "--verify", stdout=out)
    assert "Nightly verification: enabled, at 02:00 (Asia/Ho_Chi_Minh)." in out.getvalue()
    assert PeriodicTask.objects.get(name=VERIFY_SCHEDULE_NAME).enabled is True
    assert PeriodicTask.objects.get(name="archive-all").enabled is False
    out = io.StringIO()
    call_command("archive_schedule", "status", "--verify", stdout=out)
    assert "Last verification: none." in out.getvalue()
    ArchiveVerification.objects.create(result="problems", problem_count=1)
    out = io.StringIO()
    call_command("archive_schedule", "status", "--verify", stdout=out)
    assert "Last verification: problems, " in out.getvalue() and "(1 problem)." in out.getvalue()
    call_command("archive_schedule", "disable", "--verify", stdout=io.StringIO())
    assert PeriodicTask.objects.get(name=VERIFY_SCHEDULE_NAME).enabled is False
    with pytest.raises(CommandError, match="--every is for the periodic archive"):
        call_command("archive_schedule", "enable", "--verify", "--every", "5")
