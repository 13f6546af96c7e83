"""The archive never loses a row: a windowed database merges with the archived history."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from appointments.models import Appointment
from archive.models import ArchiveChange, ArchiveIdentity
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.manifest import manifest_read
from meetassist.exceptions import DomainError
from tests.archive.conftest import assert_manifest_truthful, rows_of
from tests.factories import AppointmentFactory, FeedbackFactory

pytestmark = pytest.mark.django_db(transaction=True)

JAN, FEB, FEB_LATE, MAR = (
    dt.date(2025, 1, 10),
    dt.date(2025, 2, 10),
    dt.date(2025, 2, 20),
    dt.date(2025, 3, 10),
)
WINDOW = (FEB - dt.timedelta(days=1), FEB + dt.timedelta(days=1))


@pytest.fixture
def archived(s3_bucket):
    """Two years' worth in miniature: archived by the database that made it."""
    made = {
        "jan": AppointmentFactory(date=JAN),
        "feb": AppointmentFactory(date=FEB),
        "feb_late": AppointmentFactory(date=FEB_LATE),
        "mar": AppointmentFactory(date=MAR),
    }
    FeedbackFactory(appointment=made["jan"])
    FeedbackFactory(appointment=made["feb"])
    assert archive_run().status == "success"
    return {name: a.pk for name, a in made.items()}


def _archived_ids(table: str = "appointment") -> set[int]:
    manifest = manifest_read()
    return {int(r[0]) for key in manifest["tables"][table]["files"] for r in rows_of(key)}


def test_windowed_database_keeps_every_archived_row_and_adds_its_new_one(archived, fake_seed):
    fake_seed(WINDOW, keep={archived["feb"]})
    new = AppointmentFactory(date=FEB).pk
    result = archive_run()
    assert result.status == "success"
    assert _archived_ids() == {*archived.values(), new}
    assert _archived_ids("appointmentfeedback") == {archived["jan"], archived["feb"]}
    assert_manifest_truthful()


def test_row_loaded_then_deleted_is_gone_from_the_archive(archived, fake_seed):
    fake_seed(WINDOW, keep={archived["feb"]})
    Appointment.objects.filter(pk=archived["feb"]).delete()
    archive_run()
    assert _archived_ids() == {archived["jan"], archived["feb_late"], archived["mar"]}
    # Its feedback went with it; the feedback of an appointment never loaded stays.
    assert _archived_ids("appointmentfeedback") == {archived["jan"]}
    assert_manifest_truthful()


def test_row_loaded_then_moved_to_another_month_is_in_the_new_month_only(archived, fake_seed):
    fake_seed(WINDOW, keep={archived["feb"]})
    Appointment.objects.filter(pk=archived["feb"]).update(date=dt.date(2025, 4, 5))
    archive_run()
    feb = {int(r[0]) for r in rows_of("data/appointment/2025-02.csv")}
    apr = {int(r[0]) for r in rows_of("data/appointment/2025-04.csv")}
    assert feb == {archived["feb_late"]}
    assert apr == {archived["feb"]}
    assert {int(r[0]) for r in rows_of("data/appointmentfeedback/2025-04.csv")} == {archived["feb"]}
    assert not archive_storage().exists("data/appointmentfeedback/2025-02.csv")
    assert_manifest_truthful()


def test_first_writer_owns_its_tables_so_its_deletes_reach_the_archive(archived):
    Appointment.objects.filter(pk=archived["feb_late"]).delete()
    archive_run()
    assert archived["feb_late"] not in _archived_ids()


@pytest.mark.postgres
def test_row_created_and_deleted_here_outside_the_window_leaves_the_archive(archived, fake_seed):
    fake_seed(WINDOW, keep={archived["feb"]})
    may = AppointmentFactory(date=dt.date(2025, 5, 5)).pk
    archive_run()
    assert may in _archived_ids()
    Appointment.objects.filter(pk=may).delete()
    archive_run()
    assert may not in _archived_ids()
    assert _archived_ids() == set(archived.values())


def test_fresh_database_against_a_non_empty_archive_is_refused(archived):
    ArchiveIdentity.objects.filter(pk=1).update(database_id=uuid.uuid4())
    with pytest.raises(DomainError, match="seed_from_s3.*--take-over"):
        archive_run()


def test_take_over_keeps_the_archived_rows_the_database_lacks(archived):
    Appointment.objects.all().delete()
    ArchiveChange.objects.all().delete()
    identity = ArchiveIdentity.current()
    identity.database_id = uuid.uuid4()
    identity.save()
    own = AppointmentFactory(date=MAR).pk
    assert archive_run(take_over=True).status == "success"
    assert _archived_ids() == {*archived.values(), own}
    assert manifest_read()["database_id"] == str(identity.database_id)
    assert_manifest_truthful()


@pytest.mark.language("en")
def test_archived_file_out_of_key_order_fails_its_table_not_the_others(archived, fake_seed):
    fake_seed(WINDOW, keep={archived["feb"]})
    key = "data/appointment/2025-02.csv"
    with archive_storage().open(key, "rb") as handle:
        lines = handle.read().split(b"\n")
    header, rows = lines[0], [line for line in lines[1:] if line]
    bad = b"\n".join([header, *reversed(rows)]) + b"\n"
    from django.core.files.base import ContentFile

    archive_storage().delete(key)
    archive_storage().save(key, ContentFile(bad))
    AppointmentFactory(date=FEB)
    result = {t.name: t for t in archive_run().tables}
    assert result["appointment"].status == "failed"
    assert "not in key order" in result["appointment"].error
    assert result["customer"].status != "failed"
    assert rows_of(key) == [r.decode().split(",") for r in reversed(rows)]  # left untouched
