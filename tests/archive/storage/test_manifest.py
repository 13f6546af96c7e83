"""Reading the manifest: ours is read, the original's shape and garbage count as none."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile

from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import ManifestUnreadable, manifest_read

pytestmark = pytest.mark.language("en")


@pytest.fixture(params=["archive_dir", "s3_bucket"])
def storage(request):
    request.getfixturevalue(request.param)
    return archive_storage()


def test_missing_manifest_reads_as_none(storage):
    assert manifest_read() is None


def test_our_manifest_is_read(storage):
    storage.save(MANIFEST_KEY, ContentFile(json.dumps({"version": 1, "tables": {}}).encode()))
    assert manifest_read() == {"version": 1, "tables": {}}


@pytest.mark.parametrize(
    "content",
    [
        b'{"tables": {"customer": {"record_count": 3}}, "archive_history": []}',
        b'{"tables": {"Customer": {"record_count": 3, "checksum": "ab", "last_archived": "x"}}}',
    ],
)
def test_the_original_systems_manifest_counts_as_none(storage, content):
    storage.save(MANIFEST_KEY, ContentFile(content))
    assert manifest_read() is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not json", "not complete JSON"),
        (b'{"version": 1, "database_id": "x", "tables": {"customer": {"files', "not complete JSON"),
        (b"[]", "not a JSON object"),
        (b'{"version": 2, "tables": {}}', "version is 2"),
        (b'{"version": 1, "tables": []}', "tables"),
        (
            b'{"version": 1, "tables": {"customer": {"files": {"data/customer.csv": {}}}}}',
            "checksum",
        ),
        (b'{"version": 1, "tables": {"appointmentfeedback": {"carried": [7]}}}', "carried"),
        (b"\xff\xfe{", "not UTF-8"),
        (b"{}", "version is None"),
    ],
)
def test_an_unreadable_manifest_is_refused_with_what_is_wrong(storage, content, problem):
    storage.save(MANIFEST_KEY, ContentFile(content))
    with pytest.raises(ManifestUnreadable) as caught:
        manifest_read()
    assert problem in caught.value.problem
    assert "verify_archive --rebuild-manifest" in str(caught.value)


def test_reading_the_manifest_from_s3_is_one_request(s3_bucket):
    storage = archive_storage()
    storage.save(MANIFEST_KEY, ContentFile(json.dumps({"version": 1, "tables": {}}).encode()))
    calls: list[str] = []

    def record(model, **kwargs):
        calls.append(model.name)

    events = storage.connection.meta.client.meta.events
    events.register("before-call.s3", record)
    try:
        assert manifest_read() == {"version": 1, "tables": {}}
    finally:
        events.unregister("before-call.s3", record)
    assert calls == ["GetObject"]
