"""The strict Content-Security-Policy breaks nothing a person uses: a real browser (Debian's
chromium) through the admin's list, a change form with its date picker, the export and
upload pages and every dashboard page reports no violation (issue 13, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests import known_data
from tests.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, PAGES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

ADMIN_PAGES = [
    ("admin-index", "/admin/"),
    ("admin-appointments", "/admin/appointments/appointment/?status__exact=pending"),
    ("admin-customers", "/admin/appointments/customer/"),
    ("admin-export", "/admin/appointments/appointment/export/"),
    ("admin-upload", "/admin/archive/seedload/upload/"),
    ("admin-lockouts", "/admin/axes/accessattempt/"),
]
# Each page records the violations it meets (added before any of its own scripts run).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium: apt-get install chromium")
def test_no_page_meets_a_content_security_policy_violation(live_server, archive_dir, request):
    from playwright.sync_api import sync_playwright

    known_data.build(today=timezone.localdate(), now=timezone.now())
    User.objects.create_superuser("boss", "boss@example.vn", "a-long-browser-pw-7")
    shots = Path(request.config.rootpath) / "test-output" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    console: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.add_init_script(RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", "a-long-browser-pw-7")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

        seen: dict[str, list[str]] = {}
        for name, path in [*ADMIN_PAGES, *PAGES]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, name
            assert "default-src 'self'" in response.headers["content-security-policy"]
            seen[name] = page.evaluate("window.__violations")

        # The change form's date picker: its calendar opens and fills the field.
        page.goto(f"{live_server.url}/admin/appointments/appointment/add/")
        page.click("#id_date + .datetimeshortcuts a:has(.date-icon)")
        assert page.locator("#calendarbox0").is_visible()
        page.screenshot(path=str(shots / "csp-change-form-calendar.png"), full_page=True)
        page.click("#calendarbox0 .calendar-shortcuts a")  # "Today"
        assert page.input_value("#id_date") != ""
        seen["change-form"] = page.evaluate("window.__violations")

        # The changelist's actions bar (admin's actions.js) still counts a selection.
        page.goto(f"{live_server.url}/admin/appointments/appointment/")
        page.click("#action-toggle")
        # Vietnamese whatever the browser asks for: "8 of 8 selected".
        assert re.fullmatch(r"(\d+) của \1 được chọn", page.locator(".action-counter").inner_text())
        page.screenshot(path=str(shots / "csp-changelist.png"), full_page=True)
        seen["changelist-actions"] = page.evaluate("window.__violations")
        browser.close()

    assert {name: found for name, found in seen.items() if found} == {}
    assert console == []
