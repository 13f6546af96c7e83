"""Staff uploads in the admin: permission, kept as received, preview, load, archive."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from appointments import models as m
from archive.models import StaffUpload
from archive.seed.errors import LoadError
from archive.seed.upload import upload_load, upload_receive
from archive.storage.backends import archive_storage
from tests.archive.archive_files import csv_text, export_archive, new_database_id, snapshot
from tests.language import english

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/archive/seedload/upload/"
HISTORY_URL = "/admin/archive/staffupload/"
CUSTOMERS = ["CustomerID", "FullName", "PhoneNumber", "IsDisabled"]


@pytest.fixture
def shop(s3_bucket):
    m.Customer.objects.create(customer_id="c1", full_name="An", phone_number="0912345678")
    m.Customer.objects.create(customer_id="c2", full_name="Bình", phone_number="0912000111")
    consultant = m.Consultant.objects.create(
        consultant_id=3, full_name="Thu", join_date="2024-01-01"
    )
    return consultant


def _customers_csv() -> bytes:
    rows = [
        ["c1", "An (sửa)", "0912345678", "0"],
        ["c2", "Bình", "912000111", "0"],
        ["c3", "Chi", "", "1"],
    ]
    return csv_text(CUSTOMERS, rows).encode("utf-8-sig")


def _appointments_csv() -> bytes:
    header = ["AppointmentID", "ConsultantID", "CustomerID", "Date", "Time", "Status"]
    rows = [
        ["1", "3", "c1", "2025-03-15", "09:00", "pending"],
        ["2", "3", "c2", "2025-06-01", "09:00", "pending"],
    ]
    return csv_text(header, rows).encode("utf-8-sig")


def _post(client, *files, headers=None, **data):
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(UPLOAD_URL, {"files": uploads, **data}, headers=headers)


def test_the_upload_page_is_refused_to_a_user_who_is_not_staff(client):
    user = User.objects.create_user("khach", password="x")
    client.force_login(user)
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_upload_permission_are_refused(client, s3_bucket):
    staff = User.objects.create_user("nhanvien", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(UPLOAD_URL).status_code == 403
    assert _post(client, ("customer.csv", _customers_csv())).status_code == 403
    assert not archive_storage().listdir("uploads")[0]


def test_an_upload_is_kept_as_received_and_previewed_before_anything_is_written(admin_client, shop):
    assert admin_client.get(UPLOAD_URL).status_code == 200
    before = snapshot()

    response = _post(
        admin_client,
        ("Customer.csv", _customers_csv()),
        ("appointment.csv", _appointments_csv()),
        date="2025-03-15",
        window_days="1",
    )

    assert response.status_code == 302
    preview = admin_client.get(response["Location"])
    page = preview.content.decode()
    assert (
        "<tr><td>customer</td><td>1</td><td>1</td><td>1</td><td>0</td><td>1</td><td></td></tr>"
        in page
    )
    assert (
        "<tr><td>appointment</td><td>1</td><td>0</td><td>0</td><td>1</td><td>0</td><td></td></tr>"
        in page
    )
    assert snapshot() == before
    storage = archive_storage()
    folder = response["Location"].split("?")[0].rstrip("/").split("/")[-1]
    with storage.open(f"uploads/{folder}/Customer.csv", "rb") as kept:
        assert kept.read() == _customers_csv()


def test_the_preview_lists_every_error_with_file_line_and_column(admin_client, shop):
    rows = [["c1", "An", "", "sai"], ["c2", "", "", "0"], ["c3", "Chi", "", "0", "thừa"]]
    response = _post(admin_client, ("customer.csv", csv_text(CUSTOMERS, rows).encode()))
    english(admin_client)
    page = admin_client.get(response["Location"]).content.decode()
    assert "3 errors — nothing can be loaded" in page
    for line, column in [("2", "4 (IsDisabled)"), ("3", "2 (FullName)"), ("4", "")]:
        assert f"<td>customer.csv</td><td>{line}</td><td>{column}</td>" in page
    assert "Load into the database" not in page


def test_a_file_named_after_no_table_is_refused_and_nothing_kept(admin_client, s3_bucket):
    english(admin_client)
    response = _post(admin_client, ("khach_hang.csv", b"CustomerID\r\nc1\r\n"))
    assert response.status_code == 200
    assert "a file for an unknown table" in response.content.decode()
    assert archive_storage().listdir("uploads") == ([], [])


def test_a_file_over_the_size_limit_is_refused(admin_client, s3_bucket, settings):
    settings.ARCHIVE_UPLOAD_MAX_BYTES = 64
    english(admin_client)
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    assert "larger than the limit" in response.content.decode()
    assert archive_storage().listdir("uploads") == ([], [])


def test_a_zip_of_csv_files_is_previewed_from_its_kept_copy(admin_client, shop):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("export/Customer.csv", _customers_csv())
        bundle.writestr("export/appointment/2025-03.csv", _appointments_csv())
        bundle.writestr("__MACOSX/export/._Customer.csv", b"junk")
    response = _post(admin_client, ("bundle.zip", buffer.getvalue()))
    page = admin_client.get(response["Location"]).content.decode()
    assert "<tr><td>customer</td><td>1</td><td>1</td><td>1</td>" in page
    assert "<tr><td>appointment</td><td>2</td><td>0</td><td>0</td><td>0</td>" in page


def test_loading_reads_the_kept_upload_and_is_all_or_nothing(shop):
    upload = upload_receive(files=[SimpleUploadedFile("customer.csv", _customers_csv())])
    # Another request (perhaps another Lambda instance) knows only the upload's id.
    result = upload_load(upload_id=upload.id)
    counts = {
        t.table: (t.inserted, t.updated, t.unchanged, t.fixed) for t in result.tables if t.files
    }
    assert counts == {"customer": (1, 1, 1, 1)}
    assert m.Customer.objects.get(pk="c1").full_name == "An (sửa)"

    before = snapshot()
    rows = [["c1", "An (lần hai)", "", "0"], ["c4", "Dũng", "", "sai"]]
    bad = upload_receive(
        files=[SimpleUploadedFile("customer.csv", csv_text(CUSTOMERS, rows).encode())]
    )
    with pytest.raises(LoadError, match=rf"uploads/{bad.id}/customer.csv:3:4"):
        upload_load(upload_id=bad.id)
    assert snapshot() == before


def test_an_unknown_upload_id_is_refused(admin_client, s3_bucket):
    response = admin_client.get(reverse("admin:archive_upload_preview", args=["..data"]))
    assert response.status_code == 302


def test_confirming_loads_the_upload_and_archives_its_tables(admin_client, shop):
    from archive.storage.manifest import manifest_read

    response = _post(admin_client, ("customer.csv", _customers_csv()))
    confirm = admin_client.post(response["Location"].split("?")[0], {"date": "", "window_days": ""})
    assert confirm.status_code == 302
    assert m.Customer.objects.get(pk="c1").full_name == "An (sửa)"
    assert manifest_read()["tables"]["customer"]["records"] == 3


@pytest.mark.redis
def test_the_task_page_shows_a_running_load_s_progress(admin_client, celery_on_redis):
    task_id = f"test-{time.time_ns()}"
    meta = {"table": "appointment", "file": "uploads/x/appointment.csv", "done": 5, "total": 10}
    celery_on_redis.backend.store_result(task_id, meta, "PROGRESS")
    url = reverse("admin:archive_upload_task", args=[task_id])
    assert admin_client.get(url, {"format": "json"}).json() == {"state": "PROGRESS", "info": meta}
    assert "upload-progress" in admin_client.get(url).content.decode()
    celery_on_redis.backend.forget(task_id)


def test_confirming_a_large_upload_runs_in_the_celery_task(admin_client, shop, settings):
    settings.ARCHIVE_UPLOAD_TASK_BYTES = 1  # every upload is "large"; tasks run eagerly here
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    confirm = admin_client.post(response["Location"].split("?")[0], {"date": "", "window_days": ""})
    assert confirm["Location"] == reverse("admin:archive_staffupload_changelist")
    assert m.Customer.objects.get(pk="c3").full_name == "Chi"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_large_upload_loads_in_a_worker_while_the_page_follows_it(
    admin_client, s3_bucket, celery_on_redis, settings
):
    from celery.contrib.testing.worker import start_worker

    settings.ARCHIVE_UPLOAD_TASK_BYTES = 1
    settings.LANGUAGE_CODE = "en"  # the worker thread speaks the default language
    m.Customer.objects.create(customer_id="c1", full_name="An")
    with start_worker(celery_on_redis, perform_ping_check=False, loglevel="WARNING"):
        response = _post(admin_client, ("customer.csv", _customers_csv()))
        confirm = admin_client.post(response["Location"].split("?")[0], {"date": ""})
        assert "/upload/task/" in confirm["Location"]
        deadline = time.monotonic() + 30
        state = {}
        while time.monotonic() < deadline:
            state = admin_client.get(confirm["Location"], {"format": "json"}).json()
            if state["state"] in ("SUCCESS", "FAILURE"):
                break
            time.sleep(0.2)
    assert state["state"] == "SUCCESS", state
    assert any(
        line.startswith("customer: 2 inserted, 1 updated") for line in state["info"]["lines"]
    )


def test_the_load_record_page_offers_the_upload_to_those_allowed(admin_client, client, s3_bucket):
    changelist = reverse("admin:archive_seedload_changelist")
    assert UPLOAD_URL in admin_client.get(changelist).content.decode()
    viewer = User.objects.create_user("xem", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_seedload"))
    client.force_login(viewer)
    page = client.get(changelist)
    assert page.status_code == 200
    assert UPLOAD_URL not in page.content.decode()


@pytest.mark.language("en")
def test_an_upload_stays_loaded_when_the_archive_refuses_this_database(shop):
    from archive.uploads import upload_confirm

    export_archive(["customer"], database_id=new_database_id())  # another database's archive
    upload = upload_receive(files=[SimpleUploadedFile("customer.csv", _customers_csv())])

    result = upload_confirm(upload_id=upload.id)

    assert m.Customer.objects.get(pk="c3").full_name == "Chi"
    assert result.archived.startswith("Loaded, but not archived")


def test_uploaded_phone_numbers_are_stored_in_one_form_and_the_preview_warns(admin_client, shop):
    rows = [
        ["c1", "An", "+84 912 345 678", "0"],
        ["c2", "Bình", "0084 912 000 111", "0"],
        ["c4", "Dũng", "2438261234", "0"],
        ["c5", "Em", "không có", "0"],
    ]
    content = csv_text(CUSTOMERS, rows).encode("utf-8-sig")
    english(admin_client)
    response = _post(admin_client, ("customer.csv", content))
    page = admin_client.get(response["Location"]).content.decode()
    # c1, c2 unchanged once their numbers are in the stored form; three values repaired.
    assert (
        "<tr><td>customer</td><td>2</td><td>0</td><td>2</td><td>0</td><td>3</td><td></td></tr>"
        in page
    )
    assert "customer: 1 phone number is not a valid number; it will be kept as written." in page

    upload = response["Location"].split("?")[0].rstrip("/").split("/")[-1]
    result = upload_load(upload_id=upload)

    (counts,) = [t for t in result.tables if t.files]
    assert (counts.fixed, counts.warnings) == (3, 1)
    assert dict(m.Customer.objects.values_list("pk", "phone_number")) == {
        "c1": "0912345678",
        "c2": "0912000111",
        "c4": "02438261234",
        "c5": "không có",
    }


def test_the_task_page_without_a_result_backend_says_so_instead_of_failing(admin_client):
    """The default set-up keeps no task results: the page explains, the JSON is a 404."""
    url = reverse("admin:archive_upload_task", args=["0b5e7a1c-no-such-task"])

    english(admin_client)
    page = admin_client.get(url)
    data = admin_client.get(url, {"format": "json"})

    assert page.status_code == 302 and page["Location"] == UPLOAD_URL
    followed = admin_client.get(UPLOAD_URL).content.decode()
    assert "keeps no task results (CELERY_BROKER_URL is not set)" in followed
    assert data.status_code == 404
    assert data.json()["state"] == "UNKNOWN"
    assert "progress cannot be followed" in data.json()["error"]


def test_staff_who_may_upload_but_not_view_the_loads_land_on_their_upload_history(client, shop):
    uploader = User.objects.create_user("taile", password="x", is_staff=True)
    uploader.user_permissions.add(Permission.objects.get(codename="add_seedload"))
    client.force_login(uploader)
    english(client)
    response = _post(client, ("customer.csv", _customers_csv()))

    confirm = client.post(response["Location"], {"confirm": "1"})

    assert confirm.status_code == 302 and confirm["Location"] == HISTORY_URL
    landing = client.get(confirm["Location"])
    assert landing.status_code == 200
    page = landing.content.decode()
    assert "Upload loaded." in page
    assert "customer: 1 new, 1 changed, 1 unchanged" in page
    assert m.Customer.objects.get(pk="c3").full_name == "Chi"


# --- The upload history (issue 14) ---------------------------------------------------------


def _upload_id(response) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def _uploader(name: str, *codenames: str) -> User:
    user = User.objects.create_user(name, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_seedload", *codenames]))
    return user


def test_confirming_lands_on_the_history_showing_the_upload_just_made(admin_client, shop):
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    confirm = admin_client.post(response["Location"], {"confirm": "1"})

    assert confirm["Location"] == HISTORY_URL
    english(admin_client)
    page = admin_client.get(HISTORY_URL).content.decode()
    assert "customer.csv" in page
    assert "customer: 1 new, 1 changed, 1 unchanged" in page
    record = StaffUpload.objects.get(upload_id=_upload_id(response))
    assert record.status == StaffUpload.Status.LOADED
    assert record.user.username == "admin"
    assert record.finished_at is not None
    assert [t["table"] for t in record.tables] == ["customer"]


def test_each_upload_is_recorded_with_its_outcome(admin_client, shop):
    good = _post(admin_client, ("customer.csv", _customers_csv()))
    rows = [["c1", "An", "", "sai"]]
    bad = _post(admin_client, ("customer.csv", csv_text(CUSTOMERS, rows).encode()))

    previewed = StaffUpload.objects.get(upload_id=_upload_id(good))
    invalid = StaffUpload.objects.get(upload_id=_upload_id(bad))
    assert previewed.status == StaffUpload.Status.PREVIEWED
    assert previewed.files == ["customer.csv"]
    assert previewed.tables[0] | {"forms": {}} == {
        "table": "customer",
        "inserted": 1,
        "updated": 1,
        "unchanged": 1,
        "outside": 0,
        "fixed": 1,
        "warnings": 0,
        "forms": {},
        "files": 1,
        "changed": [],
    }
    assert invalid.status == StaffUpload.Status.INVALID
    assert invalid.problems[0]["line"] == 2 and invalid.problems[0]["column"] == 4


def test_uploaders_see_their_own_uploads_and_the_view_permission_shows_all(client, shop):
    own, other = _uploader("mot"), _uploader("hai")
    auditor = User.objects.create_user("kiemtra", password="x", is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_staffupload"))
    plain = User.objects.create_user("ba", password="x", is_staff=True)
    client.force_login(own)
    mine = _upload_id(_post(client, ("customer.csv", _customers_csv())))
    client.force_login(other)
    theirs = _post(client, ("Customer.csv", _customers_csv()))
    preview_of_theirs = theirs["Location"]

    client.force_login(own)
    page = client.get(HISTORY_URL).content.decode()
    assert f"/admin/archive/staffupload/{StaffUpload.objects.get(upload_id=mine).pk}/" in page
    assert "Customer.csv" not in page
    assert client.get(preview_of_theirs)["Location"] == UPLOAD_URL  # "No such upload."
    assert client.post(preview_of_theirs, {"cancel": "1"})["Location"] == UPLOAD_URL
    assert StaffUpload.objects.get(upload_id=_upload_id(theirs)).status == "previewed"

    client.force_login(auditor)
    page = client.get(HISTORY_URL).content.decode()
    assert "Customer.csv" in page and "customer.csv" in page

    client.force_login(plain)
    assert client.get(HISTORY_URL).status_code == 403


def test_the_history_is_read_only(admin_client, shop):
    upload = _upload_id(_post(admin_client, ("customer.csv", _customers_csv())))
    record = StaffUpload.objects.get(upload_id=upload)
    change = reverse("admin:archive_staffupload_change", args=[record.pk])
    page = admin_client.get(change).content.decode()
    assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:archive_staffupload_add")).status_code == 403
    delete = reverse("admin:archive_staffupload_delete", args=[record.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert StaffUpload.objects.filter(pk=record.pk).exists()


def test_a_cancelled_upload_s_files_are_removed_and_it_cannot_be_loaded(admin_client, shop):
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    upload = _upload_id(response)
    assert archive_storage().listdir(f"uploads/{upload}")[1] == ["customer.csv"]

    english(admin_client)
    cancel = admin_client.post(response["Location"], {"cancel": "1"})

    assert cancel["Location"] == HISTORY_URL
    assert archive_storage().listdir("uploads") == ([], [])
    record = StaffUpload.objects.get(upload_id=upload)
    assert record.status == StaffUpload.Status.CANCELLED and record.samples == {}
    page = admin_client.get(response["Location"]).content.decode()
    assert "Load into the database" not in page and "Cancelled" in page
    admin_client.post(response["Location"], {"confirm": "1"})
    assert m.Customer.objects.get(pk="c1").full_name == "An"
    assert not m.Customer.objects.filter(pk="c3").exists()


def test_the_preview_shows_sample_rows_as_the_viewer_may_see_them(admin_client, client, shop):
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    page = admin_client.get(response["Location"]).content.decode()
    assert "<td>c1</td><td>An (sửa)</td><td>0912345678</td><td>0</td>" in page

    uploader = _uploader("taile")
    client.force_login(uploader)
    response = _post(client, ("customer.csv", _customers_csv()))
    english(client)
    page = client.get(response["Location"]).content.decode()
    sample = page[page.index('id="sample-customer"') :]
    assert "only its keys are shown" in sample
    assert "<td>c1</td>" in sample and "<td>c3</td>" in sample
    assert "An (sửa)" not in page and "0912345678" not in page and "FullName" not in sample

    uploader.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(User.objects.get(pk=uploader.pk))
    page = client.get(response["Location"]).content.decode()
    assert "<td>c1</td><td>An (sửa)</td>" in page


def test_upload_times_are_shown_in_local_time_not_utc(admin_client, shop):
    from django.utils import timezone
    from django.utils.formats import date_format

    response = _post(admin_client, ("customer.csv", _customers_csv()))
    record = StaffUpload.objects.get(upload_id=_upload_id(response))
    with translation.override("en"):  # the request above left its client's language
        local = date_format(timezone.localtime(record.received_at), "DATETIME_FORMAT")
        utc = date_format(record.received_at.astimezone(dt.UTC), "DATETIME_FORMAT")
    assert local != utc

    english(admin_client)
    page = admin_client.get(response["Location"]).content.decode()
    history = admin_client.get(HISTORY_URL).content.decode()

    assert local in page and local in history
    assert utc not in page and utc not in history
    assert f"uploads/{record.upload_id}" not in page  # the UTC-named folder


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_upload_record_names_its_folder_by_the_local_time_not_its_utc_stamp(
    admin_client, shop, language
):
    from django.utils import timezone
    from django.utils.formats import date_format

    response = _post(admin_client, ("customer.csv", _customers_csv()))
    record = StaffUpload.objects.get(upload_id=_upload_id(response))
    admin_client.post("/i18n/setlang/", {"language": language})
    page = admin_client.get(reverse("admin:archive_staffupload_change", args=[record.pk]))
    page = page.content.decode()

    row = re.search(r'field-folder">.*?<div class="readonly">(.*?)</div>', page, re.S).group(1)
    with translation.override(language):
        local = date_format(timezone.localtime(record.received_at), "DATETIME_FORMAT")
    assert local in row
    assert ("thư mục tải lên" if language == "vi" else "upload folder") in row
    assert record.upload_id not in page and record.upload_id[:15] not in page  # 20260102T030405


def test_the_upload_page_uses_the_admin_s_form_styles(admin_client, s3_bucket):
    page = admin_client.get(UPLOAD_URL).content.decode()
    assert "admin/css/forms.css" in page
    assert '<fieldset class="module aligned' in page
    assert 'class="form-row field-files"' in page
    assert 'class="vDateField"' in page  # the admin's date picker
    assert "admin/js/calendar.js" in page and "admin/js/admin/DateTimeShortcuts.js" in page


def test_a_big_upload_is_checked_in_the_celery_task(admin_client, shop, settings):
    settings.ARCHIVE_UPLOAD_TASK_BYTES = 1  # every upload is "big"; tasks run eagerly here
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    record = StaffUpload.objects.get(upload_id=_upload_id(response))
    assert record.task_id and record.status == StaffUpload.Status.PREVIEWED
    page = admin_client.get(response["Location"]).content.decode()
    assert "<tr><td>customer</td><td>1</td><td>1</td><td>1</td>" in page


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_big_upload_s_preview_page_only_shows_progress_until_a_worker_has_checked_it(
    admin_client, s3_bucket, celery_on_redis, settings
):
    from celery.contrib.testing.worker import start_worker

    settings.ARCHIVE_UPLOAD_TASK_BYTES = 1
    m.Customer.objects.create(customer_id="c1", full_name="An")
    response = _post(admin_client, ("customer.csv", _customers_csv()))
    upload = _upload_id(response)

    for _ in range(2):  # no worker yet: a GET shows progress and checks nothing itself
        page = admin_client.get(response["Location"]).content.decode()
        assert "upload-progress" in page and 'data-reload="1"' in page
    assert StaffUpload.objects.get(upload_id=upload).status == StaffUpload.Status.PREVIEWING

    with start_worker(celery_on_redis, perform_ping_check=False, loglevel="WARNING"):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if StaffUpload.objects.get(upload_id=upload).status != "previewing":
                break
            time.sleep(0.2)
    assert StaffUpload.objects.get(upload_id=upload).status == StaffUpload.Status.PREVIEWED
    page = admin_client.get(response["Location"]).content.decode()
    assert "<tr><td>customer</td><td>2</td><td>1</td><td>0</td>" in page


@pytest.mark.language("en")
def test_an_upload_is_loaded_once_and_a_loaded_one_cannot_be_cancelled(shop):
    from archive.uploads import (
        staff_upload_cancel,
        staff_upload_confirm,
        staff_upload_create,
        staff_upload_preview,
    )
    from meetassist.exceptions import DomainError

    files = [SimpleUploadedFile("customer.csv", _customers_csv())]
    record = staff_upload_create(files=files, user=None)
    with pytest.raises(DomainError):  # not checked yet
        staff_upload_confirm(upload_id=record.upload_id)
    staff_upload_preview(upload_id=record.upload_id)
    staff_upload_confirm(upload_id=record.upload_id)

    with pytest.raises(DomainError, match="This upload is loaded; only a checked upload"):
        staff_upload_confirm(upload_id=record.upload_id)
    with pytest.raises(DomainError, match="This upload is loaded; it cannot be cancelled"):
        staff_upload_cancel(upload_id=record.upload_id)
    assert archive_storage().listdir(f"uploads/{record.upload_id}")[1] == ["customer.csv"]


@pytest.mark.language("vi")
def test_an_upload_that_is_archived_says_so_in_the_staffs_language(shop):
    from archive.uploads import upload_confirm

    upload = upload_receive(files=[SimpleUploadedFile("customer.csv", _customers_csv())])
    result = upload_confirm(upload_id=upload.id)
    assert result.archived == "Lưu trữ: thành công."  # not the run's status word, "success"
