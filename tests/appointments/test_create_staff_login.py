"""``create_staff_login`` only creates the local demo login (issue 13, item 8)."""

from __future__ import annotations

import io
import json
import stat

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]

User = get_user_model()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("create_staff_login", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def debug(settings, tmp_path):
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"  # where the generated login is kept


def test_it_creates_a_superuser_and_prints_a_working_password(debug):
    printed = run()

    password = printed.split("password: ")[1].strip()
    user = User.objects.get(username="admin")
    assert user.is_staff and user.is_superuser
    assert authenticate(HttpRequest(), username="admin", password=password) == user


def test_an_existing_user_is_refused_and_left_unchanged(debug):
    someone = User.objects.create_user("lan", password="her-own-password-2024")

    with pytest.raises(CommandError, match="The user lan exists already and is left unchanged"):
        run("--username", "lan")

    someone.refresh_from_db()
    assert not someone.is_superuser and not someone.is_staff
    assert someone.check_password("her-own-password-2024")


def test_skip_existing_prints_the_same_login_again_and_changes_nothing(debug):
    first = run()
    before = User.objects.get(username="admin").password

    again = run("--skip-existing")

    assert again == first  # make run prints the same login at every start
    assert User.objects.get(username="admin").password == before


def test_the_generated_login_is_kept_under_var_for_its_owner_only(debug, settings):
    password = run().split("password: ")[1].strip()

    kept = settings.VAR_DIR / "staff-login.json"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert json.loads(kept.read_text()) == {"username": "admin", "password": password}


def test_skip_existing_says_so_when_the_kept_password_no_longer_opens_the_account(debug):
    run()
    user = User.objects.get(username="admin")
    user.set_password("changed-by-hand-since-2024")
    user.save()

    printed = run("--skip-existing")

    assert "exists already and is left unchanged" in printed
    assert "password:" not in printed
    assert User.objects.get(username="admin").check_password("changed-by-hand-since-2024")


def test_skip_existing_says_so_for_a_user_made_by_hand(debug):
    User.objects.create_user("admin", password="her-own-password-2024")

    printed = run("--skip-existing")

    assert "exists already and is left unchanged" in printed and "password:" not in printed


def test_a_given_password_is_not_kept(debug, settings):
    run("--password", "a-long-local-passphrase-7")

    assert not (settings.VAR_DIR / "staff-login.json").exists()


def test_the_link_shows_the_address_served(debug):
    assert "http://0.0.0.0:8080/admin/" in run("--address", "0.0.0.0:8080")
    assert "http://127.0.0.1:9000/admin/" in run("--username", "lan", "--address", "9000")


@pytest.mark.parametrize(
    ("password", "reason"),
    [("admin", "too short"), ("12345678901", "entirely numeric"), ("password123", "too common")],
)
def test_a_given_password_must_pass_the_validators(debug, password, reason):
    with pytest.raises(CommandError, match=reason):
        run("--password", password)

    assert not User.objects.exists()


def test_a_good_given_password_is_used(debug):
    run("--password", "a-long-local-passphrase-7")

    assert (
        authenticate(HttpRequest(), username="admin", password="a-long-local-passphrase-7")
        is not None
    )


def test_it_is_refused_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="with DEBUG off use createsuperuser"):
        run()
    assert not User.objects.exists()
