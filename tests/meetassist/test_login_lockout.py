"""Logins cannot be guessed: django-axes locks a username at an address after a few wrong
passwords (issue 13, item 6), the address as the deployment in front of the app tells it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory

from meetassist.client_ip import client_ip
from tests.language import english

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct-horse-battery-staple"
GATEWAY = "HTTP_X_APIGATEWAY_SOURCE_IP"


@pytest.fixture
def staff(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("lan", password=PASSWORD, is_staff=True)


def attempt(password: str, address: str = "198.51.100.7", username: str = "lan"):
    """One login through the admin's form, from ``address`` as API Gateway reports it."""
    client = english(Client())
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        **{GATEWAY: address},
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_the_right_password_after_five_wrong_ones_is_refused_with_a_lockout_page(staff):
    for _n in range(4):
        assert attempt("wrong").status_code == 200  # the form again, with its error
    assert attempt("wrong").status_code == 429  # the fifth locks

    locked = attempt(PASSWORD)

    assert locked.status_code == 429
    text = locked.content.decode()
    assert "5 failed logins for this user from this address: this login is locked." in text
    assert "Try again later, or ask an administrator to unlock it." in text
    assert AccessAttempt.objects.get(username="lan").ip_address == "198.51.100.7"


def test_four_wrong_passwords_still_let_the_right_one_in_and_start_the_count_again(staff):
    for _n in range(4):
        attempt("wrong")

    assert logged_in(attempt(PASSWORD))
    for _n in range(4):
        attempt("wrong")
    assert logged_in(attempt(PASSWORD))


def test_the_lockout_is_for_that_user_at_that_address_only(staff):
    User.objects.create_user("minh", password=PASSWORD, is_staff=True)
    for _n in range(5):
        attempt("wrong")

    assert logged_in(attempt(PASSWORD, address="203.0.113.50"))
    assert logged_in(attempt(PASSWORD, username="minh"))
    assert attempt(PASSWORD).status_code == 429


def test_the_limit_is_a_setting(staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attempt("wrong")
    attempt("wrong")

    assert attempt(PASSWORD).status_code == 429


def test_the_lockout_ends_after_the_cool_off(staff, settings):
    for _n in range(5):
        attempt("wrong")
    assert attempt(PASSWORD).status_code == 429

    past = dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=past)

    assert logged_in(attempt(PASSWORD))


def test_axes_reset_username_unlocks(staff):
    for _n in range(5):
        attempt("wrong")

    call_command("axes_reset_username", "lan", stdout=io.StringIO())

    assert logged_in(attempt(PASSWORD))


def test_superusers_see_lockouts_in_the_admin_and_other_staff_do_not(staff):
    for _n in range(5):
        attempt("wrong", address="192.0.2.99")
    boss = User.objects.create_superuser("boss", password=PASSWORD)
    admin = Client()
    admin.force_login(boss)
    clerk = Client()
    clerk.force_login(staff)

    page = admin.get("/admin/axes/accessattempt/").content.decode()

    assert "lan" in page and "192.0.2.99" in page
    assert clerk.get("/admin/axes/accessattempt/").status_code == 403


@pytest.mark.parametrize(
    ("trusted", "meta", "expected"),
    [
        # API Gateway: the event's source address (Zappa's header), else Zappa's REMOTE_ADDR.
        (
            "apigateway",
            {GATEWAY: "203.0.113.9", "REMOTE_ADDR": "6.6.6.6", "HTTP_X_FORWARDED_FOR": "6.6.6.6"},
            "203.0.113.9",
        ),
        (
            "apigateway",
            {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "6.6.6.6"},
            "203.0.113.9",
        ),
        # Another proxy: the address it appended, not what the client claimed before it.
        (
            "proxy",
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"},
            "203.0.113.9",
        ),
        ("proxy", {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        # Direct: no header is believed.
        (
            "none",
            {GATEWAY: "6.6.6.6", "HTTP_X_FORWARDED_FOR": "6.6.6.6", "REMOTE_ADDR": "203.0.113.9"},
            "203.0.113.9",
        ),
    ],
)
def test_the_client_address_follows_the_trusted_proxy_setting(settings, trusted, meta, expected):
    settings.TRUSTED_PROXY = trusted
    request = RequestFactory().get("/admin/login/", **meta)

    assert client_ip(request) == expected


def test_a_direct_deployment_locks_by_the_connection_not_by_a_claimed_header(staff, settings):
    settings.TRUSTED_PROXY = "none"
    for n in range(5):
        attempt("wrong", address=f"192.0.2.{n}")  # a new claimed address each time

    assert attempt(PASSWORD, address="192.0.2.200").status_code == 429


def test_the_lockout_page_speaks_vietnamese_by_default(staff):
    for _n in range(5):
        attempt("wrong")

    page = Client().post(
        LOGIN, {"username": "lan", "password": PASSWORD}, **{GATEWAY: "198.51.100.7"}
    )

    assert page.status_code == 429
    assert "5 lần đăng nhập sai cho người dùng này từ địa chỉ này" in page.content.decode()
