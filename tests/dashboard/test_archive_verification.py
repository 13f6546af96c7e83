"""The archive page and /api/archive/status show the last verify_archive run (staff only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from archive.models import ArchiveVerification
from tests.language import english

pytestmark = pytest.mark.django_db

VIEWER = ["dashboard.view_archive_status"]
WHEN = timezone.make_aware(dt.datetime(2025, 3, 12, 2, 0, 41), dt.UTC)


@pytest.fixture
def verified():
    """An older clean run, then the latest with two problems."""
    ArchiveVerification.objects.create(
        started_at=WHEN - dt.timedelta(days=1),
        finished_at=WHEN - dt.timedelta(days=1),
        result="ok",
        objects_read=9,
    )
    return ArchiveVerification.objects.create(
        started_at=WHEN - dt.timedelta(seconds=40),
        finished_at=WHEN,
        result="problems",
        objects_read=9,
        missing=1,
        changed=1,
        problem_count=2,
        problems=[
            "missing: data/appointment/2025-01.csv: listed in the manifest, not stored",
            "changed: data/customer.csv: the manifest says MD5 aa, 3 rows, 10 bytes; …",
        ],
    )


def test_the_page_shows_when_and_what_the_last_verification_found(
    client_for, archive_dir, verified
):
    page = english(client_for(perms=VIEWER)).get("/dashboard/archive/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-stat="verification-result">2 problems</span>' in html
    assert "12 Mar 2025 09:00" in html  # finished_at (02:00 UTC), local, in English's style
    assert "missing: data/appointment/2025-01.csv: listed in the manifest" in html
    assert "verify_archive --rebuild-manifest" in html


def test_the_page_says_when_it_never_ran_and_when_all_matched(client_for, archive_dir):
    client = english(client_for(perms=VIEWER))
    html = client.get("/dashboard/archive/").content.decode()
    assert 'data-stat="verification-result">never run</span>' in html
    ArchiveVerification.objects.create(started_at=WHEN, finished_at=WHEN, result="ok")
    html = client.get("/dashboard/archive/").content.decode()
    assert 'data-stat="verification-result">all match</span>' in html
    assert 'data-list="verification-problems"' not in html


def test_the_json_has_the_last_verification(client_for, archive_dir, verified):
    data = client_for(perms=VIEWER).get("/api/archive/status").json()
    last = data["archive"]["verification"]
    assert last["result"] == "problems" and last["problem_count"] == 2
    assert last["missing"] == 1 and last["changed"] == 1 and last["objects_read"] == 9
    assert dt.datetime.fromisoformat(last["finished_at"]) == WHEN
    assert last["problems"][0].startswith("missing: data/appointment/2025-01.csv")


def test_only_staff_with_the_permission_see_it(client_for, archive_dir, verified):
    for client in (client_for(perms=[]), client_for(staff=False, perms=VIEWER)):
        assert client.get("/api/archive/status").status_code == 403
        page = client.get("/dashboard/archive/")
        assert page.status_code == 403 and b"listed in the manifest" not in page.content
