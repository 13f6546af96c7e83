"""A strict Content-Security-Policy on every page, and staff sessions that end when idle or
when the browser closes (issue 13, item 7)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.fixture
def boss(client):
    client.force_login(User.objects.create_superuser("boss"))
    return client


@pytest.mark.parametrize(
    "url", ["/admin/login/", "/admin/", "/admin/appointments/appointment/", "/dashboard/"]
)
def test_pages_allow_only_their_own_origin_and_no_inline_script(boss, url, archive_dir):
    response = boss.get(url) if url != "/admin/login/" else Client().get(url)

    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no nonce asked for: none given
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "<script>" not in response.content.decode()  # nothing inline without a nonce


@pytest.fixture
def results_in_memory():
    """A result backend in this process, so the upload task page renders."""
    from meetassist.celery import app

    previous = app.conf.result_backend
    app.conf.result_backend = "cache+memory://"
    app._local.__dict__.pop("backend", None)
    yield
    app.conf.result_backend = previous
    app._local.__dict__.pop("backend", None)


def test_the_one_inline_script_carries_the_nonce_its_policy_names(boss, results_in_memory):
    response = boss.get(reverse("admin:archive_upload_task", args=["some-task"]))

    assert response.status_code == 200
    [nonce] = re.findall(r'<script nonce="([^"]+)">', response.content.decode())
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


def test_a_session_has_no_expiry_date_in_its_cookie_and_an_idle_limit_of_a_working_day(
    settings,
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_user("lan", password="correct-horse-battery", is_staff=True)
    client = Client()

    response = client.post(
        "/admin/login/",
        {"username": "lan", "password": "correct-horse-battery", "next": "/admin/"},
    )

    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    session = Session.objects.get()
    left = session.expire_date - timezone.now()
    assert dt.timedelta(hours=7, minutes=59) < left <= dt.timedelta(hours=8)


def test_a_request_a_minute_after_the_last_moves_the_idle_limit_on(boss, monkeypatch):
    monkeypatch.setattr("meetassist.sessions.REFRESH_SECONDS", 0)  # as if a minute had passed
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))

    assert boss.get("/admin/").status_code == 200

    left = Session.objects.get().expire_date - timezone.now()
    assert left > dt.timedelta(hours=7, minutes=59)


def test_requests_within_a_minute_write_the_session_once(boss):
    boss.get("/admin/")

    with CaptureQueriesContext(connection) as queries:
        boss.get("/admin/")

    assert not [q["sql"] for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]


def test_an_idle_session_has_ended(boss):
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = boss.get("/admin/")

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
