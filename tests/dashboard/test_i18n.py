"""Vietnamese by default, English on request, switched the Django way (/i18n/setlang/)."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.fixture
def boss(client_for, archive_dir):
    return client_for(superuser=True)


def test_pages_are_vietnamese_by_default(known, boss):
    page = boss.get("/dashboard/").content.decode()
    assert '<html lang="vi"' in page
    assert "Tổng quan" in page and "Chờ xác nhận" in page


def test_staff_can_switch_to_english_and_back(known, boss):
    boss.post("/i18n/setlang/", {"language": "en", "next": "/dashboard/"})
    page = boss.get("/dashboard/").content.decode()
    assert '<html lang="en"' in page
    assert "Overview" in page and "Pending" in page
    boss.post("/i18n/setlang/", {"language": "vi", "next": "/dashboard/"})
    assert "Tổng quan" in boss.get("/dashboard/").content.decode()


def test_json_errors_speak_the_users_language(client_for):
    client = client_for()
    assert client.get("/api/stats/overview").json()["error"].startswith("Tài khoản")
    client.post("/i18n/setlang/", {"language": "en"})
    assert client.get("/api/stats/overview").json()["error"].startswith("Your account")


def _entries(po: str) -> list[dict[str, object]]:
    """Every live entry of a .po file: context, msgid, plural, msgstrs and flags (lines joined)."""

    def field(block: str, name: str) -> str | None:
        match = re.search(rf"^{re.escape(name)} ((?:\".*\"\n?)+)", block, flags=re.M)
        if match is None:
            return None
        return "".join(json.loads(part) for part in re.findall(r'".*"', match.group(1)))

    entries = []
    for block in po.split("\n\n")[1:]:
        msgid = field(block, "msgid")
        if msgid is None:
            continue
        flags = re.findall(r"^#, (.*)$", block, flags=re.M)
        strs = [field(block, "msgstr")] + [field(block, f"msgstr[{n}]") for n in range(6)]
        entries.append(
            {
                "context": field(block, "msgctxt"),
                "msgid": msgid,
                "plural": field(block, "msgid_plural"),
                "msgstrs": [text for text in strs if text is not None],
                "fuzzy": any("fuzzy" in line.split(", ") for line in flags),
            }
        )
    return entries


def _compiled(catalogue: gettext.GNUTranslations, entry: dict[str, object]) -> str:
    """What the compiled catalogue answers for an entry (singular form)."""
    msgid, plural, context = entry["msgid"], entry["plural"], entry["context"]
    if plural is not None:
        if context is not None:
            return catalogue.npgettext(context, msgid, plural, 1)
        return catalogue.ngettext(msgid, plural, 1)
    if context is not None:
        return catalogue.pgettext(context, msgid)
    return catalogue.gettext(msgid)


def test_every_string_is_translated_to_vietnamese_in_the_compiled_catalogue():
    po = (LOCALE / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    with (LOCALE / "vi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    entries = _entries(po)
    assert len(entries) > 400
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []
    assert [e["msgid"] for e in entries if not e["msgstrs"] or "" in e["msgstrs"]] == []
    assert [e["msgid"] for e in entries if _compiled(catalogue, e) == e["msgid"]] == []
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").exists()


def test_translations_keep_every_placeholder():
    po = (LOCALE / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    placeholder = re.compile(r"%\([a-z_]+\)[-+ #0]*[0-9]*(?:\.[0-9]+)?[sdfr]|%[sd]|\{[a-z_]*\}")
    broken = [
        e["msgid"]
        for e in _entries(po)
        for text in e["msgstrs"]
        if sorted(placeholder.findall(text))
        != sorted(placeholder.findall(e["plural"] or e["msgid"]))
    ]
    assert broken == []
