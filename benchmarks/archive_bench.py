"""Archive benchmark: 1,000,000 appointments against the physical limit measured in this run.

Run by hand (never by pytest), from the project root, with PostgreSQL on 127.0.0.1:

    python benchmarks/archive_bench.py [--appointments 1000000] [--keep]

It creates the database ``ma_archive_bench`` (dropped afterwards unless --keep), fills it
with INSERT … SELECT generate_series, starts moto's S3 server in its own process, and
prints: the physical limit (streamed COPY TO of every archived table with MD5, plus one
upload of those bytes), the full archive run against it, the unchanged re-run and the
re-run after one changed appointment against the full run (time, object writes, bytes),
the peak RSS of this process, and the original system's algorithm on the same data.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "ma_archive_bench"
BUCKET = "archive-bench"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _recreate_database(drop_only: bool = False) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        if not drop_only:
            admin.execute(f"CREATE DATABASE {DATABASE}")


def _start_moto() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, endpoint
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start")


def _configure(endpoint: str) -> None:
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        ARCHIVE_BUCKET=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        DJANGO_SETTINGS_MODULE="meetassist.settings",
        LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


FILL = """
INSERT INTO appointments_customer
SELECT 'cust-' || lpad(i::text, 6, '0'), 'Nguyễn Văn ' || i, 'khach' || i || '@example.vn',
       '09' || lpad(i::text, 8, '0'), NULL, now(), false, ''
FROM generate_series(1, 10000) i;
INSERT INTO appointments_consultant (full_name, email, phone_number, specialties,
       qualifications, join_date, created_at, is_disabled)
SELECT 'Trần Thị ' || i, 'tuvan' || i || '@example.vn', '', 'Hướng nghiệp, CV', '', '2023-01-01',
       now(), false
FROM generate_series(1, 200) i;
INSERT INTO appointments_appointment (consultant_id, customer_id, date, time, duration,
       meeting_url, status, description, created_at, updated_at)
SELECT i % 1370 % 200 + 1,
       'cust-' || lpad((i % 10000 + 1)::text, 6, '0'),
       date '2024-01-01' + (i / 1370),
       time '08:00' + (i % 1370 / 200) * interval '1 hour',
       60,
       'https://meet.example.vn/r/' || md5(i::text),
       (ARRAY['pending','confirmed','completed','cancelled'])[i % 4 + 1],
       'Tư vấn hướng nghiệp lần ' || i || ', "định hướng" ngành, học bổng & CV; ghi chú dài',
       timestamptz '2023-12-01 08:00+07' + i * interval '37 seconds',
       timestamptz '2023-12-01 08:00+07' + i * interval '41 seconds'
