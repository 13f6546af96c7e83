"""Settings from the environment: with DEBUG off, missing or weak secrets stop start-up by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Jq9-vTzR" * 5,  # 50 characters, 10 distinct: what check --deploy accepts
    "ALLOWED_HOSTS": "meetassist.example.vn",
}


def start_django(then: str = "", /, **overrides: str | None) -> subprocess.CompletedProcess:
    """``django.setup()`` in a fresh interpreter with the production variables, adjusted
    (``NAME=None`` unsets NAME), then the code ``then``."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env |= {"DJANGO_SETTINGS_MODULE": "meetassist.settings", **PRODUCTION}
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{then}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_setting(name: str, **overrides: str | None) -> Any:
    """A setting's value (as JSON has it: a tuple is a list) in production, adjusted."""
    result = start_django(
        f"import json; from django.conf import settings; print(json.dumps(settings.{name}))",
        **overrides,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
@pytest.mark.parametrize("how", ["unset", "blank"])
def test_production_without_a_required_variable_stops_naming_it(missing, how):
    result = start_django(**{missing: None if how == "unset" else "  "})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_with_both_variables_starts():
    result = start_django()

    assert result.returncode == 0, result.stderr


def test_debug_starts_without_either_variable():
    result = start_django(DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "weak",
    [
        "x",
        "x" * 50,  # long enough, but one character
        "abcd" * 20,  # four distinct characters
        "k3Jq9-vTzR" * 4,  # 40 characters
        "django-insecure-" + "k3Jq9-vTzR" * 5,  # Django's marker of a generated dev key
    ],
)
def test_production_with_a_weak_secret_key_stops_naming_it(weak):
    result = start_django(SECRET_KEY=weak)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "The SECRET_KEY environment variable is too weak" in result.stderr


def test_debug_accepts_a_short_local_key():
    result = start_django(DEBUG="true", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr


def test_an_unknown_trusted_proxy_is_refused_with_the_choices():
    result = start_django(TRUSTED_PROXY="cloudflare")

    assert result.returncode != 0
    assert "TRUSTED_PROXY must be apigateway, proxy or none" in result.stderr


@pytest.mark.parametrize(
    ("trusted", "header"),
    [
        (None, ["HTTP_X_FORWARDED_PROTO", "https"]),  # the default: API Gateway sets it
        ("proxy", ["HTTP_X_FORWARDED_PROTO", "https"]),
        ("none", None),  # a direct deployment: anyone could send it
    ],
)
def test_x_forwarded_proto_is_believed_only_behind_a_trusted_proxy(trusted, header):
    assert production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY=trusted) == header


@pytest.mark.parametrize(("idle", "seconds"), [(None, 8 * 60 * 60), ("30", 30 * 60)])
def test_a_session_lasts_session_idle_minutes_from_its_last_save(idle, seconds):
    # Each save (once a minute of use, meetassist.sessions) sets the expiry this far ahead.
    assert production_setting("SESSION_COOKIE_AGE", SESSION_IDLE_MINUTES=idle) == seconds
