"""Production settings (DEBUG off) in fresh processes: deploy checks, Lambda's read-only
code folder, the log format. (A missing SECRET_KEY or ALLOWED_HOSTS: test_settings.py.)"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _run(
    args: list[str], tmp_path: Path, cwd: Path = PROJECT_DIR, **env: str | None
) -> subprocess.CompletedProcess:
    """Python in a fresh process with production defaults; ``NAME=None`` unsets NAME."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "meetassist.settings",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    environment.update(env)
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_settings(tmp_path):
    done = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="a1b2c3d4e5.execute-api.ap-southeast-1.amazonaws.com",
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_reading_a_database_secret_writes_nothing_into_the_code_folder(
    tmp_path, s3_endpoint
):
    """Lambda's code folder is read-only: only the embedded SQLite default makes var/."""
    code_dir = tmp_path / "task"
    for package in ("meetassist", "appointments", "archive", "dashboard"):
        shutil.copytree(
            PROJECT_DIR / package, code_dir / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    client = boto3.client("secretsmanager", endpoint_url=s3_endpoint, region_name="ap-southeast-1")
    secret = {"host": "db.internal", "username": "u", "password": "p", "dbname": "meetassist"}
    arn = client.create_secret(Name=f"db-{uuid.uuid4().hex}", SecretString=json.dumps(secret))

    done = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['HOST'])",
        ],
        tmp_path,
        cwd=code_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.com",
        DATABASE_SECRET_ARN=arn["ARN"],
        DATABASE_URL=None,
        AWS_ENDPOINT_URL=s3_endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "db.internal"
    assert sorted(p.name for p in code_dir.iterdir()) == [
        "appointments",
        "archive",
        "dashboard",
        "meetassist",
    ]


def test_unknown_log_format_is_refused_with_the_choices(tmp_path):
    done = _run(["-c", "import meetassist.wsgi"], tmp_path, DEBUG="true", LOG_FORMAT="xml")

    assert done.returncode != 0
    assert "LOG_FORMAT must be plain or json" in done.stderr
