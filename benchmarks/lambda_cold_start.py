"""Lambda package size and the WSGI app's cold-start import time, against their limits.

Run after ``make lambda-package``:  python benchmarks/lambda_cold_start.py [dist/….zip]

Unpacks the package as Lambda does (/var/task), then times, in fresh ``python -I -S -B``
processes that see nothing but the package, importing ``meetassist.wsgi`` (Django set up,
URLconf and admin loaded) with the package's byte code and with it removed (what Lambda
would compile at every cold start). The floor is the bare interpreter's start-up, measured
in the same run; size is set against Lambda's 250 MB unzipped limit.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROUNDS = 7
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
IMPORT_APP = (
    "import os, sys, time; sys.path.insert(0, os.environ['TASK_ROOT']); t = time.perf_counter(); "
    "import meetassist.wsgi; print(time.perf_counter() - t)"
)


def _environment(task_root: Path, scratch: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TASK_ROOT": str(task_root),
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
        "URL_PREFIX": "/dev",
        "LOG_FORMAT": "json",
    }


def _median_seconds(code: str, env: dict[str, str], *, inner: bool) -> float:
    """Median wall time of a fresh process (or of the timed part it prints, when ``inner``)."""
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-B", "-c", code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
        samples.append(float(done.stdout.strip().splitlines()[-1]) if inner else elapsed)
    return statistics.median(samples)


def main() -> None:
    package = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/meetassist-dev.zip")
    archive = zipfile.ZipFile(package)
    unzipped = sum(info.file_size for info in archive.infolist())
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        task_root = scratch / "task"
        archive.extractall(task_root)
        env = _environment(task_root, scratch)
        floor = _median_seconds("print(0)", env, inner=False)
        process = _median_seconds(IMPORT_APP, env, inner=False)
        with_bytecode = _median_seconds(IMPORT_APP, env, inner=True)
        for cache in list(task_root.rglob("__pycache__")):
            shutil.rmtree(cache)
        without_bytecode = _median_seconds(IMPORT_APP, env, inner=True)

    print(f"package                      {package} ({len(archive.infolist())} files)")
    print(f"zipped                       {package.stat().st_size / 2**20:7.1f} MiB")
    print(
        f"unzipped                     {unzipped / 2**20:7.1f} MiB = "
        f"{unzipped / LAMBDA_UNZIPPED_LIMIT:.2f} x Lambda's 250 MiB limit"
    )
    print(f"interpreter start (floor)    {floor * 1000:7.0f} ms")
    print(
        f"import meetassist.wsgi       {with_bytecode * 1000:7.0f} ms with the package's byte code"
    )
    print(
        f"                             {without_bytecode * 1000:7.0f} ms compiling the sources"
        f" ({without_bytecode / with_bytecode:.1f}x slower)"
    )
    print(
        f"whole cold process           {process * 1000:7.0f} ms = "
        f"{process / floor:.1f} x the bare interpreter's start"
    )


if __name__ == "__main__":
    main()
