"""The HTML pages: the numbers shown, the day view's loaded-days notice, bad parameters → 400."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archive.models import SeedLoad

pytestmark = pytest.mark.django_db


def stat(response, name: str) -> str:
    match = re.search(rf'data-stat="{name}"[^>]*>([^<]*)<', response.content.decode())
    assert match, f"no {name} on the page"
    return match.group(1).strip()


@pytest.fixture
def boss(client_for, archive_dir):
    return client_for(superuser=True)


def test_overview_page_shows_the_counted_numbers(known, boss):
    page = boss.get("/dashboard/")
    expected = {
        "appointments-today": "4",
        "appointments-total": "8",
        "appointments-created-7-days": "5",
        "active-customers": "2",
        "active-consultants": "1",
        "programs-upcoming": "1",
        "programs-total": "4",
        "participants": "4",
        "status-pending": "3",
        "status-confirmed": "2",
        "status-completed": "2",
        "status-cancelled": "1",
    }
    assert {name: stat(page, name) for name in expected} == expected
    assert stat(page, "average-rating") in {"3.75", "3,75"}  # the decimal mark is the locale's
    assert page.content.count(b"<rect") == 4  # today's three statuses and T − 3's one


def test_overview_page_shows_only_cards_the_user_may_see(known, client_for, archive_dir):
    page = client_for(perms=["appointments.view_customer"]).get("/dashboard/")
    assert stat(page, "active-customers") == "2"
    assert b'data-stat="appointments-total"' not in page.content
    assert b'data-stat="average-rating"' not in page.content
    assert b"dash-chart" not in page.content


def test_day_page_shows_the_day_and_links_to_neighbours(known, boss):
    date = known.today.isoformat()
    page = boss.get(f"/dashboard/appointments/?date={date}")
    assert stat(page, "day-total") == "4"
    assert (stat(page, "day-pending"), stat(page, "day-cancelled")) == ("2", "1")
    assert (stat(page, "slots-free"), stat(page, "slots-offered")) == ("2", "4")
    previous = (known.today - dt.timedelta(days=1)).isoformat()
    following = (known.today + dt.timedelta(days=1)).isoformat()
    assert f'href="?date={previous}"'.encode() in page.content
    assert f'href="?date={following}"'.encode() in page.content
    assert page.content.count(b"data-appointment=") == 4
    assert b"data-not-loaded" not in page.content  # an origin database holds every day


def test_day_outside_every_loaded_window_says_so_and_offers_loading(known, client_for, archive_dir):
    SeedLoad.objects.create(
        table="appointment",
        window_start=known.today - dt.timedelta(days=1),
        window_end=known.today + dt.timedelta(days=1),
        source="data/appointment/…",
    )
    SeedLoad.objects.create(table="customer", full=True, source="data/customer.csv")
    loader = client_for(perms=["appointments.view_appointment", "dashboard.load_from_archive"])
    inside = loader.get(f"/dashboard/appointments/?date={known.today.isoformat()}")
    assert b"data-not-loaded" not in inside.content
    outside_day = (known.today + dt.timedelta(days=5)).isoformat()
    outside = loader.get(f"/dashboard/appointments/?date={outside_day}")
    assert b"data-not-loaded" in outside.content
    assert b'action="/dashboard/appointments/load/"' in outside.content
    assert f'name="date" value="{outside_day}"'.encode() in outside.content
    viewer = client_for(perms=["appointments.view_appointment"])
    assert (
        b"/dashboard/appointments/load/"
        not in viewer.get(f"/dashboard/appointments/?date={outside_day}").content
    )


def test_a_full_appointment_load_holds_every_day(known, boss):
    SeedLoad.objects.create(
        table="appointment",
        window_start=known.today,
        window_end=known.today,
        source="a window",
    )
    SeedLoad.objects.create(table="appointment", full=True, source="everything")
    page = boss.get("/dashboard/appointments/?date=2001-01-01")
    assert b"data-not-loaded" not in page.content


def test_seed_loads_of_other_tables_only_leave_every_day_loaded(known, boss):
    SeedLoad.objects.create(table="customer", full=True, source="data/customer.csv")
    page = boss.get("/dashboard/appointments/?date=2001-01-01")
    assert b"data-not-loaded" not in page.content


def test_customers_consultants_programs_pages_show_their_numbers(known, boss):
    customers = boss.get("/dashboard/customers/")
    assert [stat(customers, f"customers-{k}") for k in ("total", "active", "disabled")] == [
        "3",
        "2",
        "1",
    ]
    consultants = boss.get("/dashboard/consultants/")
    assert (stat(consultants, "consultants-total"), stat(consultants, "consultants-active")) == (
        "2",
        "1",
    )
    programs = boss.get("/dashboard/programs/")
    assert stat(programs, "programs-upcoming") == "1"
    assert stat(programs, "participants-attended") == "2"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/appointments/?date=12/03/2025",
        "/dashboard/appointments/?page=0",
        "/dashboard/appointments/?page=2",
        "/dashboard/consultants/?page=x",
        "/dashboard/programs/?page=3",
        "/dashboard/archive/?task=123",
        "/dashboard/database/bad%20name/",
    ],
)
def test_bad_parameter_is_a_400_page_saying_which(boss, url):
    page = boss.get(url)
    assert page.status_code == 400
    assert b"data-error" in page.content
    assert b'id="nav-sidebar"' in page.content


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_the_calendars_first_and_last_day_open_without_error(boss, date):
    page = boss.get(f"/dashboard/appointments/?date={date}")
    assert page.status_code == 200
    assert stat(page, "day-total") == "0"
    assert boss.get(f"/api/stats/appointments?date={date}").status_code == 200


def test_unknown_table_page_is_a_404(boss):
    assert boss.get("/dashboard/database/no_such_table/").status_code == 404


def test_table_page_shows_columns_constraints_and_indexes(boss):
    page = boss.get("/dashboard/database/appointments_appointment/")
    for marker in (
        b'data-column="status"',
        b'data-constraint="appointment_status_valid"',
        b'data-index="appointment_consult_date_idx"',
    ):
        assert marker in page.content


EVERY_VIEW = [
    "appointments.view_appointment",
    "appointments.view_customer",
    "appointments.view_consultant",
    "appointments.view_consultantschedule",
    "appointments.view_appointmentfeedback",
    "appointments.view_communityprogram",
    "appointments.view_programparticipant",
    "dashboard.view_archive_status",
    "dashboard.run_archive",
]


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/appointments/",
        "/dashboard/customers/",
        "/dashboard/consultants/",
        "/dashboard/programs/",
        "/dashboard/archive/",
        "/dashboard/database/",
        "/dashboard/database/appointments_appointment/",
        "/api/stats/overview",
        "/api/stats/appointments",
        "/api/database/tables",
    ],
)
def test_each_page_stays_within_twelve_queries(known, client_for, archive_dir, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if "/database/appointments" in url and connection.vendor == "sqlite":
        pytest.skip("SQLite's introspection runs a PRAGMA per index; the budget is PostgreSQL's")
    client = client_for(perms=EVERY_VIEW)  # a plain staff member: permission lookups count
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 12, [q["sql"][:80] for q in queries]
