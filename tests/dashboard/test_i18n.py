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


def _msgids(po: str) -> list[str]:
    """The singular msgids of a .po file (multi-line ones joined)."""
    ids = []
    for block in po.split("\n\n")[1:]:
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, flags=re.M)
        if match:
            ids.append("".join(json.loads(part) for part in re.findall(r'".*"', match.group(1))))
    return ids


def test_every_string_is_translated_to_vietnamese_in_the_compiled_catalogue():
    po = (LOCALE / "vi" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    with (LOCALE / "vi" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    ids = _msgids(po)
    assert len(ids) > 250
    untranslated = [
        msgid
        for msgid in ids
        if catalogue.gettext(msgid) == msgid and catalogue.ngettext(msgid, "", 1) == msgid
    ]
    assert untranslated == []
    assert (LOCALE / "en" / "LC_MESSAGES" / "django.mo").exists()
