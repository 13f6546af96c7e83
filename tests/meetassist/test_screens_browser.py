"""Every admin and dashboard screen as the office sees it: a 1366×768 laptop, in Vietnamese
and in English (issue 14, "Screens").

One browser and one live server walk every changelist, an add and a change form, the custom
admin pages (assign to slot, generate slots, upload, export) and the dashboard pages. A page
fails when it scrolls sideways (``scrollWidth > clientWidth``, the window or a box
inside it such as the changelist's table) or when a date field shows no
calendar icon (the admin's shortcut with a non-zero size). Every page is saved under
``test-output/screenshots/screens-<language>-<page>.png`` for a person to review.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests import factories, known_data
from tests.dashboard.test_browser import CHROMIUM, CHROMIUM_ARGS, PAGES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

VIEWPORT = {"width": 1366, "height": 768}
PASSWORD = "a-long-browser-pw-7"

# What a page measures in the browser: sideways overflow, and each visible admin date field
# with the size of its calendar icon (zero when widgets.css or DateTimeShortcuts.js is missing).
MEASURE = """
() => {
  const root = document.documentElement;
  const dates = [...document.querySelectorAll("input.vDateField")]
    .filter((input) => input.offsetParent !== null)
    .map((input) => {
      const icon = input.parentElement.querySelector(
        `#${CSS.escape(input.id)} ~ .datetimeshortcuts .date-icon`
      );
      const box = icon ? icon.getBoundingClientRect() : { width: 0, height: 0 };
      return { name: input.name, width: box.width, height: box.height };
    });
  // The admin puts a changelist's table in a box that scrolls on its own (.results): a
  // column past its edge is as unreachable as one past the window's.
  const boxes = [...document.querySelectorAll("body *")]
    .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => ({
      box: el.id || el.className,
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      // Which columns take the room: "header: width" of each.
      columns: [...el.querySelectorAll("thead th")]
        .map((th) => `${th.innerText.trim() || th.className}: ${Math.round(th.offsetWidth)}`)
        .join(", "),
    }));
  // A changelist's link cut at its cell's edge, or one whose words end in "…" (it reads as
  // cut off even when it is not: the appointments' "Xếp lịch…").
  const cut = [...document.querySelectorAll("#result_list td a")]
    .filter((a) => {
      const cell = a.closest("td").getBoundingClientRect();
      return a.getBoundingClientRect().right > cell.right + 0.5 || a.innerText.trim().endsWith("…");
    })
    .map((a) => a.innerText.trim());
  return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, dates, boxes, cut };
}
"""


@dataclass
class Screen:
    name: str
    path: str


def realistic_rows(known: known_data.Known) -> None:
    """Rows as long as the office's real ones: full Vietnamese names, long e-mail addresses
    and meeting links, a long program name; the widths a changelist must hold."""
    customer = factories.CustomerFactory(
        customer_id="KH-2025-000123",
        full_name="Nguyễn Thị Phương Thảo Hoàng Trần",
        email="nguyen.thi.phuong.thao.hoang@congty-tu-van-huong-nghiep.com.vn",
        phone_number="0912345678",
    )
    consultant = factories.ConsultantFactory(
        full_name="Trương Công Quang Minh Khoa",
        email="truong.cong.quang.minh.khoa@tu-van-huong-nghiep.edu.vn",
        phone_number="0987654321",
    )
    slot_day = known.today + dt.timedelta(days=1)
    factories.ScheduleFactory(
        consultant=consultant,
        date=slot_day,
        start_time=dt.time(13, 30),
        end_time=dt.time(14, 30),
        is_available=False,
    )
    appointment = factories.AppointmentFactory(
        customer=customer,
        consultant=consultant,
        date=slot_day,
        time=dt.time(13, 30),
        status="confirmed",
        meeting_url="https://meet.google.com/abc-defg-hij?authuser=nguyen.thi.phuong.thao",
        description="Tư vấn chọn ngành đại học và định hướng nghề nghiệp lâu dài",
    )
    factories.FeedbackFactory(
        appointment=appointment,
        rating=4.5,
        customer_feedback="Buổi tư vấn rất hữu ích, chuyên viên giải thích rõ ràng và tận tình.",
    )
    program = factories.ProgramFactory(
        program_name="Hội thảo định hướng nghề nghiệp cho học sinh lớp 12 khu vực phía Nam",
        organizer="Trung tâm Tư vấn Hướng nghiệp và Phát triển Kỹ năng Thành phố",
        status="upcoming",
        date=known.today + dt.timedelta(days=20),
    )
    factories.ParticipantFactory(program=program, customer=customer, status="registered")


def admin_screens(known: known_data.Known) -> list[Screen]:
    """Every changelist the admin registers, then forms and the custom pages."""
    screens = [Screen("admin-index", reverse("admin:index"))]
    for model in admin.site._registry:
        opts = model._meta
        screens.append(
            Screen(
                f"list-{opts.app_label}-{opts.model_name}",
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            )
        )
    a1 = known.appointments["a1"]
    screens += [
        Screen("appointment-add", reverse("admin:appointments_appointment_add")),
        Screen(
            "appointment-change", reverse("admin:appointments_appointment_change", args=[a1.pk])
        ),
        Screen(
            "customer-change", reverse("admin:appointments_customer_change", args=[known.k1.pk])
        ),
        Screen("schedule-add", reverse("admin:appointments_consultantschedule_add")),
        Screen("program-add", reverse("admin:appointments_communityprogram_add")),
        Screen("assign-slot", reverse("admin:appointments_appointment_assign_slot", args=[a1.pk])),
        Screen("export", "/admin/appointments/appointment/export/"),
        Screen("upload", "/admin/archive/seedload/upload/"),
    ]
    return screens


def log_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def choose_language(page, base: str, language: str) -> None:
    """Through the language switch a person uses (the dashboard's)."""
    page.goto(f"{base}/dashboard/")
    page.select_option("#dash-language", language)
    page.click(".dash-language button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def problems_of(page, name: str) -> list[str]:
    """What an office worker would trip on, as sentences naming the page."""
    measured = page.evaluate(MEASURE)
    found = []
    if measured["scrollWidth"] > measured["clientWidth"]:
        found.append(
            f"{name}: scrolls sideways ({measured['scrollWidth']} px wide in a "
            f"{measured['clientWidth']} px window)"
        )
    for box in measured["boxes"]:
        found.append(
            f"{name}: {box['box']!r} scrolls sideways ({box['scrollWidth']} px wide in "
            f"{box['clientWidth']} px; columns {box['columns']})"
        )
    found += [f"{name}: the link {text!r} looks cut off" for text in measured["cut"]]
    for date in measured["dates"]:
        if date["width"] == 0 or date["height"] == 0:
            found.append(f"{name}: the date field {date['name']!r} has no visible calendar icon")
    return found


def open_generate_slots(page, base: str, consultant_pk: int) -> None:
    """The consultants list's action, as staff reach it: tick a row, pick it, Go."""
    page.goto(f"{base}{reverse('admin:appointments_consultant_changelist')}")
    page.check(f"input[name=_selected_action][value='{consultant_pk}']")
    page.select_option("select[name=action]", "generate_slots")
    with page.expect_navigation():
        page.click("button[name=index]")


# How the admin's calendar writes a date in each language: the page's own style.
PICKED = {"vi": re.compile(r"\d{2}/\d{2}/\d{4}"), "en": re.compile(r"\d{2} [A-Z][a-z]{2} \d{4}")}


def pick_dates_and_generate(page, language: str) -> None:
    """With the calendar open on "from": the 10th of next month, the same day as "to",
    then Generate; the form reads back what the calendar wrote."""
    page.click("#calendarbox0 .calendarnav-next")
    page.locator("#calendarin0 td a").get_by_text("10", exact=True).click()
    picked = page.input_value("#id_start_date")
    assert PICKED[language].fullmatch(picked), (language, picked)
    page.fill("#id_end_date", picked)
    with page.expect_navigation():
        page.click("#generate-slots input[type=submit]")
    assert page.locator(".errornote, .errorlist").count() == 0, page.content()
    assert page.locator(".messagelist .success").count() == 1, (language, picked)


def upload_preview_and_history(page, base: str, language: str, shots: Path, folder: Path):
    """An upload's preview, then the history where confirm lands, with a row in it: the
    two upload pages that only exist once a file has been sent."""
    (folder / language).mkdir()
    upload = folder / language / "customer.csv"  # the file's name says its table
    upload.write_text(
        f"CustomerID,FullName,PhoneNumber\r\nKH-{language},Lê Thị Bảo Ngọc,0912345678\r\n",
        encoding="utf-8-sig",
    )
    page.goto(f"{base}/admin/archive/seedload/upload/")
    page.set_input_files("#id_files", str(upload))
    page.click("#content-main input[type=submit]")
    page.wait_for_selector("#upload-preview")
    page.screenshot(path=str(shots / f"screens-{language}-upload-preview.png"), full_page=True)
    found = problems_of(page, f"{language} upload-preview")
    page.click("input[name=confirm]")
    page.wait_for_url(f"{base}/admin/archive/staffupload/")
    assert page.locator("#result_list tbody tr").count() >= 1
    page.screenshot(path=str(shots / f"screens-{language}-upload-history.png"), full_page=True)
    return found + problems_of(page, f"{language} upload-history")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium: apt-get install chromium")
def test_every_screen_fits_a_laptop_in_both_languages(live_server, archive_dir, request, tmp_path):
    from playwright.sync_api import sync_playwright

    known = known_data.build(today=timezone.localdate(), now=timezone.now())
    realistic_rows(known)
    User.objects.create_superuser("boss", "boss@example.vn", PASSWORD)
    screens = [*admin_screens(known), *(Screen(f"dashboard-{n}", p) for n, p in PAGES)]
    shots = Path(request.config.rootpath) / "test-output" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    problems: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for language in ("vi", "en"):
            context = browser.new_context(viewport=VIEWPORT, locale=language)
            page = context.new_page()
            log_in(page, base)
            choose_language(page, base, language)
            for screen in screens:
                response = page.goto(f"{base}{screen.path}")
                assert response.status == 200, (language, screen.name, response.status)
                assert page.locator("html").get_attribute("lang") == language, screen.name
                page.screenshot(
                    path=str(shots / f"screens-{language}-{screen.name}.png"), full_page=True
                )
                problems += problems_of(page, f"{language} {screen.name}")

            open_generate_slots(page, base, known.c1.pk)
            assert page.locator("#generate-slots").count() == 1
            page.screenshot(
                path=str(shots / f"screens-{language}-generate-slots.png"), full_page=True
            )
            problems += problems_of(page, f"{language} generate-slots")

            # The date picker opens from its icon and fills the field.
            page.click("#id_start_date ~ .datetimeshortcuts a:has(.date-icon)")
            assert page.locator("#calendarbox0").is_visible()
            page.screenshot(
                path=str(shots / f"screens-{language}-generate-slots-calendar.png"),
                full_page=True,
            )
            pick_dates_and_generate(page, language)
            problems += upload_preview_and_history(page, base, language, shots, tmp_path)
            context.close()
        browser.close()

    assert problems == [], "\n".join(problems)
