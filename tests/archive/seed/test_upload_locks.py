"""An upload's preview is a dry run that holds no one up (PostgreSQL, two real sessions)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from appointments import models as m
from archive.core.lock import run_lock
from archive.seed.loaders import pg
from archive.seed.upload import upload_preview, upload_receive
from tests.archive.conftest import in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _archive_lock_free() -> bool:
    with run_lock() as held:
        return held


def test_a_preview_of_a_large_whole_table_upload_locks_neither_table_nor_archive(
    s3_bucket, monkeypatch
):
    # Every upload counts as large: a whole-table overwrite this size took the rewrite path
    # (TRUNCATE, ACCESS EXCLUSIVE) and kept archive runs out, inside the preview too.
    monkeypatch.setattr(pg, "BULK_BYTES", 1)
    m.Customer.objects.bulk_create(
        [m.Customer(customer_id=f"c{i}", full_name="An") for i in range(500)]
    )
    header = "customer_id,full_name,email,phone_number,date_of_birth,created_at,is_disabled,notes"
    rows = "".join(f"c{i},Bình,,,,2025-01-01 08:00:00,0,\r\n" for i in range(40_000))
    content = f"{header}\r\n{rows}".encode()  # every column: a whole-table rewrite
    upload = upload_receive(files=[SimpleUploadedFile("customer.csv", content)])
    reading, looked = threading.Event(), threading.Event()
    found = {}

    def progress(event) -> None:
        # The first call reads the header; from the second megabyte on, rows are copied in.
        if event.done > 1 << 20 and not reading.is_set():
            reading.set()
            looked.wait(30)

    def preview() -> None:
        try:
            found["result"] = upload_preview(upload_id=upload.id, progress=progress)
        finally:
            connection.close()

    thread = threading.Thread(target=preview)
    thread.start()
    try:
        assert reading.wait(30)
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("SET lock_timeout = '500ms'")
            counted = other.execute(f"SELECT count(*) FROM {m.Customer._meta.db_table}")
            count = counted.fetchone()[0]
        archive_free = in_thread(_archive_lock_free)
    finally:
        looked.set()
        thread.join()

    assert count == 500
    assert archive_free
    (counts,) = [t for t in found["result"].tables if t.files]
    assert (counts.inserted, counts.updated, counts.unchanged) == (39_500, 500, 0)
    assert m.Customer.objects.count() == 500
    assert set(m.Customer.objects.values_list("full_name", flat=True)) == {"An"}
