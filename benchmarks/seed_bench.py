"""Seeding speed and memory against the physical limit measured in the same run.

    python benchmarks/seed_bench.py [--rows 1000000] [--keep-db] [--only full,overwrite,…]

Generates a 1,000,000-row appointment CSV in the original system's shape (PascalCase
headers, BOM, CRLF, local timestamps), puts it into S3 (moto's server, in its own process)
and measures, in a throw-away database ``ma_seed_bench`` on PostgreSQL at 127.0.0.1:

- the limit: the object's bytes streamed from S3 straight into PostgreSQL's own
  ``COPY FROM STDIN`` of an equivalent table with its primary key (what a DBA would do
  with a GET piped into psql), the median of three; also (LIMIT′) into a twin with all
  of the table's indexes, and (LIMIT″) into the bare table followed by building its
  primary key, indexes and foreign keys once: the floor for the finished table;
- ``seed --full`` into an empty table; again into a table holding every row (rows kept);
  ``--overwrite`` with every row changed; a ±1-day window from the monthly files the
  archive writes and from the one original file; each in a fresh process, with peak RSS;
- the original system's loader (row-by-row INSERT, a commit per row) on 100,000 rows.

``--only`` runs just the named seeds (the limits are always measured; ``kept`` and
``overwrite`` load ``full`` first; ``original`` is the old loader). Not collected by
pytest; prints ratios to the limit against the issue's targets. The database is
``ma_seed_bench`` unless SEED_BENCH_DATABASE names another (parallel runs on one server);
SEED_BENCH_PROFILE names a folder for a cProfile file of each seed.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("SEED_BENCH_DATABASE", "ma_seed_bench")
SERVER = "postgres://postgres@127.0.0.1:5432"
FIRST_DAY = dt.date(2020, 1, 1)
PER_DAY = 457  # 1M rows over six years: about 14,000 a month
ORIGINAL_HEADER = [
    "AppointmentID", "ConsultantID", "CustomerID", "Date", "Time", "Duration",
    "MeetingURL", "Status", "Description", "CreatedAt", "UpdatedAt",
]  # fmt: skip
STATUSES = ["pending", "confirmed", "completed", "cancelled"]


def appointment(i: int, version: int = 1) -> tuple[dt.date, list[str]]:
    """Row ``i`` (1-based): unique (consultant, date, time); ``version`` 2 changes every row."""
    slot = (i - 1) % PER_DAY
    day = FIRST_DAY + dt.timedelta(days=(i - 1) // PER_DAY)
    text = f"Tư vấn hướng nghiệp lần {i}, khách hàng cần định hướng ngành học và việc làm"
    if version == 2:
        text += " (đã cập nhật)"
    local = f"{day} 07:{i % 60:02d}:00"
    return day, [
        str(i), str(slot % 50 + 1), f"cust-{i % 50000:06d}", day.isoformat(),
        f"{8 + slot // 50:02d}:00:00", "60", f"https://meet.google.com/abc-defg-{i:07d}",
        STATUSES[i % 4], text, local, f"{day} 09:{i % 60:02d}:00.{version:03d}",
    ]  # fmt: skip


def write_original(path: Path, rows: int, version: int = 1) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(ORIGINAL_HEADER)
        for i in range(1, rows + 1):
            writer.writerow(appointment(i, version)[1])


def write_monthly(folder: Path, rows: int) -> dict[str, tuple[Path, int]]:
    """The archive's own layout: our column names, UTC timestamps, one file per month;
    each file's path and records, by key."""
    from zoneinfo import ZoneInfo

    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    columns = ["appointment_id", "date", "time", "duration", "meeting_url", "status"]
    columns += ["description", "created_at", "updated_at", "consultant_id", "customer_id"]
    files, handle, writer, month = {}, None, None, None

    def utc(text: str) -> str:
        moment = dt.datetime.fromisoformat(text).replace(tzinfo=hanoi).astimezone(dt.UTC)
        return moment.isoformat(sep=" ")

    for i in range(1, rows + 1):
        day, r = appointment(i)
        if f"{day:%Y-%m}" != month:
            if handle:
                handle.close()
            month = f"{day:%Y-%m}"
            key, path = f"data/appointment/{month}.csv", folder / f"{month}.csv"
            files[key] = (path, 0)
            handle = path.open("w", encoding="utf-8-sig", newline="")
            writer = csv.writer(handle)
            writer.writerow(columns)
        files[key] = (path, files[key][1] + 1)
        writer.writerow(
            [r[0], r[3], r[4], r[5], r[6], r[7], r[8], utc(r[9]), utc(r[10]), r[1], r[2]]
        )
    handle.close()
    return files


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(["psql", "-q", f"{SERVER}/{database}", "-c", sql], check=True)


