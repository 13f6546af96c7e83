"""Settings from the environment: with DEBUG off, missing secrets stop start-up by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "meetassist.example.vn"}


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
