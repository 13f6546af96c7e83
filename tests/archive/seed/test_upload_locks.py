"""An upload's preview is a dry run that holds no one up (PostgreSQL, two real sessions)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from appointments import models as m
from archive.core.lock import run_lock
from archive.core.status import RunStatus
from archive.export.run import ArchiveResult
from archive.seed.loaders import pg, pg_bulk
from archive.seed.upload import Upload, upload_preview, upload_receive
from archive.services import archive_run
from tests.archive.conftest import in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLE = m.Customer._meta.db_table


class _Pause:
    """A point the preview stops at until the test has looked from other sessions."""

    def __init__(self) -> None:
        self.reached, self.resume = threading.Event(), threading.Event()

    def here(self) -> None:
        self.reached.set()
        self.resume.wait(30)


def _upload_over_customers(*, held: int, uploaded: int) -> Upload:
    """``held`` customers in the table; an upload of ``uploaded`` with every column (a
    whole-table upload), the held ones changed."""
    m.Customer.objects.bulk_create(
        [m.Customer(customer_id=f"c{i}", full_name="An") for i in range(held)]
    )
    header = "customer_id,full_name,email,phone_number,date_of_birth,created_at,is_disabled,notes"
    rows = "".join(f"c{i},Bình,,,,2025-01-01 08:00:00,0,\r\n" for i in range(uploaded))
    content = f"{header}\r\n{rows}".encode()
    return upload_receive(files=[SimpleUploadedFile("customer.csv", content)])


@contextmanager
def _previewing(upload: Upload, pause: _Pause, progress=None) -> Iterator[dict]:
    """The upload's preview on another thread (session), stopped at ``pause`` for the
    block; afterwards ``found["result"]`` is its result."""
    found = {}

    def preview() -> None:
        try:
            found["result"] = upload_preview(upload_id=upload.id, progress=progress)
        finally:
            connection.close()

    thread = threading.Thread(target=preview)
    thread.start()
    try:
        assert pause.reached.wait(60)
        yield found
    finally:
        pause.resume.set()
        thread.join()


def _count_without_waiting() -> int:
    """``SELECT count(*)`` from a third session that gives up after half a second's wait."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SET lock_timeout = '500ms'")
        return other.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]


def _archive_lock_free() -> bool:
    with run_lock() as held:
        return held


def _archive_customers() -> ArchiveResult:
    """A real archive run of the table, that fails rather than waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")
    return archive_run(tables=["customer"])


def _preview_counts(found: dict) -> tuple[int, int, int]:
    (counts,) = [t for t in found["result"].tables if t.files]
    return counts.inserted, counts.updated, counts.unchanged


def test_a_preview_of_a_large_whole_table_upload_locks_neither_table_nor_archive(
    s3_bucket, monkeypatch
):
    # Every upload counts as large: a whole-table overwrite this size took the rewrite path
    # (TRUNCATE, ACCESS EXCLUSIVE) and kept archive runs out, inside the preview too.
    monkeypatch.setattr(pg, "BULK_BYTES", 1)
    upload = _upload_over_customers(held=500, uploaded=40_000)
    pause = _Pause()

    def progress(event) -> None:
        # The first call reads the header; from the second megabyte on, rows are copied in.
        if event.done > 1 << 20 and not pause.reached.is_set():
            pause.here()

    with _previewing(upload, pause, progress) as found:
        count = _count_without_waiting()
        archive_free = in_thread(_archive_lock_free)

    assert count == 500
    assert archive_free
    assert _preview_counts(found) == (39_500, 500, 0)
    assert m.Customer.objects.count() == 500
    assert set(m.Customer.objects.values_list("full_name", flat=True)) == {"An"}


def test_a_preview_whose_merge_writes_most_of_the_table_leaves_its_indexes_alone(
    s3_bucket, monkeypatch
):
    # 3,000 rows written over 500 are a bulk write once BULK_ROWS is 1,000: an import would
    # set the table's indexes and triggers aside for the merge (DROP INDEX, ALTER TABLE:
    # ACCESS EXCLUSIVE until the transaction ends), and a preview did so too.
    monkeypatch.setattr(pg_bulk, "BULK_ROWS", 1_000)
    upload = _upload_over_customers(held=500, uploaded=3_000)
    with connection.cursor() as cursor:
        assert pg_bulk.is_bulk(cursor, TABLE, 3_000)  # what the merge asks
    pause = _Pause()
    finish = pg.PgLoader.finish

    def finish_after_pause(loader: pg.PgLoader, specs) -> None:
        pause.here()  # every table merged, the preview's transaction not yet rolled back
        finish(loader, specs)

    monkeypatch.setattr(pg.PgLoader, "finish", finish_after_pause)

    with _previewing(upload, pause) as found:
        count = _count_without_waiting()
        archived = in_thread(_archive_customers)

    assert count == 500
    assert archived.status == RunStatus.SUCCESS, archived.message
    assert _preview_counts(found) == (2_500, 500, 0)
    assert m.Customer.objects.count() == 500
