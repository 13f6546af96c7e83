"""The Lambda package ``zappa package dev`` builds (``make lambda-package``, run by CI).

It must hold the project, its migrations and its collected static files, and nothing a
function must not carry (tests, .git, virtualenvs, secrets); fit Lambda's 250 MB with
room to spare; carry only wheels Lambda's python3.11 (Amazon Linux 2, x86_64) can load;
and serve the app on its own, with nothing but the package on the Python path.
"""

from __future__ import annotations

import json
import os
import re
import zipfile

import pytest

from tests.deploy.apigateway import body_text, request
from tests.deploy.conftest import PROJECT_DIR, function_environment
from tests.deploy.lambda_container import LambdaContainer

pytestmark = pytest.mark.django_db

PACKAGE = PROJECT_DIR / "dist" / "meetassist-dev.zip"
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
PROJECT_PACKAGES = ("meetassist", "appointments", "archive", "dashboard")
AMAZON_LINUX_2_GLIBC = (2, 26)


@pytest.fixture(scope="module")
def package() -> zipfile.ZipFile:
    if not PACKAGE.exists():
        message = f"no {PACKAGE.relative_to(PROJECT_DIR)}: build it with `make lambda-package`"
        if os.environ.get("MEETASSIST_REQUIRE_SERVICES") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return zipfile.ZipFile(PACKAGE)


def _names(package: zipfile.ZipFile) -> set[str]:
    return set(package.namelist())


def test_package_holds_the_project_its_migrations_and_collected_static_files(package):
    names = _names(package)

    for module in ("meetassist/settings.py", "meetassist/wsgi.py", "meetassist/urls.py"):
        assert module in names
    for app_label in ("appointments", "archive"):
        migrations = {p.name for p in (PROJECT_DIR / app_label / "migrations").glob("0*.py")}
        packaged = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"{app_label}/migrations/")}
        assert migrations and migrations <= packaged
    assert {"handler.py", "zappa_settings.py"} <= names  # Zappa's entry point and its stage
    manifest = json.loads(package.read("staticfiles/staticfiles.json"))
    assert "admin/css/base.css" in manifest["paths"]
    assert f"staticfiles/{manifest['paths']['admin/css/base.css']}" in names


def test_package_leaves_out_tests_git_virtualenvs_and_local_state(package):
    tops = {n.split("/", 1)[0] for n in _names(package)}

    forbidden = {"tests", ".git", ".venv", ".venv-lambda", "var", "dist", ".ci", "benchmarks"}
    assert not tops & forbidden
    assert "zappa_settings.json" not in tops
    project_caches = [n for n in _names(package) if n.startswith(PROJECT_PACKAGES) and ".pyc" in n]
    assert not project_caches  # stale local byte code must not shadow the sources


def test_package_carries_no_secrets(package):
    secret_files = re.compile(r"(^|/)(\.env(\..*)?|.*\.pem|.*\.key|.*\.sqlite3)$")
    assert not [n for n in _names(package) if secret_files.search(n)]
    generated = package.read("zappa_settings.py").decode()
    assert not re.search(r"SECRET_KEY|PASSWORD", generated)
    aws_key = re.compile(rb"AKIA[0-9A-Z]{16}")
    project_files = [n for n in _names(package) if n.startswith(PROJECT_PACKAGES)]
    assert not [n for n in project_files if aws_key.search(package.read(n))]


def test_package_fits_lambda_with_room_to_spare(package):
    unzipped = sum(info.file_size for info in package.infolist())

    assert unzipped < 0.6 * LAMBDA_UNZIPPED_LIMIT, f"{unzipped / 2**20:.0f} MiB unzipped"


def _glibc_versions(tags: list[str]) -> list[tuple[int, int]]:
    versions = []
    for tag in tags:
        if tag.endswith("manylinux2014_x86_64"):
            versions.append((2, 17))
        elif match := re.search(r"manylinux_(\d+)_(\d+)_x86_64$", tag):
            versions.append((int(match[1]), int(match[2])))
    return versions


def test_compiled_wheels_load_on_lambda_python311_x86_64(package):
    wheels = [n for n in _names(package) if re.fullmatch(r"[^/]+\.dist-info/WHEEL", n)]
    assert wheels
    for name in wheels:
        text = package.read(name).decode()
        if "Root-Is-Purelib: true" in text:
            continue
        tags = re.findall(r"^Tag: (\S+)$", text, flags=re.MULTILINE)
        assert any(t.startswith(("cp311-cp311-", "cp310-abi3-", "cp39-abi3-")) for t in tags), tags
        glibc = _glibc_versions(tags)
        assert glibc and min(glibc) <= AMAZON_LINUX_2_GLIBC, f"{name}: {tags}"


def test_package_alone_serves_the_app_and_writes_nothing_into_its_folder(
    package, s3_endpoint, remote_env, tmp_path
):
    task_root = tmp_path / "var-task"
    package.extractall(task_root)
    before = sorted(str(p.relative_to(task_root)) for p in task_root.rglob("*"))
    remote_env("dev")
    environment = function_environment(
        s3_endpoint=s3_endpoint,
        static_root=task_root / "staticfiles",
        home=tmp_path,
        stage="dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        LAMBDA_TASK_ROOT=str(task_root),
    )
    del environment["STATIC_ROOT"]  # the package's own staticfiles/ must be found

    with LambdaContainer(
        code_dir=task_root,
        handler="handler.lambda_handler",
        env=environment,
        log_path=tmp_path / "container.log",
        only_the_package=True,
    ) as container:
        container.invoke({"manage": "migrate --noinput"})
        health = container.invoke(request("v1", "GET", "/healthz", stage="dev"))
        login = container.invoke(request("v1", "GET", "/admin/login/", stage="dev"))
        stylesheet = re.findall(r'href="/dev(/static/[^"]+\.css)"', body_text(login))[0]
        asset = container.invoke(request("v1", "GET", stylesheet, stage="dev"))

    assert json.loads(body_text(health)) == {"status": "ok", "database": True}
    assert login["statusCode"] == 200
    assert asset["statusCode"] == 200
    assert sorted(str(p.relative_to(task_root)) for p in task_root.rglob("*")) == before
