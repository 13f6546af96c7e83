"""The archive-promise state machine's long profile: more examples, longer sequences, random.

Run by hand or by CI on purpose (never collected by pytest), from the project root:

    python benchmarks/archive_promise.py [--examples 100] [--steps 50] [--sqlite] [--tolerate K,…]

Runs tests/archive/test_archive_promise.py with ``ARCHIVE_PROMISE_EXAMPLES`` /
``ARCHIVE_PROMISE_STEPS`` set and ``ARCHIVE_PROMISE_RANDOM=1`` (new sequences every run), on
PostgreSQL (``DATABASE_URL``, default the throw-away ``ma_archive_promise`` at 127.0.0.1) and
moto's S3 server, or with ``--sqlite`` on the embedded SQLite and a local folder. Prints the
examples, steps, wall time and what the machine did (runs, deaths, seeds, collisions), then
the failing sequence Hypothesis shrank, if any. ``--tolerate`` lets it go on past failures of
the named kinds (keys, collision, refuse, …) to look for others. Exit status is pytest's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/archive/test_archive_promise.py::test_the_archive_keeps_its_promise_on_"
DATABASE = "postgres://postgres@127.0.0.1:5432/ma_archive_promise"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--sqlite", action="store_true", help="SQLite and a folder, not PG+S3")
    parser.add_argument("--tolerate", default="", help="violation kinds to go on past")
    parser.add_argument("--no-shrink", action="store_true", help="report the first failure as is")
    args = parser.parse_args()

    env = {
        **os.environ,
        "ARCHIVE_PROMISE_EXAMPLES": str(args.examples),
        "ARCHIVE_PROMISE_STEPS": str(args.steps),
        "ARCHIVE_PROMISE_RANDOM": "1",
        "ARCHIVE_PROMISE_TOLERATE": args.tolerate,
        "ARCHIVE_PROMISE_SHRINK": "0" if args.no_shrink else "1",
    }
    if args.sqlite:
        env.pop("DATABASE_URL", None)
    else:
        env.setdefault("DATABASE_URL", DATABASE)
    which = "sqlite_and_a_folder" if args.sqlite else "postgresql_and_s3"
    command = [sys.executable, "-m", "pytest", TEST + which, "-q", "-s"]
    command += ["-p", "no:logging"]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started

    output = done.stdout + done.stderr
    stats = re.search(r"archive promise: (\{.*\})", output)
    print(f"profile: {args.examples} examples × up to {args.steps} steps, random")
    print(f"database: {'SQLite + folder' if args.sqlite else 'PostgreSQL + S3 (moto server)'}")
    print(f"time: {seconds:.0f} s")
    print(f"what it did: {stats.group(1) if stats else '(no statistics)'}")
    failure = [line[2:] for line in output.splitlines() if line.startswith("E ")]
    print("result:", "failed" if done.returncode else "passed")
    if failure:
        print("\n".join(failure))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
