"""Staff uploads: CSV files (or a ZIP of them) kept in the archive, previewed, then loaded.

An upload is kept as received under ``uploads/<UTC timestamp>/`` in the archive storage,
and every later step reads it from there (on Lambda, the preview and the confirmation may
reach different instances). The preview is a dry run of the same load; confirming loads it
all or nothing as an upsert (an upload is newer than the database), then archives its
tables, so the next scheduled archive cannot overwrite it with an older copy.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import posixpath
import re
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from archive.core.calendar import Window
from archive.core.tables import tables as registry_tables
from archive.seed.errors import LoadError, RowError
from archive.seed.headers import delimiter_of
from archive.seed.load import LoadResult, ProgressCallback, run_load
from archive.seed.plan import Source, table_for_file, unknown_table
from archive.seed.upload_zip import (
    ExpansionBudget,
    ZipUnreadable,
    zip_expanded_size,
    zip_members,
    zip_open,
)
from archive.storage.backends import archive_storage
from archive.storage.keys import sequences_past_archive
from archive.storage.manifest import ManifestUnreadable, manifest_read
from archive.storage.streams import open_text, storage_chunks
from meetassist.exceptions import DomainError

UPLOAD_PREFIX = "uploads"
UPLOAD_ID = re.compile(r"\d{8}T\d{6}\.\d{6}Z")
PREVIEW_MAX_ERRORS = 1000  # "every error", within reason for a 50 MB file
SAMPLE_ROWS = 5  # rows per table the preview shows
SAMPLE_CELL = 200  # characters of a cell kept for the preview


@dataclass(frozen=True)
class Upload:
    id: str
    files: list[str]
    bytes: int
    expanded: int  # what reading it costs: a ZIP's members as they expand


def upload_receive(*, files: list[UploadedFile]) -> Upload:
    """Check names and sizes, then keep the files as received; nothing is loaded yet."""
    if not files:
        raise DomainError(_("Choose at least one CSV or ZIP file."))
    limit = settings.ARCHIVE_UPLOAD_MAX_BYTES
    names = [get_valid_filename(posixpath.basename(f.name or "")) for f in files]
    if len(set(names)) != len(names):
        raise DomainError(_("Two files have the same name; upload each table once."))
    expanded = sum(_check(uploaded, limit) for uploaded in files)
    upload_id = timezone.now().astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    storage = archive_storage()
    keys = []
    for uploaded, name in zip(files, names, strict=True):
        uploaded.seek(0)
        keys.append(storage.save(f"{UPLOAD_PREFIX}/{upload_id}/{name}", uploaded))
    return Upload(upload_id, keys, sum(f.size for f in files), expanded)


def _check(uploaded: UploadedFile, limit: int) -> int:
    """Refuse what cannot be loaded; returns the bytes reading the file will cost."""
    name = uploaded.name or ""
    if uploaded.size > limit:
        raise DomainError(
            _("%(name)s is larger than the limit of %(mb)d MB.")
            % {"name": name, "mb": limit // (1 << 20)}
        )
    if name.lower().endswith(".zip"):
        with zip_open(uploaded, name) as archive:
            members = zip_members(archive)
            if not members:
                raise DomainError(_("%(name)s holds no CSV file.") % {"name": name})
            expanded = zip_expanded_size(archive, name)
            for member in members:
                _table_of(member.filename)
            return expanded
    _table_of(name)
    return uploaded.size


def _refuse_workbook(name: str) -> None:
    """A workbook (the admin's XLSX export) is for reading: its timestamps are fractions of
    a day, which keep milliseconds at best, so loading one would change every timestamp.
    The CSV export uploads back as it is."""
    if name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise DomainError(
            _(
                "%(name)s is a workbook: upload the CSV export instead (a workbook cannot "
                "hold timestamps exactly, so loading it would change them)."
            )
            % {"name": name}
        )


def _table_of(name: str) -> str:
    _refuse_workbook(name)
    spec = table_for_file(name)
    if spec is None:
        raise DomainError(str(unknown_table(name)))
    return spec.name


def upload_files(upload_id: str) -> list[str]:
    """The kept files of an upload (their storage keys)."""
    if not UPLOAD_ID.fullmatch(upload_id):
        raise DomainError(_("No such upload."))
    storage = archive_storage()
    try:
        _dirs, names = storage.listdir(f"{UPLOAD_PREFIX}/{upload_id}")
    except FileNotFoundError:
        names = []
    if not names:
        raise DomainError(_("No such upload."))
    return [f"{UPLOAD_PREFIX}/{upload_id}/{name}" for name in sorted(names)]


def shown_name(upload_id: str, name: str) -> str:
    """A kept file's name as staff see it: without the upload's (UTC-named) folder."""
    return name.removeprefix(f"{UPLOAD_PREFIX}/{upload_id}/")


@contextmanager
def _upload_plan(upload_id: str) -> Iterator[dict[str, list[Source]]]:
    """The kept files by table; a ZIP is fetched to a temporary file to read its members."""
    storage = archive_storage()
    plan: dict[str, list[Source]] = {}
    errors: list[RowError] = []
    with ExitStack() as stack:
        for key in upload_files(upload_id):
            if key.lower().endswith(".zip"):
                local = stack.enter_context(tempfile.TemporaryFile())
                for chunk in storage_chunks(storage, key)[0]:
                    local.write(chunk)
                local.seek(0)
                archive = stack.enter_context(zip_open(local, key))
                budget = ExpansionBudget(key)
                for member in zip_members(archive):
                    source = Source(
                        f"{key}:{member.filename}",
                        member.file_size,
                        lambda a=archive, m=member, b=budget: b.member_chunks(a, m),
                    )
                    _add(plan, errors, member.filename, source)
            else:
                source = Source(key, storage.size(key), lambda k=key: storage_chunks(storage, k)[0])
                _add(plan, errors, key, source)
        if errors:
            raise LoadError(errors)
        yield plan


def _add(plan: dict, errors: list, name: str, source: Source) -> None:
    spec = table_for_file(name)
    if spec is None:
        errors.append(unknown_table(source.name))
    else:
        plan.setdefault(spec.name, []).append(source)


def upload_window(date: dt.date | None, window_days: int | None) -> Window | None:
    """An upload loads every row unless staff give a date (then the seed's window rule)."""
    if date is None:
        return None
    return Window.around(date, settings.SEED_WINDOW_DAYS if window_days is None else window_days)


def upload_preview(
    *, upload_id: str, window: Window | None = None, progress: ProgressCallback | None = None
) -> LoadResult:
    """What confirming would do, per table (new, changed, unchanged, outside the window).

    A dry run that holds no one up: no table is emptied or locked exclusively, no archive
    run is kept out, no sequence moves (archive/seed/loaders/pg.py).
    """
    return _load(upload_id, window, dry_run=True, max_errors=PREVIEW_MAX_ERRORS, progress=progress)


def upload_samples(*, upload_id: str, rows: int = SAMPLE_ROWS) -> dict[str, dict]:
    """The first rows of each table's first file, as written: {table: {headers, rows}}."""
    samples = {}
    with _upload_plan(upload_id) as plan:
        for table, sources in plan.items():
            try:
                with closing(open_text(sources[0].open())) as text:
                    first = text.readline()
                    lines = itertools.chain([first], text)
                    reader = csv.reader(lines, delimiter=delimiter_of(first))
                    headers = next(reader, [])
                    body = [
                        [cell[:SAMPLE_CELL] for cell in row]
                        for row in itertools.islice(reader, rows)
                    ]
            except (csv.Error, UnicodeError):
                continue  # the load read it; only this simpler reading fails: no sample
            name = shown_name(upload_id, sources[0].name)
            samples[table] = {"file": name, "headers": headers, "rows": body}
    return samples


def upload_load(
    *, upload_id: str, window: Window | None = None, progress: ProgressCallback | None = None
) -> LoadResult:
    """Load the upload, all or nothing; rows it holds replace the database's."""
    return _load(upload_id, window, dry_run=False, progress=progress)


@dataclass
class UploadResult(LoadResult):
    archived: str = ""  # what archiving the upload's tables said afterwards

    def lines(self) -> list[str]:
        return [*super().lines(), self.archived]


def _load(upload_id: str, window: Window | None, **options) -> LoadResult:
    with _upload_plan(upload_id) as plan:
        specs = registry_tables(list(plan))
        after = None if options["dry_run"] else _keys_past_archive
        try:
            return run_load(specs, plan, window=window, overwrite=True, after=after, **options)
        except ZipUnreadable as err:  # reading stopped there: nothing more to report
            raise err.load_error() from None


def _keys_past_archive(_results: list) -> None:
    """Rows created after an upload never take an archived key (docs/architecture.md, "Keys")."""
    try:
        manifest = manifest_read()
    except ManifestUnreadable:
        return  # the archive run that follows refuses and says why; it moves them itself
    sequences_past_archive(manifest)
