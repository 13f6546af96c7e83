"""Every admin and dashboard page shows its dates and times in one style, the staff's
language's, and in local time (TIME_ZONE), in Vietnamese and in English.

The rule, on a page's visible text (text nodes and the attributes a user sees, as
test_untranslated reads them) and on the value of every input staff type in (a date field
shows ``02/12/2026`` in Vietnamese like the page around it; only a hidden input and the
browser's own ``type="date"`` carry ISO), but not on ``<code>``, where a file is shown as
the identifier it is:

- no ISO date or timestamp (``2025-03-05``, ``2025-03-05T20:30``, ``2025-03-05 20:30``);
- no UTC: no time followed by ``UTC`` or ``+00:00``, no compact ``…T000000Z`` stamp (a
  time zone's name alone, as the crontab's zone picker lists them, is no time);
- every date written in a style some language uses (dd-mm-yyyy, mm/dd/yyyy, dd/mm/yyyy,
  "Ngày 5 tháng 3 năm 2025", "March 5, 2025", "Mar. 5, 2025", "5 Mar 2025") is the
  language's own: ``05/03/2025`` in Vietnamese, ``5 Mar 2025`` in English
  (meetassist/formats);
- a seed load recorded at 20:30 UTC shows as 03:30 the next day, local time, on its admin
  page, in the seed loads' list and on the dashboard's archive page.

The test's rows hold no date-shaped text (names, phone numbers and codes), and numbers
with thousands separators (``14.040.123``) are groups of three digits, which no date style
has, so whatever matches is a date the page formatted.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archive.models import SeedLoad
from tests.meetassist.test_untranslated import rendered_pages, visible_texts
from tests.meetassist.test_url_access import objects as objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
ISO = re.compile(r"(?<![\d])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?(?!\d)")
# A time said to be UTC; a time zone's name alone (the crontab's zone picker) is no time.
UTC = re.compile(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:UTC|GMT|\+00:?00)|\d{6}(?:\.\d+)?Z\b")
# Every date style a language might give, left to right: numeric, Vietnamese words, English.
ANY_DATE = re.compile(
    r"(?<![\d.,/-])\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?![\d])"
    r"|[Nn]gày \d{1,2} tháng \d{1,2} năm \d{4}"
    rf"|\b(?:{MONTHS})[a-z]*\.? \d{{1,2}}, \d{{4}}"
    rf"|\b\d{{1,2}} (?:{MONTHS})[a-z]* \d{{4}}"
)
STYLE = {
    "vi": re.compile(r"\d{2}/\d{2}/\d{4}"),
    "en": re.compile(rf"\d{{1,2}} (?:{MONTHS}) \d{{4}}"),
}
# 2025-03-05 20:30 UTC is 03:30 on the 6th in Asia/Ho_Chi_Minh.
LOADED_AT = dt.datetime(2025, 3, 5, 20, 30, tzinfo=dt.UTC)
LOCAL = {"vi": "06/03/2025 03:30", "en": "6 Mar 2025 03:30"}


class _TypedValues(HTMLParser):
    """The values of the inputs staff read and type in (text fields, the admin's dates)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type", "text") == "text" and values.get("value"):
            self.values.append(values["value"])


def typed_values(html: str) -> list[str]:
    parser = _TypedValues()
    parser.feed(html)
    return parser.values


def date_problems(html: str, language: str) -> list[str]:
    """What breaks the rule on one page: ISO, UTC, or a date in another style."""
    problems = []
    for text in visible_texts(html) + typed_values(html):
        problems += [f"ISO {m!r} in {text!r}" for m in ISO.findall(text)]
        problems += [f"UTC {m!r} in {text!r}" for m in UTC.findall(text)]
        problems += [
            f"style {m.group(0)!r} in {text!r}"
            for m in ANY_DATE.finditer(text)
            if not STYLE[language].fullmatch(m.group(0))
        ]
    return problems


def test_the_rule_finds_iso_utc_and_a_second_style_and_leaves_numbers_alone():
    page = (
        "<p>05/03/2025 14:30</p><p>2025-03-05T20:30:00+00:00</p><p>20:30 UTC</p><p>UTC</p>"
        "<p>Ngày 05 tháng 3 năm 2025</p><p>05-03-2025</p><p>14.040.123</p>"
        '<input type="date" value="2025-03-05"><code>data/appointment/2025-03.csv</code>'
        '<input type="hidden" value="2025-03-05"><input type="text" value="2025-03-06">'
    )
    found = date_problems(page, "vi")
    assert len([p for p in found if p.startswith("ISO")]) == 2  # the text input's too
    assert len([p for p in found if p.startswith("UTC")]) == 2
    assert [p.split(" in ")[0] for p in found if p.startswith("style")] == [
        "style 'Ngày 05 tháng 3 năm 2025'",
        "style '05-03-2025'",
    ]
    assert date_problems("<p>March 5, 2025</p><p>5 Mar 2025</p>", "en") == [
        "style 'March 5, 2025' in 'March 5, 2025'"
    ]
    assert date_problems("<p>5 Mar 2025 03:30</p>", "en") == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_shows_one_date_style_in_local_time(objects, archive_dir, language):  # noqa: F811
    load = SeedLoad.objects.create(table="appointment", full=True, loaded_at=LOADED_AT)
    client = Client()
    client.force_login(User.objects.create_superuser("boss"))
    client.post("/i18n/setlang/", {"language": language})

    rendered, problems = 0, {}
    for url, html in rendered_pages(client, objects):
        rendered += 1
        assert f'<html lang="{language}"' in html, url
        for problem in date_problems(html, language):
            problems.setdefault(problem, url)
    assert rendered > 60
    report = "\n".join(f"{problem} on {url}" for problem, url in sorted(problems.items()))
    assert not problems, f"dates out of style or time zone ({len(problems)}):\n{report}"

    for url in (
        f"/admin/archive/seedload/{load.pk}/change/",
        "/admin/archive/seedload/",
        "/dashboard/archive/",
    ):
        text = " ".join(visible_texts(client.get(url).content.decode()))
        assert LOCAL[language] in text, url
        assert "20:30" not in text, url
