"""The JSON endpoints: every number against the hand-counted data, bad parameters → 400."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client_for, archive_dir):
    return client_for(superuser=True)


def test_overview_json_has_every_headline_number(known, api):
    data = api.get("/api/stats/overview").json()["overview"]
    assert data["appointments"] == {
        "total": 8,
        "by_status": {"pending": 3, "confirmed": 2, "completed": 2, "cancelled": 1},
        "today": 4,
        "created_last_7_days": 5,
    }
    assert data["active_customers"] == 2
    assert data["active_consultants"] == 1
    assert data["programs"] == {"upcoming": 1, "total": 4}
    assert data["participants"] == 4
    assert data["average_rating"] == pytest.approx(3.75)
    assert data["ratings"] == 2
    assert len(data["last_30_days"]) == 30
    assert data["last_30_days"][-1] == {
        "date": known.today.isoformat(),
        "by_status": {"pending": 2, "confirmed": 1, "completed": 0, "cancelled": 1},
        "total": 4,
    }
    assert sum(day["total"] for day in data["last_30_days"]) == 5


def test_overview_json_hides_models_without_view_permission(known, client_for, archive_dir):
    client = client_for(perms=["appointments.view_customer"])
    data = client.get("/api/stats/overview").json()["overview"]
    assert data["active_customers"] == 2
    assert data["appointments"] is None
    assert data["average_rating"] is None and data["ratings"] is None
    assert data["busiest_consultants"] is None and data["last_30_days"] is None


def test_appointments_json_for_a_day(known, api):
    data = api.get(f"/api/stats/appointments?date={known.today.isoformat()}").json()
    day = data["day"]
    assert day["total"] == 4
    assert day["by_status"] == {"pending": 2, "confirmed": 1, "completed": 0, "cancelled": 1}
    assert (day["slots_offered"], day["slots_free"]) == (4, 2)
    assert [(c["full_name"], c["total"]) for c in day["by_consultant"]] == [
        ("An", 2),
        (None, 1),
        ("Bình", 1),
    ]
    assert [a["time"] for a in data["appointments"]] == [
        "09:00:00",
        "09:00:00",
        "10:00:00",
        "14:00:00",
    ]
    assert data["page"] == {"number": 1, "pages": 1, "per_page": 100, "total": 4}
    assert data["loaded"] is True and data["seeded"] is False


def test_appointments_json_defaults_to_today(known, api):
    assert api.get("/api/stats/appointments").json()["day"]["date"] == known.today.isoformat()


def test_customers_consultants_programs_json(known, api):
    customers = api.get("/api/stats/customers").json()["customers"]
    assert (customers["total"], customers["active"], customers["disabled"]) == (3, 2, 1)
    assert sum(w["count"] for w in customers["new_per_week"]) == 2
    consultants = api.get("/api/stats/consultants").json()
    rows = [
        (r["full_name"], r["upcoming"], r["completed"], r["cancelled"], r["average_rating"])
        for r in consultants["consultants"]["rows"]
    ]
    assert rows == [("An", 3, 1, 0, 4.5), ("Bình", 1, 1, 1, 3.0)]
    assert consultants["page"]["total"] == 2
    programs = api.get("/api/stats/programs").json()["programs"]
    assert programs["by_status"] == {"upcoming": 2, "ongoing": 1, "completed": 1}
    assert programs["participants_by_status"] == {"registered": 1, "attended": 2, "cancelled": 1}


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("/api/stats/appointments?date=2025-13-01", "date"),
        ("/api/stats/appointments?date=yesterday", "date"),
        ("/api/stats/appointments?date=2025-03-12&page=0", "page"),
        ("/api/stats/appointments?date=2025-03-12&page=2", "page"),
        ("/api/stats/appointments?page=abc", "page"),
        ("/api/stats/appointments?task=not-a-task-id", "task"),
        ("/api/stats/consultants?page=-1", "page"),
        ("/api/stats/consultants?page=2", "page"),
        ("/api/stats/programs?page=9999999999", "page"),
        ("/api/archive/status?task=%27;drop", "task"),
        ("/api/database/tables/no-such-table!", "table"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(known, api, url, named):
    response = api.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert named in body["error"]


def test_unknown_table_is_a_404(api):
    response = api.get("/api/database/tables/no_such_table")
    assert response.status_code == 404
    assert "no_such_table" in response.json()["error"]


def test_table_of_a_model_without_permission_is_a_404(client_for):
    client = client_for(perms=["appointments.view_customer"])
    assert client.get("/api/database/tables/appointments_customer").status_code == 200
    assert client.get("/api/database/tables/appointments_appointment").status_code == 404
    assert client.get("/api/database/tables/auth_user").status_code == 404


def test_database_tables_json_counts_rows_exactly_for_small_tables(known, api):
    tables = {t["name"]: t for t in api.get("/api/database/tables").json()["tables"]}
    assert tables["appointments_appointment"]["rows"] == 8
    assert tables["appointments_appointment"]["rows_exact"] is True
    assert tables["appointments_customer"]["rows"] == 3
    assert tables["appointments_appointment"]["model"] == "appointments.appointment"


def test_database_table_json_lists_columns_constraints_indexes(api):
    data = api.get("/api/database/tables/appointments_appointment").json()["table"]
    columns = {c["name"]: c for c in data["columns"]}
    assert columns["consultant_id"]["null"] is True
    assert columns["customer_id"]["null"] is False
    assert columns["status"]["type"] == "varchar(10)"
    kinds = {c["name"]: c["kind"] for c in data["constraints"]}
    assert kinds["appointment_status_valid"] == "check"
    indexes = {i["name"]: i["columns"] for i in data["indexes"]}
    assert indexes["appointment_date_idx"] == ["date", "time"]
    assert indexes["appointment_status_idx"] == ["status", "date"]


def test_api_dates_are_iso_and_text_is_not_escaped(known, api):
    response = api.get("/api/stats/consultants")
    assert "Bình" in response.content.decode()
    day = (known.today - dt.timedelta(days=29)).isoformat()
    assert api.get("/api/stats/overview").json()["overview"]["last_30_days"][0]["date"] == day
