"""Settings from the environment: with DEBUG off, missing or weak secrets stop start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Jq9-vTzR" * 5,  # 50 characters, 10 distinct: what check --deploy accepts
    "ALLOWED_HOSTS": "meetassist.example.vn",
}


def start_django(**overrides: str | None) -> subprocess.CompletedProcess:
    """``django.setup()`` in a fresh interpreter with the production variables, adjusted."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    env |= {"DJANGO_SETTINGS_MODULE": "meetassist.settings", **PRODUCTION}
    for name, value in overrides.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


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