FROM generate_series(0, %(n)s - 1) i;
INSERT INTO appointments_appointmentfeedback
SELECT appointment_id, (appointment_id % 11) / 2.0, 'Rất hữu ích, cảm ơn!', updated_at
FROM appointments_appointment WHERE appointment_id % 20 = 0;
ANALYZE;
"""


def _fill(appointments: int) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(FILL.replace("%(n)s", str(int(appointments))))
    return time.perf_counter() - started


def _limit(tmp: Path) -> tuple[float, float, int]:
    """Streamed COPY TO of every archived table with MD5 into one file, then one upload.

    Run in a child process (``--limit-only``): its single 270 MB multipart upload on ten
    threads would otherwise set this process's RSS high-water mark.
    """
    from django.db import connection

    from archive.core.sql import quote
    from archive.core.tables import tables
    from archive.storage.backends import archive_storage
    from archive.storage.objects import objects

    path = tmp / "limit.csv"
    digest = hashlib.md5(usedforsecurity=False)
    started = time.perf_counter()
    with open(path, "wb", buffering=1 << 20) as out, connection.cursor() as cursor:
        for spec in tables():
            statement = f"COPY {quote(spec.model._meta.db_table)} TO STDOUT WITH (FORMAT csv)"
            with cursor.cursor.copy(statement) as copy:
                for block in copy:
                    out.write(block)
                    digest.update(block)
    copied = time.perf_counter() - started
    size = path.stat().st_size
    started = time.perf_counter()
    store = objects(archive_storage())
    store.put("limit/limit.csv", path, digest.hexdigest())
    uploaded = time.perf_counter() - started
    store.delete("limit/limit.csv")
    path.unlink()
    return copied, uploaded, size


def _limit_in_child(endpoint: str) -> tuple[float, float, int]:
    """The limit, measured in a child process."""
    output = subprocess.run(
        [sys.executable, __file__, "--limit-only", endpoint],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    copied, uploaded, size = output[-3:]
    return float(copied), float(uploaded), int(size)


class Requests:
    """S3 operations sent by the archive storage's client."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.clients: set[int] = set()

    def watch(self) -> None:
        from archive.storage.backends import archive_storage

        client = archive_storage().connection.meta.client
        if id(client) not in self.clients:
            self.clients.add(id(client))
            client.meta.events.register("before-call.s3", self._record)

    def _record(self, model, params, **kwargs) -> None:
        self.calls.append(model.name)

    def take(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name in self.calls:
            counts[name] = counts.get(name, 0) + 1
        self.calls.clear()
        return counts


def _run(label: str, requests: Requests, force: bool = False) -> tuple[float, dict, object]:
    from archive.services import archive_run

    requests.watch()
    started = time.perf_counter()
    result = archive_run(force=force)
    seconds = time.perf_counter() - started
    counts = requests.take()
    files = sum(t.uploaded for t in result.tables)
    sent = sum(t.bytes_uploaded for t in result.tables)
    print(
        f"{label:<28} {seconds:7.2f} s  status={result.status}  files uploaded={files}  "
        f"bytes uploaded={sent / 1e6:.1f} MB  requests={counts}"
    )
    return seconds, counts, result


def _original_algorithm() -> tuple[float, float]:
    """The original: fetch all rows, build the CSV string in memory, MD5, one PUT each."""
    import csv
    import io

    from archive.core.tables import tables
    from archive.storage.backends import archive_storage

    client = archive_storage().connection.meta.client
    before = _rss_mb()
    started = time.perf_counter()
    for spec in tables():
        rows = list(spec.model._default_manager.values_list(*spec.columns))
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(spec.columns)
        writer.writerows(rows)
        body = text.getvalue().encode()
        hashlib.md5(body, usedforsecurity=False).hexdigest()
        client.put_object(Bucket=BUCKET, Key=f"original/{spec.name}.csv", Body=body)
        del rows, text, body
    return time.perf_counter() - started, _rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--repeat", type=int, default=3, help="limit and full-run pairs")
    parser.add_argument("--limit-only", metavar="ENDPOINT", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.limit_only:
        _configure(options.limit_only)
        with tempfile.TemporaryDirectory() as tmp:
            print(*_limit(Path(tmp)))
        return

    _recreate_database()
    server, endpoint = _start_moto()
    try:
        _configure(endpoint)
        _bench(options.appointments, options.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        server.terminate()
        server.wait()
        if not options.keep:
            _recreate_database(drop_only=True)


def _bench(appointments: int, repeat: int) -> None:
    import boto3
    from django.db import connection

    # In a child process, so the migration modules do not count in this process's RSS.
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    boto3.client("s3", endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"]).create_bucket(Bucket=BUCKET)
    print(f"filled {appointments:,} appointments in {_fill(appointments):.1f} s")
    print(
        "load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f} on {} cores".format(
            *os.getloadavg(), os.cpu_count()
        )
    )
    endpoint = os.environ["AWS_S3_ENDPOINT_URL"]
    _limit_in_child(endpoint)  # warms moto and the caches for what follows
    requests = Requests()
    requests.watch()
    baseline = _rss_mb()
    ratios, fulls = [], []
    # Limit and full run alternate, so both see the same load on a shared machine; the
    # first full run archives into the empty bucket, the next ones are --force runs, which
    # export and upload every file again.
    for n in range(repeat):
        copied, uploaded, size = _limit_in_child(endpoint)
        limit = copied + uploaded
        print(
            f"physical limit #{n + 1}            {limit:7.2f} s  (COPY TO + MD5 {copied:.2f} s, "
            f"one upload {uploaded:.2f} s, {size / 1e6:.1f} MB)"
        )
        full, _counts, result = _run(f"full archive #{n + 1}", requests, force=n > 0)
        ratios.append(full / limit)
        fulls.append(full)
    full = statistics.median(fulls)
    archived = sum(t.bytes for t in result.tables)
    unchanged, counts, _r = _run("unchanged re-run", requests)
    writes = counts.get("PutObject", 0) + counts.get("CreateMultipartUpload", 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appointments_appointment SET description = 'đổi lịch' "
            "WHERE appointment_id = (SELECT max(appointment_id) / 2 FROM appointments_appointment)"
        )
    changed, _counts, result = _run("one appointment changed", requests)
    changed_files = sum(t.uploaded for t in result.tables)
    peak = _rss_mb()
    print(
        f"  full / limit = {statistics.median(ratios):.2f} median of "
        f"{', '.join(f'{r:.2f}' for r in ratios)}  (target ≤ 1.3; archive {archived / 1e6:.1f} MB)"
    )
    print(
        f"  unchanged / full (median) = {unchanged / full:.3f}  (target ≤ 0.1; "
        f"object writes {writes}: the manifest only)"
    )
    print(
        f"  one change / full (median) = {changed / full:.3f}  (target ≤ 0.1; data files uploaded "
        f"{changed_files})"
    )
    print(
        f"peak RSS of the archive runs  {peak:.0f} MB  (target ≤ 150; {baseline:.0f} MB before "
        "them: Django, boto3, psycopg loaded)"
    )
    original, grown = _original_algorithm()
    print(
        f"original algorithm           {original:7.2f} s  ({original / full:.2f} × full archive; "
        f"RSS grew {grown:.0f} MB, peak {_rss_mb():.0f} MB)"
    )


if __name__ == "__main__":
    main()
