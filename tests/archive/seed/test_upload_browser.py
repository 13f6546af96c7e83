"""The staff upload as a person uses it: chromium through upload, preview, confirm, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from appointments import models as m
from tests.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CUSTOMERS = "CustomerID,FullName,PhoneNumber\r\nc1,An (sửa),0912345678\r\nc2,Bình,\r\n"


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium: apt-get install chromium")
def test_upload_preview_confirm_and_history_in_a_browser(live_server, s3_bucket, request, tmp_path):
    from playwright.sync_api import sync_playwright

    m.Customer.objects.create(customer_id="c1", full_name="An")
    User.objects.create_superuser("boss", "boss@example.vn", "a-long-browser-pw-7")
    shots = Path(request.config.rootpath) / "test-output" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "customer.csv"
    upload.write_text(CUSTOMERS, encoding="utf-8-sig")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="vi-VN")
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", "a-long-browser-pw-7")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")

        page.goto(f"{live_server.url}/admin/archive/seedload/upload/")
        # Labels sit left of their fields, in one column, as on the admin's own forms.
        labels = [page.locator(f"label[for=id_{n}]").bounding_box() for n in ("files", "date")]
        fields = [page.locator(f"#id_{n}").bounding_box() for n in ("files", "date")]
        assert labels[0]["x"] == labels[1]["x"] and fields[0]["x"] == fields[1]["x"]
        for label, field in zip(labels, fields, strict=True):
            assert field["x"] >= label["x"] + label["width"]
            assert abs(field["y"] - label["y"]) < field["height"]
        # The admin's date picker opens and fills the date.
        page.click("#id_date + .datetimeshortcuts a:has(.date-icon)")
        assert page.locator("#calendarbox0").is_visible()
        page.screenshot(path=str(shots / "upload-form-vi.png"), full_page=True)
        page.click("#calendarbox0 .calendar-shortcuts a")
        assert page.input_value("#id_date") != ""
        page.fill("#id_date", "")

        page.set_input_files("#id_files", str(upload))
        page.click("input[type=submit]")
        page.wait_for_selector("#upload-preview")
        assert page.locator("#sample-customer td", has_text="An (sửa)").count() == 1
        page.screenshot(path=str(shots / "upload-preview-vi.png"), full_page=True)

        page.click("input[name=confirm]")
        page.wait_for_url(f"{live_server.url}/admin/archive/staffupload/")
        assert page.locator("#result_list tbody tr").count() == 1
        assert "customer.csv" in page.locator("#result_list").inner_text()
        fits = "(e => e.scrollWidth <= e.clientWidth)(document.querySelector('.results'))"
        assert page.evaluate(fits), "the upload history scrolls sideways at 1366 px"
        page.screenshot(path=str(shots / "upload-history-vi.png"), full_page=True)
        browser.close()

    assert m.Customer.objects.get(pk="c1").full_name == "An (sửa)"
