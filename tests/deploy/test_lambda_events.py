"""Zappa's non-HTTP events on Lambda: ``manage`` (migrate, seed) and scheduled events."""

from __future__ import annotations

import json
import sqlite3

import pytest
from zappa.core import Zappa

from tests.deploy.apigateway import scheduled_event
from tests.deploy.conftest import PROJECT_DIR, new_database

pytestmark = pytest.mark.django_db

CUSTOMERS_CSV = (
    "\ufeffCustomerID,FullName,Email,PhoneNumber,DateOfBirth,CreatedAt,IsDisabled,Notes\r\n"
    "c1,Nguyễn Văn An,an@example.vn,0912345678,1990-05-01,2024-01-02 09:00:00,false,\r\n"
    "c2,Trần Thị Bình,binh@example.vn,0987654321,,2024-01-03 10:30:00,false,\r\n"
)


def _query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        cursor = db.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _rule_name(stage: str) -> str:
    """The EventBridge rule name Zappa gives the stage's first ``events`` entry."""
    config = json.loads((PROJECT_DIR / "zappa_settings.json").read_text())["dev"]["events"][0]
    return Zappa.get_scheduled_event_name(Zappa, config, config["function"], f"meetassist-{stage}")


def test_manage_event_migrates_an_empty_database(start_container, tmp_path):
    expected = {
        (app_label, path.stem)
        for app_label in ("appointments", "archive")
        for path in (PROJECT_DIR / app_label / "migrations").glob("0*.py")
    }
    with new_database(tmp_path) as database_url:
        app = start_container("dev", DATABASE_URL=database_url)

        result = app.invoke({"manage": "migrate --noinput"})

        assert result == {}
        assert expected <= set(_query(database_url, "SELECT app, name FROM django_migrations"))


def test_keep_warm_event_is_answered_without_running_anything(start_container, tmp_path):
    app = start_container("dev", DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    rule = "meetassist-dev-zappa-keep-warm-handler.keep_warm_callback"

    assert app.invoke(scheduled_event(rule)) is None
    assert not (tmp_path / "unused.sqlite3").exists()  # no query ran


def test_seed_from_s3_rerun_at_every_deploy_only_inserts_what_is_missing(start_container, tmp_path):
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    (data / "Customer.csv").write_text(CUSTOMERS_CSV, encoding="utf-8")
    names = "SELECT customer_id, full_name FROM appointments_customer ORDER BY customer_id"
    with new_database(tmp_path) as database_url:
        app = start_container("dev", DATABASE_URL=database_url)
        app.invoke({"manage": "migrate --noinput"})
        app.invoke({"manage": "seed_from_s3"})
        assert _query(database_url, names) == [("c1", "Nguyễn Văn An"), ("c2", "Trần Thị Bình")]
        _query(database_url, "UPDATE appointments_customer SET full_name = 'An (đã sửa)'")
        _query(database_url, "DELETE FROM appointments_customer WHERE customer_id = 'c2'")

        app.invoke({"manage": "seed_from_s3"})  # the next deploy runs it again

        assert _query(database_url, names) == [("c1", "An (đã sửa)"), ("c2", "Trần Thị Bình")]


def test_scheduled_event_runs_the_archive_without_a_worker(
    start_container, migrated_database, tmp_path
):
    app = start_container("dev", DATABASE_URL=migrated_database)

    app.invoke(scheduled_event(_rule_name("dev")))

    manifest = json.loads((tmp_path / "archive" / "metadata" / "archive_info.json").read_text())
    assert manifest["version"] == 1
    assert manifest["last_run"]["status"] == "success"


def test_scheduled_rule_names_fit_eventbridge_and_lead_back_to_the_function():
    for stage in ("dev", "production"):
        rule = _rule_name(stage)
        assert len(rule) <= 64
        assert rule.split("-")[-1] == "meetassist.lambda_events.archive_tick"
