"""System checks for the archive's configuration (ids archive.E001…)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage

from archive.core.spreadsheet import DATE_ORDERS
from archive.core.sql import sql_supported
from archive.core.tables import tables
from archive.storage.backends import ArchiveS3Storage

CHECKSUM_MODES = (None, "when_supported", "when_required")
MEMORY = re.compile(r"[1-9][0-9]*(kB|MB|GB)")  # PostgreSQL's memory units


@register()
def check_archive_storage(app_configs=None, **kwargs) -> list[Error]:
    """archive.E001: the ``archive`` storage must be S3Storage or FileSystemStorage;
    archive.W001: S3 through ArchiveS3Storage, or the checksum settings do nothing."""
    entry = settings.STORAGES.get("archive")
    if entry is None:
        return [Error("STORAGES has no 'archive' entry.", id="archive.E001")]
    try:
        backend = import_string(entry["BACKEND"])
    except ImportError as err:
        return [Error(f"The archive storage backend cannot be imported: {err}", id="archive.E001")]
    if not issubclass(backend, S3Storage | FileSystemStorage):
        return [
            Error(
                f"The archive storage {entry['BACKEND']} is neither S3Storage nor "
                "FileSystemStorage.",
                hint="Set ARCHIVE_BUCKET for S3, or leave it unset for the ARCHIVE_DIR folder.",
                id="archive.E001",
            )
        ]
    if issubclass(backend, S3Storage) and not issubclass(backend, ArchiveS3Storage):
        return [
            Warning(
                f"The archive storage {entry['BACKEND']} ignores the checksum and retry "
                "settings (AWS_REQUEST_CHECKSUM_CALCULATION, AWS_MAX_ATTEMPTS).",
                hint="Use archive.storage.backends.ArchiveS3Storage.",
                id="archive.W001",
            )
        ]
    return []


@register()
def check_checksum_settings(app_configs=None, **kwargs) -> list[Error]:
    """archive.E002/E003: checksum modes botocore accepts; archive.E004: retry attempts."""
    errors = []
    for name, code in (
        ("AWS_REQUEST_CHECKSUM_CALCULATION", "archive.E002"),
        ("AWS_RESPONSE_CHECKSUM_VALIDATION", "archive.E003"),
    ):
        value = getattr(settings, name, None)
        if value not in CHECKSUM_MODES:
            errors.append(
                Error(
                    f"{name} is {value!r}.",
                    hint="Use when_supported or when_required, or leave it unset.",
                    id=code,
                )
            )
    attempts = getattr(settings, "AWS_MAX_ATTEMPTS", 5)
    if not isinstance(attempts, int) or attempts < 1:
        errors.append(
            Error(f"AWS_MAX_ATTEMPTS is {attempts!r}.", hint="At least 1.", id="archive.E004")
        )
    return errors


@register()
def check_registry(app_configs=None, **kwargs) -> list[Error]:
    """archive.E005: every archived column can be exported exactly; dates one step away."""
    errors = []
    for spec in tables():
        for field in spec.fields:
            if not sql_supported(field):
                errors.append(
                    Error(
                        f"{spec.name}.{field.attname}: {type(field).__name__} has no exact "
                        "PostgreSQL export (archive.core.sql.sql_cell).",
                        id="archive.E005",
                    )
                )
        if spec.windowed and (not spec.date_field or spec.date_field.count("__") > 1):
            errors.append(
                Error(
                    f"{spec.name}: date_field {spec.date_field!r} must be a column or a "
                    "column of a directly related table.",
                    id="archive.E005",
                )
            )
    return errors


@register()
def check_seed_memory(app_configs=None, **kwargs) -> list[Error]:
    """archive.E006: SEED_WORK_MEM in PostgreSQL's units, so a big load does not fail late."""
    value = getattr(settings, "SEED_WORK_MEM", "256MB")
    if isinstance(value, str) and MEMORY.fullmatch(value):
        return []
    return [
        Error(f"SEED_WORK_MEM is {value!r}.", hint="For example 64MB or 1GB.", id="archive.E006")
    ]


@register()
def check_date_order(app_configs=None, **kwargs) -> list[Error]:
    """archive.E007: SEED_DATE_ORDER says how n/n/yyyy dates read: DMY or MDY."""
    value = getattr(settings, "SEED_DATE_ORDER", "DMY")
    if value in DATE_ORDERS:
        return []
    return [
        Error(
            f"SEED_DATE_ORDER is {value!r}.",
            hint="DMY (day first, the default) or MDY (month first).",
            id="archive.E007",
        )
    ]


UPLOAD_LIMITS = (
    "ARCHIVE_UPLOAD_MAX_BYTES",
    "ARCHIVE_UPLOAD_TASK_BYTES",
    "ARCHIVE_UPLOAD_MAX_MEMBERS",
    "ARCHIVE_UPLOAD_MAX_EXPANDED_BYTES",
)


@register()
def check_upload_limits(app_configs=None, **kwargs) -> list[Error]:
    """archive.E008: the staff upload's limits are positive whole numbers (a zero or
    negative limit would refuse every upload, or none)."""
    errors = []
    for name in UPLOAD_LIMITS:
        value = getattr(settings, name, None)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(
                Error(
                    f"{name} is {value!r}.", hint="A whole number, at least 1.", id="archive.E008"
                )
            )
    return errors
