"""Test fixtures: the real services this machine runs, and an S3 API from moto's server.

PostgreSQL is used when DATABASE_URL points at it, Redis when TEST_REDIS_URL is set,
LibreOffice when ``soffice`` is installed; tests that need one are marked ``postgres`` /
``redis`` / ``spreadsheet`` and skip with a reason otherwise. CI sets
MEETASSIST_REQUIRE_SERVICES=1, which turns those skips into failures.

Every test starts in the site's default language (Vietnamese) and leaves no language active
behind it; a test asserting wording in another names it with ``@pytest.mark.language("en")``.
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from meetassist.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("MEETASSIST_REQUIRE_SERVICES") == "1"


def _missing_service(item: pytest.Item) -> str | None:
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if item.get_closest_marker("redis") and not os.environ.get("TEST_REDIS_URL"):
        return "needs Redis: set TEST_REDIS_URL=redis://…"
    if item.get_closest_marker("spreadsheet") and shutil.which("soffice") is None:
        return "needs LibreOffice: apt-get install --no-install-recommends libreoffice-calc"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "language(code): the language the test's own code runs in (default: vi)"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"service required by CI is missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _language(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test thread's language: the site's default, or the one the ``language`` marker
    names (``@pytest.mark.language("en")`` on a test or in a module's ``pytestmark``).

    Django's active language is per thread and stays after whatever set it: a test client's
    request (LocaleMiddleware) leaves its client's language behind, so without this a test
    reads the language the previous test's last request used. A request inside the test
    still switches this thread to its client's language; other threads (a worker, a live
    server) start in the default.
    """
    marker = request.node.get_closest_marker("language")
    code = marker.args[0] if marker else django_settings.LANGUAGE_CODE
    with translation.override(code, deactivate=True):
        yield code


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def redis_url(worker_id: str) -> str:
    """TEST_REDIS_URL, with its database number moved along per xdist worker.

    Parallel test processes must not share a broker queue: a worker thread in one would
    run tasks sent by the other, against the wrong test database.
    """
    base = os.environ["TEST_REDIS_URL"]
    index = int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0
    prefix, _slash, number = base.rpartition("/")
    database = (int(number or 0) + index) % 16
    return f"{prefix}/{database}"


@pytest.fixture
def celery_on_redis(redis_url):
    """The Celery app on this machine's Redis (broker and results), restored afterwards."""

    def configure(broker, backend, eager):
        celery_app.conf.update(broker_url=broker, result_backend=backend, task_always_eager=eager)
        # Celery caches the backend and producer pool from the configuration it first saw.
        celery_app._local.__dict__.pop("backend", None)
        celery_app._pool = celery_app.amqp._producer_pool = None

    conf = celery_app.conf
    previous = (conf.broker_url, conf.result_backend, conf.task_always_eager)
    configure(redis_url, redis_url, False)
    celery_app.control.purge()
    yield celery_app
    configure(*previous)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3 server over HTTP on a free port, for the whole session."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-1")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings) -> str:
    """A fresh bucket, made the archive storage for this test."""
    return use_bucket(settings, s3_endpoint)


def use_bucket(settings, s3_endpoint: str) -> str:
    """Create a fresh bucket on ``s3_endpoint`` and make it the archive storage."""
    import boto3

    name = f"archive-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="ap-southeast-1")
    client.create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"}
    )
    settings.ARCHIVE_BUCKET = name
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "archive.storage.backends.ArchiveS3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "ap-southeast-1",
                "file_overwrite": True,
                "default_acl": None,
                "querystring_auth": False,
            },
        },
    }
    return name


@pytest.fixture
def archive_dir(tmp_path, settings):
    """A fresh local archive folder (the embedded default's storage) for this test."""
    folder = tmp_path / "archive"
    folder.mkdir()
    return use_folder(settings, folder)


def use_folder(settings, folder):
    """Make the existing folder ``folder`` the archive storage."""
    settings.ARCHIVE_BUCKET = ""
    settings.ARCHIVE_DIR = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder
