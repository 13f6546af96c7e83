"""Zappa's ``prebuild_script``: collect static files before every package/deploy/update.

Zappa copies the project folder into the Lambda package, so ``staticfiles/`` must be
collected first, with the production storage (hashed names and the manifest WhiteNoise
serves from). Collecting reads no secret and signs nothing, so the settings' production
requirements are met with inert placeholder values, and no database or AWS call is made.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

BUILD_ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "collectstatic-at-build-time-signs-nothing-and-is-never-deployed",
    "ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "sqlite://:memory:",
}


def collect_static() -> None:
    environment = {**os.environ, **BUILD_ENVIRONMENT}
    environment.pop("DATABASE_SECRET_ARN", None)  # never reach AWS while packaging
    environment.pop("STATIC_ROOT", None)  # Zappa packages the project folder's staticfiles/
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0"],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
    )
