"""Several single-value reads in one round trip."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Avg, Count, Max
from django.test.utils import CaptureQueriesContext

from appointments.models import Customer
from meetassist.queries import one_row, scalar
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_one_row_answers_each_part_in_a_single_query():
    CustomerFactory(full_name="A")
    CustomerFactory(full_name="B", is_disabled=True)
    CustomerFactory(full_name="C", is_disabled=True)
    with CaptureQueriesContext(connection) as queries:
        row = one_row(
            all=scalar(Customer.objects.all(), Count("pk")),
            disabled=scalar(Customer.objects.filter(is_disabled=True), Count("pk")),
            last=scalar(Customer.objects.all(), Max("full_name")),
        )
    assert row == {"all": 3, "disabled": 2, "last": "C"}
    assert len(queries) == 1


def test_scalar_over_no_rows_is_zero_or_null():
    row = one_row(
        n=scalar(Customer.objects.filter(pk="nobody"), Count("pk")),
        average=scalar(Customer.objects.filter(pk="nobody"), Avg("date_of_birth__year")),
    )
    assert row == {"n": 0, "average": None}


def test_one_row_of_nothing_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert one_row() == {}
    assert len(queries) == 0
