"""Changelist export (django-import-export): what the list shows, CSV and XLSX, permitted only."""

from __future__ import annotations

import csv
import io
import logging

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:appointments_appointment_export")


def export(client, query: dict, file_format: str, language: str = "en", url: str = EXPORT):
    """Open the export page for a filtered changelist and submit it, as the button does."""
    client.post("/i18n/setlang/", {"language": language})  # as staff switch, kept per user
    page = client.get(url, query)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        "format": next(
            value for value, title in form.fields["format"].choices if title == file_format
        ),
        **{
            name: "on"
            for name, field in form.fields.items()
            if getattr(field, "is_selectable_field", False)
        },
    }
    if "resource" in form.fields:
        data["resource"] = "0"
    # The form posts back to the page's own URL, filters included.
    path = page.request["PATH_INFO"] + "?" + page.request["QUERY_STRING"]
    return client.post(path, data)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # a BOM, so Excel reads Vietnamese
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def appointments():
    """Three confirmed appointments (one of a customer named like a formula), two others."""
    tricky = factories.AppointmentFactory(
        status="confirmed", customer__full_name='=HYPERLINK("http://evil.example","x")'
    )
    confirmed = [tricky, *factories.AppointmentFactory.create_batch(2, status="confirmed")]
    others = [
        factories.AppointmentFactory(status="pending"),
        factories.AppointmentFactory(status="cancelled"),
    ]
    return confirmed, others


def test_csv_export_holds_exactly_the_filtered_rows(superuser_client, appointments):
    confirmed, _others = appointments
    rows = csv_rows(export(superuser_client, {"status__exact": "confirmed"}, "csv"))
    assert sorted(int(r["Appointment ID"]) for r in rows) == sorted(a.pk for a in confirmed)
    assert {r["Status"] for r in rows} == {"Confirmed"}
    by_id = {int(r["Appointment ID"]): r for r in rows}
    plain = confirmed[1]
    assert by_id[plain.pk]["Customer name"] == plain.customer.full_name
    assert by_id[plain.pk]["Consultant name"] == plain.consultant.full_name
    assert by_id[plain.pk]["Customer ID"] == plain.customer_id
    assert by_id[plain.pk]["Consultant ID"] == str(plain.consultant_id)


def test_csv_export_follows_the_search_box_too(superuser_client, appointments):
    confirmed, _others = appointments
    wanted = confirmed[2]
    rows = csv_rows(export(superuser_client, {"q": wanted.customer.phone_number}, "csv"))
    assert [int(r["Appointment ID"]) for r in rows] == [wanted.pk]


def test_csv_export_escapes_a_formula_as_the_archive_does(superuser_client, appointments):
    tricky = appointments[0][0]
    rows = csv_rows(export(superuser_client, {"status__exact": "confirmed"}, "csv"))
    [cell] = [r["Customer name"] for r in rows if int(r["Appointment ID"]) == tricky.pk]
    assert cell == "'" + tricky.customer.full_name  # value kept, behind one apostrophe


def test_xlsx_export_holds_the_filtered_rows_and_no_formula(superuser_client, appointments):
    confirmed, _others = appointments
    response = export(superuser_client, {"status__exact": "confirmed"}, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows())
    columns = [cell.value for cell in header]
    ids = [row[columns.index("Appointment ID")].value for row in rows]
    assert sorted(ids) == sorted(a.pk for a in confirmed)
    names = [row[columns.index("Customer name")] for row in rows]
    assert all(cell.data_type == "s" for cell in names)
    assert not any(str(cell.value).startswith("=") for cell in names)


def test_export_is_refused_without_view_permission(login, appointments):
    client = login(perms=["appointments.view_customer"])
    assert client.get(EXPORT).status_code == 403
    assert client.post(EXPORT, {"format": "0"}).status_code == 403


def test_view_permission_is_enough_to_export(login, appointments):
    client = login(perms=["appointments.view_appointment"])
    rows = csv_rows(export(client, {"status__exact": "pending"}, "csv"))
    assert [r["Status"] for r in rows] == ["Pending"]


def test_a_user_who_is_not_staff_cannot_export(login, appointments):
    response = login(staff=False).get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_exports_are_logged_with_their_filters(superuser_client, appointments, caplog):
    with caplog.at_level(logging.INFO, logger="meetassist.admin"):
        export(superuser_client, {"status__exact": "confirmed"}, "csv")
    [record] = [r for r in caplog.records if r.name == "meetassist.admin"]
    assert record.admin_action == "export"
    assert "status__exact=confirmed" in record.getMessage()


def test_export_reads_the_filtered_rows_once_and_never_lists_every_key(
    superuser_client, appointments
):
    # The export page itself touches no appointment row (no COUNT, no list of keys) …
    with CaptureQueriesContext(connection) as page_queries:
        superuser_client.get(EXPORT, {"status__exact": "confirmed"})
    assert not [q for q in page_queries if '"appointments_appointment"' in q["sql"]]
    # … and the export is one filtered SELECT, joined to the names it shows.
    with CaptureQueriesContext(connection) as export_queries:
        csv_rows(export(superuser_client, {"status__exact": "confirmed"}, "csv"))
    reads = [q["sql"] for q in export_queries if '"appointments_appointment"' in q["sql"]]
    assert len(reads) == 1
    assert "WHERE" in reads[0] and "COUNT" not in reads[0].upper()
    assert '"appointments_customer"' in reads[0]


@pytest.mark.parametrize(
    "model",
    [
        "customer",
        "consultant",
        "consultantschedule",
        "appointmentfeedback",
        "communityprogram",
        "programparticipant",
    ],
)
def test_every_model_exports_as_csv(superuser_client, model):
    factories.FeedbackFactory()
    factories.ParticipantFactory()
    factories.ScheduleFactory()
    url = reverse(f"admin:appointments_{model}_export")
    rows = csv_rows(export(superuser_client, {}, "csv", url=url))
    assert len(rows) >= 1


def test_changelist_export_button_carries_the_filters(login, appointments):
    client = login(perms=["appointments.view_appointment"])
    changelist = reverse("admin:appointments_appointment_changelist")
    page = client.get(changelist, {"status__exact": "confirmed", "q": "Nguyễn"})
    assert page.context["has_export_permission"]
    html = page.content.decode()
    assert f'href="{EXPORT}?q=Nguy%E1%BB%85n&amp;status__exact=confirmed"' in html
