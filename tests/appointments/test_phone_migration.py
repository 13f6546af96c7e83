"""The data migration that puts stored phone numbers in their one stored form."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from meetassist.phones import phone_normalize
from tests.meetassist.test_phones import FORMS

pytestmark = pytest.mark.django_db

MIGRATION = ("appointments", "0005_phone_numbers_stored_form")
STORABLE = [form for form in FORMS if len(form[0]) <= 20]  # the column's max_length
migration = importlib.import_module("appointments.migrations.0005_phone_numbers_stored_form")


def test_forward_converts_stored_numbers_and_keeps_the_rest_as_typed(monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 7)  # several key ranges
    apps = MigrationLoader(connection).project_state(MIGRATION, at_end=False).apps
    customer = apps.get_model("appointments", "Customer")
    consultant = apps.get_model("appointments", "Consultant")
    for n, (typed, _stored, _valid) in enumerate(STORABLE):
        customer.objects.create(customer_id=f"c{n:03d}", full_name="An", phone_number=typed)
    consultant.objects.create(full_name="Thu", join_date="2024-01-01", phone_number="+84912345678")

    migration.phones_to_stored_form(apps, None)

    stored = dict(customer.objects.values_list("customer_id", "phone_number"))
    assert stored == {f"c{n:03d}": s for n, (_typed, s, _valid) in enumerate(STORABLE)}
    assert consultant.objects.get().phone_number == "0912345678"


@pytest.mark.parametrize("typed", [typed for typed, _stored, _valid in FORMS])
def test_the_migrations_copy_agrees_with_the_live_rules(typed):
    assert migration.stored_form(typed) == phone_normalize(typed).text
