"""Fixtures for the deployment tests: Lambda containers running the app as Zappa would.

Each container gets the environment a deployed function has: the settings module Zappa
generates for the stage, the stage's ``remote_env`` file (holding SECRET_KEY) served by
moto's S3, ALLOWED_HOSTS as ``aws_environment_variables`` would set it, and a database of
its own (PostgreSQL when the tests run on it, else SQLite) migrated through Zappa's
``manage`` event.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.db import connection

from meetassist.zappa_build import BUILD_ENVIRONMENT
from tests.deploy.apigateway import API_HOST
from tests.deploy.lambda_container import LambdaContainer

PROJECT_DIR = Path(__file__).resolve().parents[2]
STAFF_USERNAME = "staff"
STAFF_PASSWORD = "correct-horse-battery-staple-42"


def zappa_command(*args: str, cwd: Path = PROJECT_DIR, env: dict | None = None) -> str:
    """Run the zappa CLI of this virtualenv; returns its output, fails the test on error."""
    zappa = Path(sys.executable).with_name("zappa")
    done = subprocess.run(
        [str(zappa), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"zappa {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def zappa_settings_dir(tmp_path_factory) -> Callable[[str], Path]:
    """``zappa save-python-settings-file STAGE``: the module Zappa ships, per stage."""
    made: dict[str, Path] = {}

    def make(stage: str) -> Path:
        if stage not in made:
            folder = tmp_path_factory.mktemp(f"zappa-{stage}")
            zappa_command(
                "save-python-settings-file", stage, "-o", str(folder / "zappa_settings.py")
            )
            made[stage] = folder
        return made[stage]

    return make


@pytest.fixture(scope="session")
def remote_env(s3_endpoint: str, zappa_settings_dir) -> Callable[[str], dict[str, str]]:
    """Put each stage's remote_env file (its secrets) where its REMOTE_ENV points, in moto."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-southeast-1")
    written: dict[str, dict[str, str]] = {}

    def make(stage: str) -> dict[str, str]:
        if stage not in written:
            generated = runpy.run_path(str(zappa_settings_dir(stage) / "zappa_settings.py"))
            url = urlparse(generated["REMOTE_ENV"])
            existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
            if url.netloc not in existing:
                client.create_bucket(
                    Bucket=url.netloc,
                    CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"},
                )
            values = {"SECRET_KEY": secrets.token_urlsafe(50)}
            client.put_object(Bucket=url.netloc, Key=url.path.lstrip("/"), Body=json.dumps(values))
            written[stage] = values
        return written[stage]

    return make


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """Static files collected as the package build does (hashed names, manifest)."""
    folder = tmp_path_factory.mktemp("staticfiles")
    environment = {**os.environ, **BUILD_ENVIRONMENT, "STATIC_ROOT": str(folder)}
    environment.pop("DATABASE_SECRET_ARN", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        timeout=120,
    )
    return folder


def _postgres_admin_dsn() -> str:
    db = django_settings.DATABASES["default"]
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} "
        f"password={db['PASSWORD'] or ''} dbname=postgres"
    )


@contextlib.contextmanager
def new_database(folder: Path) -> Iterator[str]:
    """A database of the tests' kind (PostgreSQL or SQLite) for Lambda containers only."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{folder / 'lambda.sqlite3'}"
        return
    import psycopg

    name = f"ma_lambda_{uuid.uuid4().hex[:10]}"
    db = django_settings.DATABASES["default"]
    with psycopg.connect(_postgres_admin_dsn(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name}"
        )
    finally:
        with psycopg.connect(_postgres_admin_dsn(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory) -> Iterator[str]:
    with new_database(tmp_path_factory.mktemp("lambda-db")) as url:
        yield url


def function_environment(
    *, s3_endpoint: str, static_root: Path, home: Path, stage: str, **overrides: str
) -> dict[str, str]:
    """What a deployed function of ``stage`` finds in its environment (no database yet)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "AWS_REGION": "ap-southeast-1",
        "AWS_DEFAULT_REGION": "ap-southeast-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ENDPOINT_URL": s3_endpoint,  # moto answers S3 and Secrets Manager alike
        "AWS_LAMBDA_FUNCTION_NAME": f"meetassist-{stage}",
        "ALLOWED_HOSTS": API_HOST,  # as aws_environment_variables set it
        "STATIC_ROOT": str(static_root),
        "ARCHIVE_DIR": str(home / "archive"),
    }
    environment.update(overrides)
    return environment


@pytest.fixture
def lambda_env(s3_endpoint: str, remote_env, static_root: Path, tmp_path: Path) -> Callable:
    """``lambda_env(stage, **overrides)``: a function's environment; SECRET_KEY comes only
    through the stage's remote_env file."""

    def make(stage: str, **overrides: str) -> dict[str, str]:
        remote_env(stage)
        return function_environment(
            s3_endpoint=s3_endpoint,
            static_root=static_root,
            home=tmp_path,
            stage=stage,
            **overrides,
        )

    return make


@pytest.fixture
def start_container(zappa_settings_dir, lambda_env, tmp_path: Path) -> Iterator[Callable]:
    """Start Lambda containers running the source tree for a stage; all stopped after."""
    started: list[LambdaContainer] = []

    def start(stage: str = "dev", settings_dir: Path | None = None, **env: str) -> LambdaContainer:
        container = LambdaContainer(
            code_dir=PROJECT_DIR,
            settings_dir=settings_dir or zappa_settings_dir(stage),
            env=lambda_env(stage, **env),
            log_path=tmp_path / f"container-{len(started)}.log",
        )
        started.append(container)
        return container

    yield start
    for container in started:
        container.close()


@pytest.fixture(scope="module")
def migrated_database(
    empty_database: str, zappa_settings_dir, remote_env, s3_endpoint, static_root, tmp_path_factory
) -> str:
    """The module's database after ``zappa manage STAGE migrate`` and a staff login."""
    folder = tmp_path_factory.mktemp("migrate")
    environment = function_environment(
        s3_endpoint=s3_endpoint,
        static_root=static_root,
        home=folder,
        stage="dev",
        DATABASE_URL=empty_database,
        DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD,
    )
    remote_env("dev")
    with LambdaContainer(
        code_dir=PROJECT_DIR,
        settings_dir=zappa_settings_dir("dev"),
        env=environment,
        log_path=folder / "container.log",
    ) as container:
        container.invoke({"manage": "migrate --noinput"})
        container.invoke(
            {"manage": f"createsuperuser --noinput --username {STAFF_USERNAME} --email s@x.vn"}
        )
    return empty_database