def child_env(endpoint: str, bucket: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "ARCHIVE_BUCKET": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "LOG_LEVEL": "WARNING",
    }


def seed(env: dict[str, str], **options) -> dict:
    """One seed in a fresh process: its seconds (of seed_run alone) and peak RSS."""
    command = [sys.executable, __file__, "--child", json.dumps(options, default=str)]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"seed {options} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(options: dict) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")
    django.setup()
    from archive.seed.run import seed_run
    from archive.storage.backends import archive_storage

    archive_storage().connection  # noqa: B018 — the S3 client, made before the clock starts
    if options.get("date"):
        options["date"] = dt.date.fromisoformat(options["date"])
    profile = os.environ.get("SEED_BENCH_PROFILE")  # a folder: one cProfile file a seed
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = seed_run(**options)
    seconds = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(Path(profile) / f"seed-{uuid.uuid4().hex[:8]}.prof")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss, "summary": result.lines()}))


def _options() -> argparse.Namespace:
    """The options; ``--help`` stops before anything is generated or dropped."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep-db", action="store_true", help="leave the database behind")
    parser.add_argument("--only", type=lambda text: set(text.split(",")), default=None)
    return parser.parse_args()


def main() -> None:  # noqa: C901 — a linear script
    options = _options()
    rows, only = options.rows, options.only

    def wanted(*names: str) -> bool:
        return only is None or bool(only.intersection(names))

    import boto3
    import psycopg

    work = Path(tempfile.mkdtemp(prefix="seed_bench_"))
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    moto = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    window_day = FIRST_DAY + dt.timedelta(days=rows // PER_DAY // 2)  # mid-history
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    env = child_env(endpoint, bucket)
    figures: dict[str, float] = {}
    try:
        time.sleep(2)
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="bench", aws_secret_access_key="bench",
        )  # fmt: skip
        s3.create_bucket(Bucket=bucket)
        print(f"generating {rows:,} rows …", flush=True)
        original = work / "Appointment.csv"
        write_original(original, rows)
        size = original.stat().st_size
        customers = work / "Customer.csv"
        customers.write_text(
            "CustomerID,FullName\r\n"
            + "".join(f"cust-{n:06d},Khách {n}\r\n" for n in range(50000)),
            encoding="utf-8-sig",
        )
        consultants = work / "Consultant.csv"
        consultants.write_text(
            "ConsultantID,FullName,JoinDate\r\n"
            + "".join(f"{n},Tư vấn viên {n},2019-01-01\r\n" for n in range(1, 51)),
            encoding="utf-8-sig",
        )
        for path in (original, customers, consultants):
            s3.upload_file(str(path), bucket, f"data/{path.name}")
        print(f"object: {size / 1e6:.0f} MB", flush=True)

        psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        psql(f"CREATE DATABASE {DATABASE}")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True
        )
        conn = psycopg.connect(f"{SERVER}/{DATABASE}", autocommit=True)
        seed(env, full=True, tables=["customer", "consultant"])  # what LIMIT″'s keys check

        # --- the physical limit -------------------------------------------------------
        started = time.perf_counter()
        for _chunk in s3.get_object(Bucket=bucket, Key="data/Appointment.csv")["Body"].iter_chunks(
            1 << 20
        ):
            pass
        figures["download"] = time.perf_counter() - started
        columns = (
            "appointment_id, consultant_id, customer_id, date, time, duration, meeting_url, "
            "status, description, created_at, updated_at"
        )

        def piped_copy(create: str, after: Sequence[str] = ()) -> float:
            """GET piped into COPY of bench_limit (made by ``create``), then ``after``."""
            conn.execute("DROP TABLE IF EXISTS bench_limit")
            conn.execute(create)
            started = time.perf_counter()
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SET LOCAL TimeZone = 'Asia/Ho_Chi_Minh'")
                # The memory the seeder's rebuilds get (settings.SEED_WORK_MEM), for LIMIT″.
                cursor.execute(
                    "SELECT set_config('maintenance_work_mem', %s, true)",
                    [os.environ.get("SEED_WORK_MEM", "256MB")],
                )
                body = s3.get_object(Bucket=bucket, Key="data/Appointment.csv")["Body"]
                with cursor.copy(
                    f"COPY bench_limit ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy:
                    for chunk in body.iter_chunks(1 << 20):
                        copy.write(chunk)
                for statement in after:
                    cursor.execute(statement)
            seconds = time.perf_counter() - started
            conn.execute("DROP TABLE bench_limit")
            return seconds

        table = "appointments_appointment"
        like = f"CREATE TABLE bench_limit (LIKE {table} INCLUDING DEFAULTS"
        # The limit, three times (the disk's speed varies from minute to minute):
        # the median is the yardstick.
        runs_of_limit = sorted(
            piped_copy(like + ", PRIMARY KEY (appointment_id))") for _ in range(3)
        )
        figures["limit"] = runs_of_limit[1]
        figures["limit_runs"] = runs_of_limit
        figures["limit_indexes"] = piped_copy(like.replace("DEFAULTS", "ALL") + ")")
        # What a DBA does by hand for the finished table: COPY into the bare table, then
        # its primary key, indexes and foreign keys, each built once.
        rebuild = conn.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'f') ORDER BY contype DESC",
            [table],
        ).fetchall()
        after = [f"ALTER TABLE bench_limit ADD {definition}" for (definition,) in rebuild]
        indexes = conn.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
            "AND NOT indisprimary",
            [table],
        ).fetchall()
        after += [
            definition.replace(f" ON public.{table} ", " ON bench_limit ").replace(
                "INDEX ", "INDEX bench_", 1
            )
            for (definition,) in indexes
        ]
        figures["limit_built"] = piped_copy(like + ")", after)
        print(f"limit: {figures['limit']:.2f} s (median of 3)", flush=True)

        # --- the seeder -----------------------------------------------------------------
        runs = {}
        if wanted("full", "kept", "overwrite"):
            runs["full"] = seed(env, full=True, tables=["appointment"])
        if wanted("kept"):
            runs["kept"] = seed(env, full=True, tables=["appointment"])
        if wanted("overwrite"):
            changed = work / "Appointment_v2.csv"
            write_original(changed, rows, version=2)
            s3.upload_file(str(changed), bucket, "data/Appointment.csv")
            changed.unlink()
            runs["overwrite"] = seed(env, full=True, tables=["appointment"], overwrite=True)
            s3.upload_file(str(original), bucket, "data/Appointment.csv")
        truncate = "TRUNCATE appointments_appointment CASCADE"
        conn.execute(truncate)
        if wanted("window_single"):
            runs["window_single"] = seed(
                env, date=window_day, window_days=1, tables=["appointment"]
            )

        if wanted("window_monthly", "full_monthly"):
            monthly = write_monthly(work, rows)
            manifest_files = {}
            for key, (path, records) in monthly.items():
                s3.upload_file(str(path), bucket, key)
                checksum = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
                manifest_files[key] = {
                    "checksum": checksum,  # the seeder checks every file it reads
                    "records": records,
                    "bytes": path.stat().st_size,
                }
            manifest = {
                "version": 1,
                "database_id": str(uuid.uuid4()),
                "last_run": {"finished_at": "2026-01-01T00:00:00+00:00", "status": "success"},
                "tables": {
                    # as the archive writes it: its highest key too (archive/storage/keys.py)
                    "appointment": {
                        "files": manifest_files,
                        "status": "uploaded",
                        "records": rows,
                        "max_key": rows,
                    }
                },
            }
            s3.put_object(
                Bucket=bucket, Key="metadata/archive_info.json", Body=json.dumps(manifest)
            )
            conn.execute(truncate)
            if wanted("window_monthly"):
                runs["window_monthly"] = seed(
                    env, date=window_day, window_days=1, tables=["appointment"]
                )
            conn.execute(truncate)
            if wanted("full_monthly"):
                runs["full_monthly"] = seed(env, full=True, tables=["appointment"])

        # --- the original system's loader (row by row, a commit per row) ----------------
        original_rows = min(100_000, rows) if wanted("original") else 0
        conn.execute("CREATE TABLE bench_original (LIKE appointments_appointment INCLUDING ALL)")
        insert = (
            f"INSERT INTO bench_original ({columns}) VALUES "
            "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT DO NOTHING"
        )
        started = time.perf_counter()
        with original.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            with conn.cursor() as cursor:
                for n, row in enumerate(reader):
                    if n == original_rows:
                        break
                    cursor.execute(insert, row)  # autocommit: one commit per row
        figures["original"] = (original_rows, time.perf_counter() - started)
        conn.close()
    finally:
        moto.terminate()
        moto.wait()
        if not options.keep_db:
            psql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
    report(rows, size, figures, runs)


def report(rows: int, size: int, figures: dict, runs: dict) -> None:
    limit, same, built = figures["limit"], figures["limit_indexes"], figures["limit_built"]
    print()
    print(f"{rows:,} appointment rows, {size / 1e6:.0f} MB (original headers, BOM, CRLF)")
    print(f"download only (GET, discarded)                   {figures['download']:7.2f} s")
    low, high = figures["limit_runs"][0], figures["limit_runs"][-1]
    print(
        f"LIMIT: GET piped into COPY, table with its PK      {limit:7.2f} s "
        f"(median of 3: {low:.2f}–{high:.2f})"
    )
    print(f"LIMIT': the same into the table's twin (8 indexes) {same:7.2f} s")
    print(
        f"LIMIT'': COPY into the bare table, then its PK, indexes and FKs built once {built:7.2f} s"
    )
    targets = {
        "full": ("seed --full, empty table", 1.5),
        "kept": ("seed --full, every row present (kept)", 1.0),
        "overwrite": ("seed --full --overwrite, every row changed", 2.5),
        "window_monthly": ("seed ±1 day, monthly files", 0.1),
        "window_single": ("seed ±1 day, one original file", 0.5),
        "full_monthly": ("seed --full, empty table, 72 monthly files", None),
    }
    print(
        f"{'':44} {'seconds':>8} {'×LIMIT':>7} {'×LIMIT′':>7} {'×LIMIT″':>7} {'target':>7} "
        f"{'peak RSS':>9}"
    )
    for key, (label, target) in targets.items():
        if key not in runs:
            continue
        run = runs[key]
        ratio, twin, floor = (run["seconds"] / x for x in (limit, same, built))
        mark = "" if target is None else f"≤{target:g}" + (" ✓" if ratio <= target else " ✗")
        print(
            f"{label:44} {run['seconds']:8.2f} {ratio:7.2f} {twin:7.2f} {floor:7.2f} {mark:>7} "
            f"{run['rss_mb']:6.0f} MB"
        )
    peak = max(run["rss_mb"] for run in runs.values())
    print(f"peak RSS of any seed: {peak:.0f} MB (target ≤ 150 MB)")
    loaded, seconds = figures["original"]
    if loaded and "full" in runs:
        per_row = seconds / loaded
        full_per_row = runs["full"]["seconds"] / rows
        print(
            f"original loader: {loaded:,} rows in {seconds:.1f} s "
            f"({loaded / seconds:,.0f} rows/s; 1M rows ≈ {per_row * 1e6 / 60:.0f} min); "
            f"the seeder is {per_row / full_per_row:.0f}× faster per row"
        )
    for key in runs:
        print(f"  {key}: " + " | ".join(runs[key]["summary"][1:]))


if __name__ == "__main__":
    if "--child" in sys.argv:
        run_child(json.loads(sys.argv[sys.argv.index("--child") + 1]))
    else:
        main()
