"""Dashboard speed on a big PostgreSQL database: every page and endpoint, p50/p95 and queries.

Run by hand (never collected by pytest), from the repository root:

    python benchmarks/dashboard_bench.py [--appointments 1000000] [--customers 100000]
        [--consultants 500] [--iterations 30] [--server postgres://postgres@127.0.0.1:5432]
        [--keep]

It creates the database ``ma_dash_bench`` (dropped at the end unless --keep; an existing one
kept from an earlier run is reused), fills it with INSERT … SELECT generate_series (about
1.7 M schedule slots, the appointments booked into them, feedback, programs), and times each
URL in-process through Django's test client as a logged-in superuser: server time, no
network. Targets: p95 ≤ 150 ms and ≤ 12 queries per dashboard page; the admin's appointment
changelist p95 ≤ 300 ms. The physical limit measured in the same run is one full read of
the appointment table (``count(*)``, what any exact all-time number costs at least once);
each URL is printed as a ratio to its target and to that scan, which keeps the figures
comparable on a machine shared with other work (its load average is printed too).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "ma_dash_bench"
PAGE_TARGET_MS, PAGE_QUERY_TARGET, CHANGELIST_TARGET_MS = 150.0, 12, 300.0

URLS = [
    "/dashboard/",
    "/dashboard/appointments/",
    "/dashboard/appointments/?date={past}",
    "/dashboard/customers/",
    "/dashboard/consultants/",
    "/dashboard/consultants/?page=5",
    "/dashboard/programs/",
    "/dashboard/archive/",
    "/dashboard/database/",
    "/dashboard/database/appointments_appointment/",
    "/api/stats/overview",
    "/api/stats/appointments?date={today}",
    "/api/stats/customers",
    "/api/stats/consultants",
    "/api/stats/programs",
    "/api/archive/status",
    "/api/database/tables",
]
CHANGELIST = "/admin/appointments/appointment/"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--consultants", type=int, default=500)
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database for another run")
    return parser.parse_args()


def _admin_database(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _exists(server: str) -> bool:
    import psycopg

    with psycopg.connect(f"{server}/postgres") as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        return found.fetchone() is not None


GENERATE = """
INSERT INTO appointments_consultant (consultant_id, full_name, email, phone_number, specialties,
    qualifications, join_date, created_at, is_disabled)
SELECT g, 'Tư vấn viên ' || g, 'tv' || g || '@example.vn', '09' || lpad(g::text, 8, '0'),
    'Hướng nghiệp', '', DATE '2022-01-01' + g % 365, now() - interval '3 years', g % 25 = 0
FROM generate_series(1, {consultants}) g;

INSERT INTO appointments_customer (customer_id, full_name, email, phone_number, date_of_birth,
    created_at, is_disabled, notes)
SELECT 'c' || lpad(g::text, 7, '0'), 'Khách hàng ' || g, 'kh' || g || '@example.vn',
    '09' || lpad(g::text, 8, '0'), DATE '1975-01-01' + g % 12000,
    now() - (g % 730) * interval '1 day' - (g % 86400) * interval '1 second', g % 50 = 0, ''
FROM generate_series(1, {customers}) g;

CREATE TEMP TABLE bench_slots AS
SELECT row_number() OVER (ORDER BY d, c, h) AS n, c, d::date AS d, h,
    abs(hashint4(c * 1000003 + (d::date - DATE '2000-01-01') * 37 + h)) % 1000 AS r
FROM generate_series(1, {consultants}) c,
     generate_series(current_date - {days_back}, current_date + 60, interval '1 day') d,
     generate_series(8, 15) h
WHERE extract(isodow FROM d) < 6;

CREATE TEMP TABLE bench_booked AS
SELECT n, c, d, h, r,
    CASE WHEN d < current_date THEN
        CASE WHEN r % 20 < 3 THEN 'cancelled' WHEN r % 20 = 3 THEN 'confirmed'
             ELSE 'completed' END
    ELSE CASE WHEN r % 20 = 0 THEN 'cancelled' WHEN r % 20 < 10 THEN 'pending'
              ELSE 'confirmed' END
    END AS status
FROM bench_slots WHERE r < {threshold} ORDER BY n LIMIT {appointments};

INSERT INTO appointments_appointment (appointment_id, consultant_id, customer_id, date, time,
    duration, meeting_url, status, description, created_at, updated_at)
SELECT n, c, 'c' || lpad((1 + (n * 7919) % {customers})::text, 7, '0'), d, make_time(h, 0, 0),
    60, '', status, '',
    LEAST(now(), d::timestamptz - (r % 30 + 1) * interval '1 day' + h * interval '1 hour'),
    now()
FROM bench_booked;

INSERT INTO appointments_consultantschedule (consultant_id, date, start_time, end_time,
    is_available)
SELECT s.c, s.d, make_time(s.h, 0, 0), make_time(s.h + 1, 0, 0),
    b.n IS NULL OR b.status = 'cancelled'
FROM bench_slots s LEFT JOIN bench_booked b ON b.n = s.n;

