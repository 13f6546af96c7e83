"""Staff uploads as services: each recorded from receipt to its outcome, archived once loaded.

The steps themselves are archive/seed/upload.py's (the seed direction); these services run
them for one recorded upload, archive what a confirmed upload loaded (the export direction,
through ``archive_run``), and keep what they found on the upload's ``StaffUpload`` row: the
preview's counts, problems and sample rows (so a page only shows a stored result and never
runs a load in a GET), then what was loaded, or why it failed, or that it was cancelled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core.calendar import Window
from archive.core.status import status_label
from archive.models import StaffUpload
from archive.seed.errors import LoadError, RowError
from archive.seed.load import ProgressCallback
from archive.seed.loaders.base import TableCounts
from archive.seed.upload import (
    UploadResult,
    shown_name,
    upload_files,
    upload_load,
    upload_preview,
    upload_receive,
    upload_samples,
    upload_window,
)
from archive.services import archive_run
from archive.storage.backends import archive_storage
from meetassist.exceptions import DomainError

Status = StaffUpload.Status
# Checked but not loaded, or its load failed (and was rolled back): its files may go.
CANCELLABLE = (Status.PREVIEWED, Status.INVALID, Status.FAILED)


def upload_confirm(
    *, upload_id: str, window: Window | None = None, progress: ProgressCallback | None = None
) -> UploadResult:
    """Load the upload, then archive its tables so the archive copy matches the database.

    The load is committed before archiving starts: if archiving is refused or fails, the
    rows stay loaded (the archive's change record still lists them for the next run) and
    the result says so.
    """
    loaded = upload_load(upload_id=upload_id, window=window, progress=progress)
    try:
        archive = archive_run(tables=[counts.table for counts in loaded.tables if counts.files])
    except DomainError as err:
        archived = _("Loaded, but not archived: %(reason)s") % {"reason": err}
    else:
        archived = _("Archive: %(status)s.") % {"status": status_label(archive.status)}
        if archive.message:
            archived += " " + archive.message
    return UploadResult(loaded.tables, loaded.window, loaded.dry_run, archived)


def staff_upload_create(
    *,
    files: list[UploadedFile],
    user: AbstractBaseUser | None,
    date: dt.date | None = None,
    window_days: int | None = None,
) -> StaffUpload:
    """Keep the files (archive/seed/upload.py checks them) and record the upload, to be checked."""
    upload = upload_receive(files=files)
    return StaffUpload.objects.create(
        upload_id=upload.id,
        user=user,
        files=[posixpath.basename(key) for key in upload.files],
        bytes=upload.bytes,
        expanded_bytes=upload.expanded,
        window_date=date,
        window_days=window_days,
    )


def staff_upload_preview(
    *, upload_id: str, progress: ProgressCallback | None = None
) -> StaffUpload:
    """Check the upload with a dry run and keep what it found (counts, problems, samples)."""
    record = StaffUpload.objects.get(upload_id=upload_id)
    window = upload_window(record.window_date, record.window_days)
    try:
        result = upload_preview(upload_id=upload_id, window=window, progress=progress)
        samples = upload_samples(upload_id=upload_id)
    except LoadError as err:
        record.status, record.problems = Status.INVALID, _problems(err)
        record.outcome = str(err).split("\n", 1)[0]
    except DomainError as err:
        record.status, record.outcome = Status.FAILED, str(err)
    except Exception as err:  # recorded (the page stops waiting for it), then raised on
        _finish(record, Status.FAILED, str(err) or type(err).__name__)
        raise
    else:
        record.status, record.samples = Status.PREVIEWED, samples
        record.tables = _tables(result.tables)
    if record.status != Status.PREVIEWED:
        record.finished_at = timezone.now()
    record.save()
    return record


def staff_upload_confirm(
    *, upload_id: str, progress: ProgressCallback | None = None
) -> UploadResult:
    """Load a previewed upload with the window it was previewed with; record the outcome."""
    # One statement claims it: two confirmations at once cannot both load it.
    claimed = StaffUpload.objects.filter(upload_id=upload_id, status=Status.PREVIEWED).update(
        status=Status.LOADING
    )
    record = StaffUpload.objects.get(upload_id=upload_id)
    if not claimed:
        raise DomainError(
            _("This upload is %(status)s; only a checked upload can be loaded.")
            % {"status": record.get_status_display()}
        )
    window = upload_window(record.window_date, record.window_days)
    try:
        result = upload_confirm(upload_id=upload_id, window=window, progress=progress)
    except LoadError as err:
        _finish(record, Status.FAILED, str(err).split("\n", 1)[0], problems=_problems(err))
        raise
    except Exception as err:  # recorded whatever it was, then raised on
        _finish(record, Status.FAILED, str(err) or type(err).__name__)
        raise
    _finish(record, Status.LOADED, result.archived, tables=_tables(result.tables))
    return result


def staff_upload_cancel(*, upload_id: str) -> StaffUpload:
    """Remove the kept files of an upload not loaded, and record that it was cancelled."""
    record = StaffUpload.objects.get(upload_id=upload_id)
    if record.status not in CANCELLABLE:
        raise DomainError(
            _("This upload is %(status)s; it cannot be cancelled now.")
            % {"status": record.get_status_display()}
        )
    storage = archive_storage()
    try:
        keys = upload_files(upload_id)
    except DomainError:
        keys = []  # nothing kept any more
    for key in keys:
        storage.delete(key)
    _finish(record, Status.CANCELLED, _("Cancelled; its files were removed."), samples={})
    return record


def staff_upload_find(*, upload_id: str) -> StaffUpload:
    try:
        return StaffUpload.objects.get(upload_id=upload_id)
    except StaffUpload.DoesNotExist:
        raise DomainError(_("No such upload.")) from None


def _finish(record: StaffUpload, status: str, outcome: str, **fields) -> None:
    record.status, record.outcome, record.finished_at = status, outcome, timezone.now()
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()


def _problems(err: LoadError) -> list[dict]:
    return [dataclasses.asdict(e) for e in err.errors]


def _tables(counts: list[TableCounts]) -> list[dict]:
    """The tables with files, as JSON (``table_counts`` reads them back)."""
    return [
        {**dataclasses.asdict(c), "files": len(c.files), "changed": [], "forms": dict(c.forms)}
        for c in counts
        if c.files
    ]


def table_counts(record: StaffUpload) -> list[TableCounts]:
    """The recorded tables, as the load reported them (for the preview and the history)."""
    return [
        TableCounts(
            **{
                **row,
                "files": [""] * row["files"],
                "changed": [],
                "forms": Counter(row["forms"]),
            }
        )
        for row in record.tables
    ]


def problems(record: StaffUpload) -> list[RowError]:
    """The recorded problems, their files named as staff see them (``shown_name``)."""
    return [
        RowError(**{**row, "file": shown_name(record.upload_id, row["file"])})
        for row in record.problems
    ]
