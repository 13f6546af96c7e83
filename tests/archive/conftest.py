"""Archive test helpers: count S3 requests, check the manifest's invariant, fake a seed."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from botocore.awsrequest import AWSResponse
from django.db import connection

from archive.core.tables import table, tables
from archive.models import ArchiveChange, ArchiveIdentity, ArchiveOrigin, SeedLoad
from archive.storage.backends import archive_storage
from archive.storage.manifest import manifest_read
from archive.storage.objects import objects


@pytest.fixture
def s3_calls(s3_bucket) -> list[tuple[str, str]]:
    """Every S3 operation the archive storage's client sends: (operation, key)."""
    calls: list[tuple[str, str]] = []

    def record(model, params, **kwargs):
        calls.append((model.name, params.get("url_path", "")))

    client = archive_storage().connection.meta.client
    client.meta.events.register("before-call.s3", record)
    yield calls
    client.meta.events.unregister("before-call.s3", record)


def writes(calls: list[tuple[str, str]]) -> list[str]:
    """Object writes (PutObject or a multipart upload), by key, manifest excluded."""
    return [
        path
        for op, path in calls
        if op in ("PutObject", "CreateMultipartUpload") and "archive_info.json" not in path
    ]


def read_object(key: str) -> bytes:
    with archive_storage().open(key, "rb") as handle:
        return handle.read()


def rows_of(key: str) -> list[list[str]]:
    text = read_object(key).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))[1:]


def assert_manifest_truthful() -> dict:
    """docs/architecture.md, "Manifest": files of every table not failed match the objects."""
    manifest = manifest_read()
    assert manifest is not None
    stored = objects(archive_storage()).sizes("data/")
    for name, entry in manifest["tables"].items():
        if entry["status"] == "failed":
            continue
        for key, info in entry["files"].items():
            data = read_object(key)
            assert hashlib.md5(data).hexdigest() == info["checksum"], key
            assert len(data) == info["bytes"] == stored[key], key
            assert len(rows_of(key)) == info["records"], key
        assert entry["records"] == sum(f["records"] for f in entry["files"].values())
        if table(name).windowed:
            under = {k for k in stored if k.startswith(f"data/{name}/")}
            assert under <= entry["files"].keys(), name
    return manifest


@pytest.fixture
def fake_seed() -> Callable:
    """Make this database look freshly seeded from the archive with a date window.

    Everything outside ``keep`` (appointment ids) is removed, then the change record is
    cleared and the identity adopted, as a new database would be after seed_from_s3.
    """
    from appointments.models import Appointment, AppointmentFeedback

    def seed(window: tuple, keep: set[int]) -> None:
        manifest = manifest_read()
        AppointmentFeedback.objects.exclude(appointment_id__in=keep).delete()
        Appointment.objects.exclude(appointment_id__in=keep).delete()
        ArchiveChange.objects.all().delete()
        ArchiveOrigin.objects.all().delete()
        identity = ArchiveIdentity.current()
        identity.database_id = manifest["database_id"]
        identity.last_run_id = ""
        identity.save()
        for spec in tables():
            if spec.windowed:
                SeedLoad.objects.create(
                    table=spec.name,
                    window_start=window[0],
                    window_end=window[1],
                    source="test",
                    manifest_database_id=manifest["database_id"],
                )
            else:
                SeedLoad.objects.create(table=spec.name, full=True, source="test")
        if connection.vendor == "postgresql":
            # The seeder's bulk load notes the window's months in the change record.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE appointments_appointment SET date = date "
                    "WHERE appointment_id = ANY(%s)",
                    [list(keep)],
                )

    return seed


@contextmanager
def failing(key_part: str, status: int = 403, times: int | None = None) -> Iterator[list]:
    """Answer S3 writes to keys containing ``key_part`` with an error (a botocore hook at
    the HTTP boundary); yields the URLs it saw."""
    seen: list[str] = []

    def fails(request) -> bool:
        if key_part in request.url and request.method in ("PUT", "POST"):
            seen.append(request.url)
            return times is None or len(seen) <= times
        return False

    with s3_errors(fails, status):
        yield seen


@contextmanager
def s3_errors(fails: Callable[..., bool], status: int = 403) -> Iterator[None]:
    """Answer the archive storage's S3 requests for which ``fails(request)`` is true with an
    error, before they leave (botocore's ``before-send``, on every thread sharing the client)."""
    client = archive_storage().connection.meta.client

    def reply(request, **kwargs):
        if fails(request):
            body = b"<Error><Code>Injected</Code><Message>test</Message></Error>"
            return AWSResponse(request.url, status, {}, _Raw(body))
        return None

    client.meta.events.register_first("before-send.s3", reply)
    try:
        yield
    finally:
        client.meta.events.unregister("before-send.s3", reply)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kwargs):
        yield self.body


def in_thread(work):
    """Run ``work`` on another thread, hence another database connection (session)."""
    found = []

    def target():
        try:
            found.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return found[0]


@contextmanager
def lock_held_elsewhere() -> Iterator[threading.Event]:
    """Another connection holds the archive run lock (as a run would) until the yielded
    event is set, or the block ends."""
    from archive.core.lock import run_lock

    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with run_lock() as held:
                assert held
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    try:
        yield release
    finally:
        release.set()
        thread.join()