INSERT INTO appointments_appointmentfeedback (appointment_id, rating, customer_feedback,
    created_at)
SELECT n, (r % 11) / 2.0, '', d::timestamptz + interval '1 day'
FROM bench_booked WHERE status = 'completed' AND r % 10 < 6;

INSERT INTO appointments_communityprogram (program_id, program_name, date, description, content,
    organizer, url, is_disabled, status, created_at)
SELECT p, 'Hội thảo hướng nghiệp ' || p, current_date - {days_back} + (p * 601 / {programs}),
    '', '', 'MeetAssist', '', p % 33 = 0,
    CASE WHEN current_date - {days_back} + (p * 601 / {programs}) < current_date - 1
         THEN 'completed'
         WHEN current_date - {days_back} + (p * 601 / {programs}) <= current_date + 1
         THEN 'ongoing' ELSE 'upcoming' END,
    now() - interval '2 years'
FROM generate_series(1, {programs}) p;

INSERT INTO appointments_programparticipant (program_id, customer_id, registered_time, status)
SELECT p, 'c' || lpad((1 + (p * 7919 + k * 104729) % {customers})::text, 7, '0'),
    now() - interval '1 year',
    CASE WHEN k % 10 = 0 THEN 'cancelled' WHEN k % 10 < 5 THEN 'attended' ELSE 'registered' END
FROM generate_series(1, {programs}) p, generate_series(0, 39) k;
"""

RESET_SEQUENCES = [
    ("appointments_consultant", "consultant_id"),
    ("appointments_appointment", "appointment_id"),
    ("appointments_communityprogram", "program_id"),
]


def _generate(args: argparse.Namespace) -> float:
    from django.db import connection

    started = time.perf_counter()
    weekdays_per_day = 5 / 7
    days_back = 540
    slots = args.consultants * 8 * (days_back + 61) * weekdays_per_day
    threshold = min(1000, int(args.appointments / slots * 1000 * 1.05) + 5)
    params = {
        "consultants": args.consultants,
        "customers": args.customers,
        "appointments": args.appointments,
        "programs": args.programs,
        "days_back": days_back,
        "threshold": threshold,
    }
    with connection.cursor() as cursor:
        for statement in GENERATE.split(";\n\n"):
            cursor.execute(statement.format(**params))  # whole numbers from the command line
        for table, column in RESET_SEQUENCES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), max({column})) "
                f"FROM {table}"
            )
        cursor.execute("SELECT count(*) FROM appointments_appointment")
        made = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {made:,} appointments in {time.perf_counter() - started:.0f} s")
    return time.perf_counter() - started


def _time(sql: str, repeat: int = 20) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _measure(client, url: str, iterations: int) -> tuple[float, float, int, int]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # the log holds at most 9000 queries: empty it so this one counts
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    count = len(queries)  # read now: the captured list is a view of the log reset below
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        reset_queries()
    return statistics.median(times), _p95(times), count, status


def main() -> int:
    args = _arguments()
    if not _exists(args.server):
        _admin_database(args.server, f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"{args.server}/{BENCH_DB}"
    os.environ.setdefault("ARCHIVE_DIR", tempfile.mkdtemp(prefix="ma-dash-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from appointments.models import Appointment

    try:
        call_command("migrate", verbosity=0)
        if not Appointment.objects.exists():
            _generate(args)
        if not admin.site.is_registered(Appointment):
            admin.site.register(Appointment)  # Django's default changelist until ours is merged
        user, _ = User.objects.get_or_create(username="bench", is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(user)

        rtt = _time("SELECT 1", 200)
        scan = _time("SELECT count(*) FROM appointments_appointment", 5)
        total = Appointment.objects.count()
        print(
            f"{total:,} appointments · round trip {rtt:.3f} ms · full scan of appointments "
            f"{scan:.0f} ms · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs · "
            f"{args.iterations} requests per URL after one warm-up"
        )
        today = timezone.localdate()
        past = today.replace(day=1) - timezone.timedelta(days=200)
        print(f"{'url':52} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'p95/target':>10}")
        worst = 0.0
        for template in [*URLS, CHANGELIST]:
            url = template.format(today=today.isoformat(), past=past.isoformat())
            p50, p95, queries, status = _measure(client, url, args.iterations)
            target = CHANGELIST_TARGET_MS if template == CHANGELIST else PAGE_TARGET_MS
            ratio = p95 / target
            worst = max(worst, ratio if template == CHANGELIST else max(ratio, queries / 12))
            floor = p95 / scan
            flag = "" if status == 200 and ratio <= 1 and queries <= PAGE_QUERY_TARGET else "  !"
            print(
                f"{url:52} {p50:7.1f} {p95:7.1f} {queries:7d} {ratio:10.2f}"
                f"   {floor:5.2f}× scan · HTTP {status}{flag}"
            )
        print(f"worst ratio to target: {worst:.2f} (≤ 1.00 meets every target)")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        connections.close_all()
        if not args.keep:
            _admin_database(args.server, f"DROP DATABASE IF EXISTS {BENCH_DB}")
            print(f"dropped {BENCH_DB}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
