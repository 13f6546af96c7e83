"""How fast the appointment changelist stays on a big PostgreSQL table (run by hand).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/meetassist_bench \
        python benchmarks/admin_changelist.py --rows 1000000

Fills the (migrated) database with ``--rows`` appointments once, then times admin pages
against the physical limit measured in the same run: the one query a page cannot avoid (its
50 rows, joined to their names). It also times the full ``COUNT(*)`` Django's default
paginator would run on every page, which this admin avoids.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from appointments.models import Appointment  # noqa: E402

CONSULTANTS = 50
CUSTOMERS = 50_000


def fill(rows: int) -> None:
    """Customers, consultants and ``rows`` appointments over the years, by set-based SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM appointments_appointment")
        if cursor.fetchone()[0] >= rows:
            return
        print(f"filling {rows} appointments …", flush=True)
        cursor.execute(
            "TRUNCATE appointments_appointmentfeedback, appointments_appointment, "
            "appointments_consultantschedule, appointments_programparticipant, "
            "appointments_customer, appointments_consultant RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "INSERT INTO appointments_customer (customer_id, full_name, email, phone_number, "
            "created_at, is_disabled, notes) SELECT 'c' || n, 'Khách ' || n, "
            "'k' || n || '@example.vn', '09' || lpad(n::text, 8, '0'), now(), false, '' "
            "FROM generate_series(1, %s) n",
            [CUSTOMERS],
        )
        cursor.execute(
            "INSERT INTO appointments_consultant (full_name, email, phone_number, specialties, "
            "qualifications, join_date, created_at, is_disabled) SELECT 'Tư vấn ' || n, '', "
            "'', '', '', DATE '2020-01-01', now(), false FROM generate_series(1, %s) n",
            [CONSULTANTS],
        )
        # One consultant per (date, hour): 10 hours a day, so rows / 500 days of history.
        cursor.execute(
            "INSERT INTO appointments_appointment (consultant_id, customer_id, date, time, "
            "duration, meeting_url, status, description, created_at, updated_at) "
            "SELECT 1 + n %% %(c)s, 'c' || (1 + n %% %(k)s), "
            "DATE '2020-01-01' + (n / (%(c)s * 10)), make_time(8 + (n / %(c)s) %% 10, 0, 0), "
            "60, '', (ARRAY['pending','confirmed','completed','cancelled'])[1 + n %% 4], '', "
            "now(), now() FROM generate_series(0, %(rows)s - 1) n",
            {"c": CONSULTANTS, "k": CUSTOMERS, "rows": rows},
        )
        cursor.execute("ANALYZE")


def timed(fn, repeat: int = 5) -> float:
    """Median seconds of ``fn()`` over ``repeat`` runs (after one warm-up)."""
    fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")
    call_command("migrate", verbosity=0)
    fill(args.rows)

    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("admin:appointments_appointment_changelist")

    page_qs = Appointment.objects.select_related("customer", "consultant").order_by(
        "-date", "-time", "-pk"
    )
    floor = timed(lambda: list(page_qs[:50]))
    full_count = timed(lambda: Appointment.objects.count(), repeat=3)
    print(f"rows: {Appointment.objects.count()}")
    print(f"physical limit (the page's own 50-row query): {floor * 1000:.1f} ms")
    print(f"full COUNT(*) Django's default paginator runs: {full_count * 1000:.1f} ms")
    pages = {
        "unfiltered": {},
        "status=pending": {"status__exact": "pending"},
        "consultant=7": {"consultant__consultant_id__exact": 7},
        "one month (date hierarchy)": {"date__year": 2022, "date__month": 3},
        "search by phone": {"q": "0900012345"},
    }
    for name, params in pages.items():
        reset_queries()  # each request resets the log; start it empty so none is lost
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        seconds = timed(lambda params=params: client.get(url, params))
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        print(
            f"{name:28} {seconds * 1000:8.1f} ms  = {seconds / floor:6.1f} × limit, "
            f"{full_count / seconds:5.2f} × a full count; {len(queries)} queries, slowest "
            f"{float(slowest['time']) * 1000:.1f} ms: {slowest['sql'][:70]}…"
        )


if __name__ == "__main__":
    main()
