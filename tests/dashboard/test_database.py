"""The database page's reads: exact or estimated row counts, sizes, and table filtering."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import database
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_summaries_count_rows_exactly_below_the_size_limit():
    CustomerFactory.create_batch(5)
    tables = {t.name: t for t in database.table_summaries()}
    customer = tables["appointments_customer"]
    assert (customer.rows, customer.rows_exact) == (5, True)
    assert customer.model == "appointments.customer"
    assert "django_migrations" in tables  # every table, with or without a model
    assert tables["django_migrations"].model is None


def test_summaries_take_only_the_tables_kept():
    names = [t.name for t in database.table_summaries(keep=lambda n: [x for x in n if "auth" in x])]
    assert names and all("auth" in n for n in names)


def test_summaries_cost_a_fixed_number_of_queries_however_many_tables():
    with CaptureQueriesContext(connection) as every_table:
        assert len(database.table_summaries()) > 10
    with CaptureQueriesContext(connection) as two_tables:
        assert len(database.table_summaries(keep=lambda names: names[:2])) == 2
    assert len(every_table) == len(two_tables) <= 5


@pytest.mark.postgres
def test_large_tables_get_postgres_estimate_marked_as_such(monkeypatch):
    CustomerFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appointments_customer")
    monkeypatch.setattr(database, "EXACT_COUNT_MAX_BYTES", 0)
    [customer] = database.table_summaries(keep=lambda n: ["appointments_customer"])
    assert customer.rows_exact is False
    assert customer.rows == 3  # ANALYZE of a tiny table counts every row
    assert customer.size_bytes > 0


@pytest.mark.postgres
def test_postgres_sizes_include_indexes():
    [appointment] = database.table_summaries(keep=lambda n: ["appointments_appointment"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('appointments_appointment')")
        assert appointment.size_bytes == cursor.fetchone()[0]


def test_sqlite_size_is_given_by_dbstat_or_left_unknown():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's dbstat path")
    [customer] = database.table_summaries(keep=lambda n: ["appointments_customer"])
    assert customer.size_bytes is None or customer.size_bytes > 0


def test_detail_of_a_many_to_many_table_names_its_columns_and_keys():
    detail = database.table_detail("auth_user_groups")
    assert {c.name for c in detail.columns} == {"id", "user_id", "group_id"}
    foreign = {c.references for c in detail.constraints if c.kind == "foreign key"}
    assert foreign == {"auth_user.id", "auth_group.id"}
    assert any(c.kind == "primary key" and c.columns == ["id"] for c in detail.constraints)
