"""The archive's system checks: each configuration error has its id."""

from __future__ import annotations

import pytest
from django.db import models

from archive import checks
from archive.core.tables import TableSpec


def _ids(errors) -> list[str]:
    return [e.id for e in errors]


def test_valid_configuration_has_no_errors():
    assert checks.check_archive_storage() == []
    assert checks.check_checksum_settings() == []
    assert checks.check_registry() == []
    assert checks.check_seed_memory() == []


def test_missing_archive_storage_is_e001(settings):
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "archive"}
    assert _ids(checks.check_archive_storage()) == ["archive.E001"]


def test_archive_storage_of_another_kind_is_e001(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert _ids(checks.check_archive_storage()) == ["archive.E001"]


def test_plain_s3storage_is_warned_about_w001(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {}},
    }
    assert _ids(checks.check_archive_storage()) == ["archive.W001"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "archive.E002"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "archive.E003"),
    ],
)
def test_unknown_checksum_mode_is_an_error(settings, name, code):
    setattr(settings, name, "sometimes")
    assert _ids(checks.check_checksum_settings()) == [code]


def test_no_attempts_is_e004(settings):
    settings.AWS_MAX_ATTEMPTS = 0
    assert _ids(checks.check_checksum_settings()) == ["archive.E004"]


@pytest.mark.parametrize("value", ["lots", "256 MB", "0MB", "256", 256])
def test_seed_memory_not_in_postgresql_units_is_e006(settings, value):
    settings.SEED_WORK_MEM = value
    assert _ids(checks.check_seed_memory()) == ["archive.E006"]


def test_a_column_without_an_exact_export_is_e005(monkeypatch):
    spec = TableSpec("customer", "appointments.Customer", "reference")
    odd = models.DurationField()
    odd.set_attributes_from_name("wait")
    monkeypatch.setitem(spec.__dict__, "fields", [*spec.fields, odd])
    monkeypatch.setattr(checks, "tables", lambda: [spec])
    assert _ids(checks.check_registry()) == ["archive.E005"]


def test_a_date_two_relations_away_is_e005(monkeypatch):
    spec = TableSpec(
        "x", "appointments.AppointmentFeedback", "windowed", "appointment__customer__created_at"
    )
    monkeypatch.setattr(checks, "tables", lambda: [spec])
    assert _ids(checks.check_registry()) == ["archive.E005"]


def test_upload_limits_are_valid_by_default():
    assert checks.check_upload_limits() == []


@pytest.mark.parametrize("name", checks.UPLOAD_LIMITS)
@pytest.mark.parametrize("value", [0, -1, "100", None])
def test_an_upload_limit_that_is_not_a_positive_number_is_e008(settings, name, value):
    setattr(settings, name, value)
    (error,) = checks.check_upload_limits()
    assert error.id == "archive.E008"
    assert error.msg == f"{name} is {value!r}."
