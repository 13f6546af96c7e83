"""A real browser (Debian's chromium driven by Playwright) through every dashboard page.

It logs in through the admin's form, opens each page, clicks "run the archive now", and
saves a screenshot of each step under test-output/screenshots/. Skips only without chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests import known_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = [
    ("overview", "/dashboard/"),
    ("day", "/dashboard/appointments/"),
    ("customers", "/dashboard/customers/"),
    ("consultants", "/dashboard/consultants/"),
    ("programs", "/dashboard/programs/"),
    ("archive", "/dashboard/archive/"),
    ("database", "/dashboard/database/"),
    ("database-table", "/dashboard/database/appointments_appointment/"),
]


@pytest.fixture
def screenshots(request) -> Path:
    folder = Path(request.config.rootpath) / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium: apt-get install chromium")
def test_staff_browses_every_page_and_runs_the_archive(live_server, screenshots, archive_dir):
    from playwright.sync_api import sync_playwright

    # Everything that touches the database happens before Playwright starts its event loop.
    known_data.build(today=timezone.localdate(), now=timezone.now())
    User.objects.create_superuser("boss", "boss@example.vn", "a-long-browser-pw-7")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page.goto(f"{live_server.url}/dashboard/")
        assert "/admin/login/" in page.url  # not logged in yet: sent to the admin's login
        page.fill("#id_username", "boss")
        page.fill("#id_password", "a-long-browser-pw-7")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/dashboard/")

        for name, path in PAGES:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, name
            assert page.locator("#nav-sidebar .app-dashboard").count() == 1  # admin's sidebar
            assert page.locator(".dash-tabs li.current").count() == 1, name
            page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)

        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("svg rect").count() > 0  # the 30-day chart was drawn
        assert page.locator("[data-stat=appointments-total]").inner_text() == "8"

        page.goto(f"{live_server.url}/dashboard/archive/")
        page.click("[data-action=archive-run]")
        page.wait_for_load_state()
        assert page.locator(".messagelist li.success").count() == 1
        page.screenshot(path=str(screenshots / "archive-after-run.png"), full_page=True)

        page.goto(f"{live_server.url}/dashboard/")
        page.select_option("#dash-language", "en")
        page.click(".dash-language button")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        page.screenshot(path=str(screenshots / "overview-en.png"), full_page=True)
        browser.close()
