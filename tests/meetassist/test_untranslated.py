"""Every admin and dashboard page, rendered in Vietnamese for a superuser, shows no English
string of the catalogues it is built from.

The English strings are the msgids of our catalogue and of the libraries whose pages we serve:
Django (core, admin, auth, content types), django-import-export, django-celery-beat,
django-axes. Where a library ships no Vietnamese, ours provides it (LOCALE_PATHS is searched
first), so a msgid left in English on a page is a string missing from our catalogue.

Matching rule, made to find real omissions and nothing else:
- The page's visible text is its text nodes (not script, style or template, nor code: a
  table or column name shown as the identifier it is, "status", "date") and the text
  attributes a user sees or hears (title, placeholder, aria-label, alt, the value of a
  button), each with runs of white space made one space.
- A msgid counts when its literal words (placeholders such as ``%(name)s`` or ``{}`` taken
  out) hold a word of three letters or more; shorter ones ("ID", "No") and the few words
  written the same in both languages (``SAME_IN_BOTH``, and every msgid a Vietnamese
  catalogue translates to itself) are left out.
- A msgid of one such word must be a whole text node or attribute (so "Customer" in a
  customer's name is not a finding), a placeholder beside it standing for a number ("%(n)s
  files" is "3 files"); a msgid of two words or more is found anywhere in the text, on word
  boundaries, its placeholders matching any text. Data of the test's rows is Vietnamese or
  codes, so it cannot be mistaken for a sentence of English.
- What was found and is not fixed yet is listed in ``KNOWN`` with its cause; the list is
  strict (an entry no longer found fails), so it only shrinks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import axes
import django
import django_celery_beat
import import_export
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import get_resolver

from tests.catalogues import po_entries
from tests.meetassist.test_url_access import concrete, walk
from tests.meetassist.test_url_access import objects as objects  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent
LIBRARIES = {
    "django": [DJANGO / "conf", *(DJANGO / "contrib" / app for app in ("admin", "auth"))]
    + [DJANGO / "contrib" / "contenttypes"],
    "import-export": [Path(import_export.__file__).parent],
    "celery-beat": [Path(django_celery_beat.__file__).parent],
    "axes": [Path(axes.__file__).parent],
}
# Written the same in Vietnamese: names of things, and the language switch's own names.
SAME_IN_BOTH = {"English", "Email", "email", "MeetAssist", "Celery", "Django", "JSON", "CSV"}
PLACEHOLDER = re.compile(r"%\([^)]*\)[-+ #0-9.]*[a-z]|%[-+ #0-9.]*[sdfr]|\{[a-z_0-9]*\}")
WORD = re.compile(r"[A-Za-z]{3,}")
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

# What this test found and is not fixed yet, each with its cause (nothing, now).
KNOWN: dict[str, str] = {}


def _english_catalogue() -> dict[str, str]:
    """msgid → where it comes from, for every msgid of the catalogues named above."""
    found: dict[str, str] = {}
    ours = Path(settings.BASE_DIR) / "locale"
    sources = [("MeetAssist", path) for path in ours.rglob("LC_MESSAGES/django.po")]
    for name, folders in LIBRARIES.items():
        for folder in folders:
            sources += [(name, path) for path in folder.glob("locale/*/LC_MESSAGES/django.po")]
    same: set[str] = set()
    for name, path in sources:
        for entry in po_entries(path):
            for msgid in filter(None, (entry["msgid"], entry["plural"])):
                found.setdefault(msgid, name)
            if path.parts[-3] == "vi" and entry["msgid"] in entry["msgstrs"]:
                same.add(entry["msgid"])
    return {m: name for m, name in found.items() if m not in same | SAME_IN_BOTH}


def _patterns() -> list[tuple[re.Pattern[str], bool, str, str]]:
    """(pattern, whole node only?, msgid, source) for every msgid that counts."""
    patterns = []
    for msgid, source in _english_catalogue().items():
        text = " ".join(msgid.split())
        if "<" in text or "\n" in msgid:
            continue
        literal = PLACEHOLDER.sub(" ", text)
        words = WORD.findall(literal)
        if not words:
            continue
        pieces = [re.escape(piece) for piece in PLACEHOLDER.split(text)]
        body = ".+?".join(pieces)
        whole = len(literal.split()) == 1
        pattern = rf"^\W*{body}\W*$" if whole else rf"(?<![A-Za-z]){body}(?![A-Za-z])"
        patterns.append((re.compile(pattern), whole, msgid, source))
    return patterns


class _VisibleText(HTMLParser):
    """A page's text nodes and seen attributes, white space made single (code left out)."""

    HIDDEN = {"script", "style", "template", "code"}

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        values = dict(attrs)
        shown = [values.get(name) for name in ATTRIBUTES]
        if tag == "input" and values.get("type") in ("submit", "button"):
            shown.append(values.get("value"))
        self.texts += [" ".join(value.split()) for value in shown if value and value.strip()]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.texts


def english_on(html: str, patterns) -> list[str]:
    texts = visible_texts(html)
    joined = "\n".join(texts)
    found = []
    for pattern, whole, msgid, source in patterns:
        if whole:
            hit = next((t for t in texts if pattern.match(t)), None)
        else:
            match = pattern.search(joined)
            hit = match.group(0) if match else None
        if hit is not None:
            found.append(f"{msgid!r} ({source})")
    return found


def test_the_matching_rule_finds_english_and_leaves_data_alone():
    patterns = _patterns()
    html = (
        "<p>Select appointment to change</p><p title='Sidebar'>Nguyễn Customer Văn</p>"
        "<script>var x = 'Log out';</script><p>ID</p>"
    )
    found = english_on(html, patterns)
    assert any("'Select %s to change'" in f for f in found)
    assert any("'Sidebar'" in f for f in found)
    assert not any("'Customer'" in f or "'Log out'" in f or "'ID'" in f for f in found)


def pages(objects: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (name, concrete(route, name, objects))
        for route, name in walk(get_resolver().url_patterns)
        if not name.startswith("api:")
    ]


def rendered_pages(client: Client, objects: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(url, html) of every page that renders as HTML for ``client``."""
    for _name, url in pages(objects):
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            yield url, response.content.decode()


def test_no_page_shows_an_english_string_of_the_catalogues(objects, archive_dir):  # noqa: F811
    client = Client()
    client.force_login(User.objects.create_superuser("boss"))
    patterns = _patterns()
    assert len(patterns) > 1000  # the libraries' catalogues were read, not only ours

    rendered, english = 0, {}
    for url, html in rendered_pages(client, objects):
        rendered += 1
        assert '<html lang="vi"' in html, url
        for found in english_on(html, patterns):
            english.setdefault(found, url)
    assert rendered > 60  # every changelist, add and change form, history, dashboard page
    new = {found: url for found, url in english.items() if found not in KNOWN}
    report = "\n".join(f"{found} on {url}" for found, url in sorted(new.items()))
    assert not new, f"English in the Vietnamese pages ({len(new)}):\n{report}"
    fixed = sorted(set(KNOWN) - set(english))
    assert not fixed, f"no longer found, remove from KNOWN: {fixed}"
