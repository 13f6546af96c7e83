"""The archive is never taken for a new one when it cannot be read, and notices what changed
behind its back (objects edited, cut short or replaced by another tool)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from appointments.models import Appointment
from archive.core.tables import tables
from archive.models import ArchiveChange, ArchiveIdentity, ArchiveOrigin, SeedLoad
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import ManifestUnreadable, manifest_read, manifest_write
from meetassist.exceptions import DomainError
from tests.archive.conftest import assert_manifest_truthful, failing, read_object, rows_of, writes
from tests.factories import AppointmentFactory, FeedbackFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.language("en")]


JAN, FEB, MAR = dt.date(2025, 1, 10), dt.date(2025, 2, 10), dt.date(2025, 3, 10)
BROKEN = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not-json": lambda raw: b"<html>Access denied</html>",
    "unknown-shape": lambda raw: json.dumps({"version": 2, "tables": []}).encode(),
}


@pytest.fixture(params=["s3_bucket", "archive_dir"])
def storage(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def history(storage):
    made = [AppointmentFactory(date=day, description=f"gốc {day}") for day in (JAN, FEB, MAR)]
    FeedbackFactory(appointment=made[0])
    assert archive_run().status == "success"
    return made


def _objects() -> dict[str, bytes]:
    manifest = manifest_read()
    return {k: read_object(k) for e in manifest["tables"].values() for k in e["files"]}


def _replace(key: str, data: bytes) -> None:
    storage = archive_storage()
    storage.delete(key)
    storage.save(key, ContentFile(data))


def _another_database() -> None:
    """demo_data on a test database pointed at the production bucket by mistake."""
    for spec in reversed(tables()):
        spec.model.objects.all().delete()
    for model in (ArchiveIdentity, SeedLoad, ArchiveOrigin, ArchiveChange):
        model.objects.all().delete()
    for day in (JAN, FEB, MAR):
        AppointmentFactory(date=day, description="của người khác")


@pytest.mark.parametrize("damage", BROKEN)
def test_an_unreadable_manifest_keeps_another_database_out(history, damage):
    before = _objects()
    raw = read_object(MANIFEST_KEY)
    _replace(MANIFEST_KEY, BROKEN[damage](raw))
    _another_database()
    with pytest.raises(CommandError, match="cannot be read") as refused:
        call_command("archive_now")
    assert "--rebuild-manifest" in str(refused.value) and "--take-over" in str(refused.value)
    assert {k: read_object(k) for k in before} == before  # not one archived byte changed
    assert read_object(MANIFEST_KEY) == BROKEN[damage](raw)


def test_an_unreadable_manifest_stops_its_own_database_too(history):
    _replace(MANIFEST_KEY, read_object(MANIFEST_KEY)[:100])
    with pytest.raises(ManifestUnreadable):
        archive_run()


def test_a_lost_manifest_with_files_left_keeps_another_database_out(history):
    before = _objects()
    archive_storage().delete(MANIFEST_KEY)
    _another_database()
    with pytest.raises(DomainError, match="no manifest") as refused:
        archive_run()
    assert "seed_from_s3" in str(refused.value)
    assert {k: read_object(k) for k in before} == before


def test_take_over_of_an_unreadable_archive_loses_no_archived_row(history):
    archived = {int(r[0]) for k in _objects() if "appointment/" in k for r in rows_of(k)}
    _replace(MANIFEST_KEY, b"{")
    identity = ArchiveIdentity.current()
    Appointment.objects.filter(pk=history[1].pk).delete()
    ArchiveChange.objects.all().delete()  # a database that never held it, not one that deleted it
    identity.database_id = uuid.uuid4()
    identity.save()
    result = archive_run(take_over=True)
    assert result.status == "success", [t.error for t in result.tables]
    kept = {int(r[0]) for k in _objects() if "appointment/" in k for r in rows_of(k)}
    assert archived <= kept  # a take-over never removes a row this database lacks
    assert manifest_read()["database_id"] == str(identity.database_id)
    assert_manifest_truthful()


def test_an_object_edited_in_place_with_the_same_size_is_rewritten(history):
    key = "data/appointment/2025-02.csv"
    original = read_object(key)
    _replace(key, original.replace("gốc".encode(), "GỐC".encode()))
    assert len(read_object(key)) == len(original) and read_object(key) != original
    archive_run()  # on PostgreSQL the change record says nothing changed
    assert read_object(key) == original
    assert_manifest_truthful()


def test_an_object_cut_short_is_rewritten_from_the_database_that_owns_it(history):
    key = "data/appointment/2025-01.csv"
    original = read_object(key)
    _replace(key, original[: original.index(b"\n") + 1])  # the header only
    result = archive_run()
    assert result.status == "success"
    assert read_object(key) == original
    assert_manifest_truthful()


def test_an_object_cut_short_in_a_month_this_database_does_not_own_fails_its_table(
    history, fake_seed
):
    fake_seed((FEB, FEB), keep={history[1].pk})
    key = "data/appointment/2025-01.csv"
    original = read_object(key)
    _replace(key, original[: original.index(b"\n") + 1])
    outcome = {t.name: t for t in archive_run().tables}
    assert outcome["appointment"].status == "failed"
    assert key in outcome["appointment"].error and "restore" in outcome["appointment"].error
    assert manifest_read()["tables"]["appointment"]["files"][key]["records"] == 1


def test_a_bucket_filled_by_another_tool_is_not_uploaded_again(s3_bucket, s3_calls):
    for day in (JAN, FEB, MAR):
        AppointmentFactory(date=day)
    archive_run()
    manifest = manifest_read()
    client = boto3.client("s3", endpoint_url=archive_storage().endpoint_url)
    for entry in manifest["tables"].values():
        entry.pop("max_key", None)
        for key, info in entry["files"].items():
            info.pop("etag")
            body = read_object(key)  # `aws s3 sync` from a copy: no metadata of ours
            client.put_object(Bucket=s3_bucket, Key=key, Body=body)
    manifest["last_run"]["run_id"] = "another tool"
    manifest_write(manifest)
    s3_calls.clear()
    assert archive_run().status == "success"
    assert writes(s3_calls) == []
    heads = [path for op, path in s3_calls if op == "HeadObject" and "/data/" in path]
    assert heads == []  # each single-part ETag proved the MD5 itself
    assert all(
        info["etag"] for e in manifest_read()["tables"].values() for info in e["files"].values()
    )
    assert_manifest_truthful()


def test_a_run_that_died_before_its_manifest_does_not_block_the_next(s3_bucket, fake_seed):
    made = [AppointmentFactory(date=day) for day in (FEB, FEB, dt.date(2025, 2, 20))]
    assert archive_run().status == "success"
    fake_seed((FEB, FEB), keep={made[0].pk, made[1].pk})
    Appointment.objects.filter(pk=made[0].pk).delete()  # loaded here, deleted here
    with failing("archive_info.json"):
        assert archive_run().status == "failed"
    # The February file lost a row behind the old manifest's back, but it is our own file.
    result = archive_run()
    assert result.status == "success", [t.error for t in result.tables]
    kept = {int(r[0]) for r in rows_of("data/appointment/2025-02.csv")}
    assert kept == {made[1].pk, made[2].pk}
    assert_manifest_truthful()
