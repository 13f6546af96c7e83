"""Several aggregate reads in one round trip."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Avg, Count, Max, Q
from django.test.utils import CaptureQueriesContext

from appointments.models import Customer
from meetassist.queries import one_row, totals
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_one_row_answers_every_part_in_a_single_query():
    CustomerFactory(full_name="A")
    CustomerFactory(full_name="B", is_disabled=True)
    CustomerFactory(full_name="C", is_disabled=True)
    with CaptureQueriesContext(connection) as queries:
        row = one_row(
            totals(Customer.objects.all(), all=Count("*"), last=Max("full_name")),
            totals(Customer.objects.filter(is_disabled=True), disabled=Count("*")),
        )
    assert row == {"all": 3, "last": "C", "disabled": 2}
    assert len(queries) == 1


def test_totals_over_no_rows_are_zero_or_null():
    nobody = Customer.objects.filter(pk="nobody")
    assert one_row(totals(nobody, n=Count("*"), newest=Max("created_at"))) == {
        "n": 0,
        "newest": None,
    }


def test_totals_alone_is_a_one_row_queryset():
    CustomerFactory(is_disabled=True)
    row = totals(Customer.objects.all(), n=Count("*"), off=Count("pk", filter=Q(is_disabled=True)))
    assert row.get() == {"n": 1, "off": 1}


def test_one_row_refuses_parts_that_share_a_column_name():
    with pytest.raises(ValueError, match="distinct column names"):
        one_row(
            totals(Customer.objects.all(), n=Count("*")),
            totals(Customer.objects.all(), n=Avg("date_of_birth__year")),
        )


def test_one_row_of_nothing_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert one_row() == {}
    assert len(queries) == 0
