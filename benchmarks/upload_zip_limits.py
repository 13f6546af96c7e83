"""What refusing an adversary's upload ZIP costs: time and peak memory (run by hand).

    python benchmarks/upload_zip_limits.py

Each case runs in a fresh process and goes through ``upload_receive``, the first thing
the upload page's POST does (the files are refused before anything is kept or read):
a 1.15 MB ZIP of 25 members of 45 MB each, and a ZIP of 10,000 small members. Peak memory
is what Python allocated while refusing (tracemalloc; slower timing), and the process's
maximum resident size against the same process before the upload.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "bomb": ("25 members x 45 MB", (25, 45 << 20, "customer/2{:03d}-01.csv")),
    "many": ("10,000 members", (10_000, 100, "x{:05d}/customer.csv")),
}


def _case(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")
    os.environ.setdefault("ARCHIVE_DIR", tempfile.mkdtemp())
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from archive.seed.upload import upload_receive
    from meetassist.exceptions import DomainError
    from tests.archive.zips import bomb

    content = bomb(*CASES[name][1])
    upload = SimpleUploadedFile(f"{name}.zip", content)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    try:
        upload_receive(files=[upload])
        said = "accepted"
    except DomainError as err:
        said = str(err)
    elapsed = time.perf_counter() - started
    allocated = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{CASES[name][0]} ({len(content) / (1 << 20):.2f} MB): {elapsed * 1000:.1f} ms, "
        f"peak Python allocations {allocated / (1 << 20):.2f} MB, resident size "
        f"+{(peak - before) / 1024:.1f} MB (process {peak / 1024:.0f} MB)\n  {said}"
    )


def main() -> None:
    if len(sys.argv) > 1:
        _case(sys.argv[1])
        return
    for name in CASES:
        subprocess.run([sys.executable, __file__, name], check=True)


if __name__ == "__main__":
    main()
