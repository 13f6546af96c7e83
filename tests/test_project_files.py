"""The repository's own set-up files as a new user meets them: `make run` and `pip install -e`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("meetassist", "appointments", "archive", "dashboard")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")
def test_make_run_serves_and_prints_the_host_it_is_given():
    """`make -n` prints the commands without running them: the login link and the server
    must both use HOST, or the printed address is not the one served."""
    run = subprocess.run(
        ["make", "-n", "run", "HOST=0.0.0.0:9000", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = run.stdout.splitlines()
    login = [line for line in lines if "manage.py create_staff_login" in line]
    server = [line for line in lines if "manage.py runserver" in line]
    assert len(login) == 1 and login[0].endswith("--skip-existing --address 0.0.0.0:9000")
    assert len(server) == 1 and server[0].endswith("manage.py runserver 0.0.0.0:9000")
    assert lines.index(login[0]) < lines.index(server[0])


def test_an_editable_install_gives_no_setuptools_warning(tmp_path):
    """The build backend's own editable hook (what `pip install -e .` calls), on a copy of
    pyproject.toml and the packages' __init__ files, with the installed setuptools: offline,
    no build isolation. Without ``package-dir`` setuptools uses a meta path finder and warns
    about "folders in your working directory" at every install."""
    pytest.importorskip("setuptools")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copy(ROOT / "README.md", tmp_path)
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        shutil.copy(ROOT / package / "__init__.py", tmp_path / package)
    build = subprocess.run(
        [
            sys.executable,
            "-c",
            "from setuptools import build_meta; build_meta.build_editable('dist')",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "using .pth file" in build.stderr
    assert "meta path finder" not in build.stderr
    assert "folders in your working directory" not in build.stderr
