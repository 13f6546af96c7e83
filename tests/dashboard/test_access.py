"""Every page and endpoint for anonymous, non-staff, staff without permission and superusers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_script_prefix

pytestmark = pytest.mark.django_db

# (url, the permissions a staff member needs for it)
PAGES = [
    ("/dashboard/", ["appointments.view_customer"]),
    ("/dashboard/appointments/", ["appointments.view_appointment"]),
    ("/dashboard/customers/", ["appointments.view_customer"]),
    ("/dashboard/consultants/", ["appointments.view_consultant"]),
    ("/dashboard/programs/", ["appointments.view_communityprogram"]),
    ("/dashboard/archive/", ["dashboard.view_archive_status"]),
    ("/dashboard/database/", ["appointments.view_customer"]),
    ("/dashboard/database/appointments_customer/", ["appointments.view_customer"]),
]
ENDPOINTS = [
    ("/api/stats/overview", ["appointments.view_customer"]),
    ("/api/stats/appointments", ["appointments.view_appointment"]),
    ("/api/stats/customers", ["appointments.view_customer"]),
    ("/api/stats/consultants", ["appointments.view_consultant"]),
    ("/api/stats/programs", ["appointments.view_communityprogram"]),
    ("/api/archive/status", ["dashboard.view_archive_status"]),
    ("/api/database/tables", ["appointments.view_customer"]),
    ("/api/database/tables/appointments_customer", ["appointments.view_customer"]),
]
ACTIONS = [
    ("/dashboard/archive/run/", {}, ["dashboard.run_archive"]),
    ("/dashboard/archive/schedule/", {"enabled": "off"}, ["dashboard.run_archive"]),
    ("/dashboard/appointments/load/", {"date": "2025-03-12"}, ["dashboard.load_from_archive"]),
]
EVERY_PERMISSION = [
    "appointments.view_appointment",
    "appointments.view_customer",
    "appointments.view_consultant",
    "appointments.view_communityprogram",
    "dashboard.view_archive_status",
    "dashboard.run_archive",
    "dashboard.load_from_archive",
]


@pytest.fixture(autouse=True)
def _local_archive(archive_dir):
    """The archive page reads the manifest: give it an empty local archive."""


@pytest.mark.parametrize(("url", "perms"), PAGES)
def test_page_sends_anonymous_users_to_the_admin_login(url, perms):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize(("url", "perms"), PAGES)
def test_page_refuses_non_staff_even_with_permissions(url, perms, client_for):
    response = client_for(staff=False, perms=EVERY_PERMISSION).get(url)
    assert response.status_code == 403
    assert b"data-error" in response.content


@pytest.mark.parametrize(("url", "perms"), PAGES)
def test_page_refuses_staff_without_the_permission(url, perms, client_for):
    assert client_for().get(url).status_code == 403


@pytest.mark.parametrize(("url", "perms"), PAGES)
def test_page_opens_for_staff_with_the_permission(url, perms, client_for):
    assert client_for(perms=perms).get(url).status_code == 200


@pytest.mark.parametrize(("url", "perms"), PAGES)
def test_page_opens_for_superusers(url, perms, client_for):
    response = client_for(superuser=True).get(url)
    assert response.status_code == 200
    assert b'id="nav-sidebar"' in response.content  # inside the admin's look


@pytest.mark.parametrize(("url", "perms"), ENDPOINTS)
def test_endpoint_answers_anonymous_with_401_json(url, perms):
    response = Client().get(url)
    assert response.status_code == 401
    assert response.json()["status"] == 401 and response.json()["error"]


@pytest.mark.parametrize(("url", "perms"), ENDPOINTS)
def test_endpoint_answers_non_staff_with_403_json(url, perms, client_for):
    response = client_for(staff=False, perms=EVERY_PERMISSION).get(url)
    assert response.status_code == 403
    assert response.json()["status"] == 403


@pytest.mark.parametrize(("url", "perms"), ENDPOINTS)
def test_endpoint_answers_staff_without_permission_with_403_json(url, perms, client_for):
    response = client_for().get(url)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(("url", "perms"), ENDPOINTS)
def test_endpoint_answers_staff_with_the_permission(url, perms, client_for):
    response = client_for(perms=perms).get(url)
    assert response.status_code == 200
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize(("url", "perms"), ENDPOINTS)
def test_endpoint_answers_superusers_and_refuses_post(url, perms, client_for):
    client = client_for(superuser=True)
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(("url", "data", "perms"), ACTIONS)
def test_action_refuses_anonymous_non_staff_and_staff_without_permission(
    url, data, perms, client_for
):
    assert Client().post(url, data).status_code == 302
    assert client_for(staff=False, perms=EVERY_PERMISSION).post(url, data).status_code == 403
    view_only = [p for p in EVERY_PERMISSION if p not in perms]
    assert client_for(perms=view_only).post(url, data).status_code == 403


@pytest.mark.parametrize(("url", "data", "perms"), ACTIONS)
def test_action_is_post_only_and_checks_csrf(url, data, perms, client_for, make_user):
    assert client_for(perms=perms).get(url).status_code == 405
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(perms=perms))
    assert client.post(url, data).status_code == 403  # no CSRF token


def test_staff_sees_only_the_tabs_it_may_open(client_for):
    response = client_for(perms=["appointments.view_customer"]).get("/dashboard/customers/")
    tabs = [item["url"] for item in response.context["dashboard_nav"]]
    assert tabs == ["/dashboard/", "/dashboard/customers/", "/dashboard/database/"]


def test_the_tabs_follow_a_script_prefix(client_for):
    """Behind API Gateway every URL starts with the stage (``/dev``): found on Lambda."""
    client = client_for(perms=["appointments.view_customer"])

    with override_script_prefix("/dev/"):
        page = client.get("/dashboard/customers/", SCRIPT_NAME="/dev")
        admin_index = client.get("/admin/", SCRIPT_NAME="/dev")

    tabs = [item["url"] for item in page.context["dashboard_nav"]]
    assert tabs == ["/dev/dashboard/", "/dev/dashboard/customers/", "/dev/dashboard/database/"]
    assert admin_index.status_code == 200
    assert 'href="/dev/dashboard/"' in admin_index.content.decode()  # the header's link
