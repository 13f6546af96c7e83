"""Vietnamese by default, English on request, switched the Django way (/i18n/setlang/)."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation

from appointments.models import Customer
from tests import factories
from tests.catalogues import po_entries

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


CATALOGUES = [LOCALE / "vi", LOCALE / "libraries" / "vi"]


def test_our_catalogues_are_searched_first():
    assert [Path(path) for path in settings.LOCALE_PATHS] == [LOCALE, LOCALE / "libraries"]


@pytest.mark.parametrize("folder", CATALOGUES, ids=["ours", "libraries"])
def test_every_string_is_translated_to_vietnamese_in_the_compiled_catalogue(folder):
    with (folder / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    entries = po_entries(folder / "LC_MESSAGES" / "django.po")
    assert len(entries) > 200
    assert [e["msgid"] for e in entries if e["fuzzy"]] == []
    assert [e["msgid"] for e in entries if not e["msgstrs"] or "" in e["msgstrs"]] == []
    assert [e["msgid"] for e in entries if _compiled(catalogue, e) == e["msgid"]] == []


def test_msgfmt_counts_no_untranslated_or_fuzzy_entry_in_any_of_our_catalogues():
    """What ``compilemessages`` reports, from gettext's own tool (``msgfmt --statistics``).

    English is the source language: its strings are the msgids, so it has no catalogue (an
    empty one would count every entry untranslated).
    """
    catalogues = sorted(LOCALE.rglob("LC_MESSAGES/*.po"))
    assert catalogues == [folder / "LC_MESSAGES" / "django.po" for folder in sorted(CATALOGUES)]
    for path in catalogues:
        run = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(path)],
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C"},
            check=True,
        )
        report = run.stderr.strip()
        assert re.fullmatch(r"\d+ translated messages\.", report), f"{path}: {report}"
        assert int(report.split()[0]) == len(po_entries(path))


@pytest.mark.parametrize("folder", CATALOGUES, ids=["ours", "libraries"])
def test_translations_keep_every_placeholder(folder):
    placeholder = re.compile(r"%\([a-z_]+\)[-+ #0]*[0-9]*(?:\.[0-9]+)?[sdfr]|%[sd]|\{[a-z_]*\}")
    broken = [
        e["msgid"]
        for e in po_entries(folder / "LC_MESSAGES" / "django.po")
        for text in e["msgstrs"]
        if sorted(placeholder.findall(text))
        != sorted(placeholder.findall(e["plural"] or e["msgid"]))
    ]
    assert broken == []


# English words of the archive's own vocabulary that once stayed in Vietnamese sentences
# ("Lần chạy cuối trong manifest"): the office reads "tệp kê khai" and "vùng chứa S3".
STRAY_ENGLISH = re.compile(r"\b(?:manifest|bucket|upload|checksum)\b", flags=re.I)
# What stays as typed: placeholders, command options, setting names and file paths.
AS_TYPED = re.compile(r"%\([a-z_]+\)|--[a-z][\w-]*|\b[A-Z_]+\b|[\w./*-]+\.(?:json|csv|zip)\b")


@pytest.mark.parametrize("folder", CATALOGUES, ids=["ours", "libraries"])
def test_vietnamese_translations_use_one_vietnamese_term_not_the_english_word(folder):
    stray = [
        text
        for e in po_entries(folder / "LC_MESSAGES" / "django.po")
        for text in e["msgstrs"]
        if STRAY_ENGLISH.search(AS_TYPED.sub(" ", text))
    ]
    assert stray == []


def test_the_manifest_has_one_vietnamese_name():
    """ "tệp kê khai" everywhere: a second name ("bản kê khai") reads as a second thing."""
    entries = po_entries(LOCALE / "vi" / "LC_MESSAGES" / "django.po")
    texts = [" ".join(text.split()) for e in entries for text in e["msgstrs"]]
    assert [text for text in texts if "bản kê khai" in text.lower()] == []
    assert sum("tệp kê khai" in text.lower() for text in texts) > 30


@pytest.fixture
def thousands(db):
    """1,002 customers (a number with a thousands separator), one of them with appointment
    14040 today."""
    Customer.objects.bulk_create(factories.CustomerFactory.build_batch(1001))
    return factories.AppointmentFactory(appointment_id=14040, date=timezone.localdate())


@pytest.mark.parametrize(("language", "total"), [("vi", "1.002"), ("en", "1,002")])
def test_numbers_have_thousands_separators_and_keys_do_not(boss, thousands, language, total):
    boss.post("/i18n/setlang/", {"language": language})

    customers = boss.get("/dashboard/customers/").content.decode()
    assert f'data-stat="customers-total">{total}</span>' in customers

    day = boss.get("/dashboard/appointments/").content.decode()
    assert 'data-appointment="14040"' in day and "#14040<" in day
    assert "14.040" not in day and "14,040" not in day

    changelist = boss.get("/admin/appointments/appointment/").content.decode()
    cell = re.search(r'<th class="field-appointment_id">(.*?)</th>', changelist).group(1)
    assert re.fullmatch(
        r'<a href="/admin/appointments/appointment/14040/change/[^"]*">14040</a>', cell
    )
    assert "14.040" not in changelist and "14,040" not in changelist
    header = re.search(r'<th scope="col" class="sortable column-appointment_id[^"]*">', changelist)
    assert header is not None  # still sortable, same column class


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_exported_csv_keeps_keys_as_digits(boss, thousands, language):
    from appointments.resources import AppointmentResource
    from tests.appointments.test_admin_export import csv_rows, export

    rows = csv_rows(export(boss, {}, "csv", language))
    with translation.override(language):
        key = AppointmentResource().get_export_headers()[0]  # the key column's label
    assert key in rows[0], rows[0]
    assert [row[key] for row in rows] == ["14040"]


def _translated_in_vietnamese() -> set[tuple[str | None, str]]:
    """(context, msgid) of every entry translated in our catalogues and Django's Vietnamese."""
    django_root = Path(django.__file__).parent
    paths = [folder / "LC_MESSAGES" / "django.po" for folder in CATALOGUES]
    paths += django_root.glob("**/locale/vi/LC_MESSAGES/django.po")
    return {
        (e["context"], e["msgid"])
        for path in paths
        for e in po_entries(path)
        if e["msgstrs"] and "" not in e["msgstrs"]
    }


SOURCES = ("appointments", "archive", "dashboard", "meetassist", "templates")


def test_every_source_string_has_an_entry_in_our_catalogue(tmp_path, settings):
    """Django's own extraction (``makemessages``, run on a copy of our sources, tests left
    out, into a scratch catalogue) finds no msgid without a Vietnamese entry: a string added
    without one would show in English to the office. Our admin templates repeat Django's
    own strings; those count when Django's Vietnamese or our libraries' catalogue has them."""
    sources = tmp_path / "src"
    for name in SOURCES:
        shutil.copytree(
            Path(settings.BASE_DIR) / name,
            sources / name,
            ignore=shutil.ignore_patterns("migrations", "__pycache__", "static", "*.pyc"),
        )
    scratch = tmp_path / "locale"
    scratch.mkdir()
    settings.LOCALE_PATHS = [str(scratch)]
    here = Path.cwd()
    os.chdir(sources)
    try:
        call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(here)
    extracted = {
        (e["context"], e["msgid"]) for e in po_entries(scratch / "vi" / "LC_MESSAGES" / "django.po")
    }
    assert len(extracted) > 500
    missing = sorted(extracted - _translated_in_vietnamese(), key=str)
    assert missing == [], "\n".join(f"{context or ''} {msgid!r}" for context, msgid in missing)
