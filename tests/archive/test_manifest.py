"""Reading the manifest: ours is read, the original's shape and garbage count as none."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile

from archive.manifest import manifest_read
from archive.storage import MANIFEST_KEY, archive_storage


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
    [b'{"tables": {"customer": {"record_count": 3}}, "archive_history": []}', b"not json", b"[]"],
)
def test_original_or_broken_manifest_counts_as_none(storage, content):
    storage.save(MANIFEST_KEY, ContentFile(content))
    assert manifest_read() is None


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
