"""Uploaded ZIPs an adversary would send: bombs, ten thousand members, damaged data."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from archive.models import StaffUpload
from archive.storage.backends import archive_storage
from tests.archive.zips import bomb, deflated, zip_of
from tests.language import english

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/archive/seedload/upload/"
CUSTOMERS = b"CustomerID,FullName\r\n" + b"".join(b"c%d,An\r\n" % i for i in range(2000))


def _post(client, name: str, content: bytes):
    english(client)
    return client.post(UPLOAD_URL, {"files": [SimpleUploadedFile(name, content)]})


def _nothing_kept() -> bool:
    return archive_storage().listdir("uploads") == ([], []) and not StaffUpload.objects.exists()


def test_a_zip_bomb_is_refused_at_once_by_its_expanded_size(admin_client, s3_bucket):
    content = bomb(25, 45 << 20)  # 1.15 MB expanding to 1.1 GB, each member under 50 MB
    assert len(content) < 2 << 20

    started = time.monotonic()
    response = _post(admin_client, "bundle.zip", content)
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert (
        "bundle.zip expands to more than 200 MB; an upload ZIP may expand to at most 200 MB "
        "in all." in response.content.decode()
    )
    assert elapsed < 3, elapsed
    assert _nothing_kept()


def test_a_zip_of_ten_thousand_members_is_refused_by_the_member_limit(admin_client, s3_bucket):
    content = bomb(10_000, 100, name="x{:05d}/customer.csv")

    started = time.monotonic()
    response = _post(admin_client, "many.zip", content)
    elapsed = time.monotonic() - started

    assert (
        "many.zip holds 10000 entries; an upload ZIP may hold at most 1000."
        in response.content.decode()
    )
    assert elapsed < 2, elapsed
    assert _nothing_kept()


def test_the_member_limit_counts_every_entry_not_only_csv_files(admin_client, s3_bucket, settings):
    settings.ARCHIVE_UPLOAD_MAX_MEMBERS = 3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("customer.csv", CUSTOMERS)
        for n in range(3):
            bundle.writestr(f"notes/{n}.txt", b"x")
    response = _post(admin_client, "bundle.zip", buffer.getvalue())
    assert "bundle.zip holds 4 entries; an upload ZIP may hold at most 3." in (
        response.content.decode()
    )
    assert _nothing_kept()


def _preview_page(client, content: bytes) -> str:
    response = _post(client, "bundle.zip", content)
    assert response.status_code == 302, response.content.decode()[-2000:]
    english(client)
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_reading_stops_at_the_expansion_limit_whatever_the_zip_declared(
    admin_client, s3_bucket, settings, database
):
    """The declared sizes pass on receipt; the bytes counted while reading do not."""
    from django.db import connection

    if connection.vendor != database:
        pytest.skip(f"runs on {database}")
    content = bomb(3, 4 << 20, name="customer/2025-1{:d}.csv")
    settings.ARCHIVE_UPLOAD_TASK_BYTES = 1 << 40  # checked in the request, to be timed
    response = _post(admin_client, "bundle.zip", content)
    assert response.status_code == 302
    record = StaffUpload.objects.get()
    record.status = StaffUpload.Status.PREVIEWING
    record.save()
    settings.ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES = 5 << 20  # lowered after receipt

    from archive.uploads import staff_upload_preview

    started = time.monotonic()
    with translation.override("en"):  # the request above left its client's language
        staff_upload_preview(upload_id=record.upload_id)
    elapsed = time.monotonic() - started

    record.refresh_from_db()
    assert record.status == StaffUpload.Status.INVALID
    problem = record.problems[-1]  # after the first member's (one endless line)
    assert problem["file"] == f"uploads/{record.upload_id}/bundle.zip:customer/2025-11.csv"
    assert problem["reason"].startswith("bundle.zip expands to more than 5 MB")
    assert elapsed < 10, elapsed


def _damaged(kind: str) -> bytes:
    data = CUSTOMERS
    packed, crc, size = deflated(data), zlib.crc32(data), len(data)
    if kind == "crc":
        crc ^= 1
    elif kind == "size":
        size -= 100  # declares less than it holds
    elif kind == "data":
        packed = packed[:20] + bytes(b ^ 0xFF for b in packed[20:40]) + packed[40:]
    return zip_of([("export/customer.csv", packed, crc, size)])


@pytest.mark.parametrize("kind", ["crc", "size", "data"])
def test_a_damaged_zip_gets_a_clear_message_on_the_preview(admin_client, s3_bucket, kind):
    page = _preview_page(admin_client, _damaged(kind))

    assert "bundle.zip:export/customer.csv" in page
    assert "the ZIP is damaged (" in page
    assert "does not match its contents. Make the ZIP again." in page
    assert "Load into the database" not in page
    assert StaffUpload.objects.get().status == StaffUpload.Status.INVALID


def test_the_crafted_zips_are_what_they_claim():
    """The test's ZIPs fail in zipfile the way real damaged ones do (guards the fixtures)."""
    errors = {}
    for kind in ("crc", "size", "data"):
        with zipfile.ZipFile(io.BytesIO(_damaged(kind))) as bundle:
            try:
                bundle.read("export/customer.csv")
            except (zipfile.BadZipFile, zlib.error, EOFError) as err:
                errors[kind] = type(err).__name__
    assert errors == {"crc": "BadZipFile", "size": "BadZipFile", "data": "error"}
    declared = struct.unpack_from("<I", bomb(1, 45 << 20), 22)[0]
    assert declared == 45 << 20
