"""One all-or-nothing load of CSV files into the database: the core of seeding and uploads.

Tables load in foreign-key order inside one transaction. Bad rows are collected (up to a
limit) while every file is still read to the end, so one run reports every problem it can;
after the first error nothing more is written, and the transaction is rolled back. A dry
run does all the work, including the database's own checks, and then rolls back. A file
the manifest lists is checked as it is read (seed_verify.py): one that changed since it was
archived is an error, unless the run accepts changed files (then the result names it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.core.calendar import Window
from archive.core.tables import TableSpec, followers
from archive.seed.errors import MAX_ERRORS, ErrorLog, LoadError, TooManyErrors
from archive.seed.file_stats import FileStats
from archive.seed.loaders import loader_for
from archive.seed.loaders.base import TableCounts, ValidatingSink
from archive.seed.plan import Source
from archive.seed.reader import CsvFile
from archive.seed.verify import ChangedFile, Digest, missing_error
from archive.seed.window import RowFilter


@dataclass(frozen=True)
class Progress:
    """Reading progress of one file, reported about once per megabyte and when it ends:
    bytes read of ``total``, and the records read from them so far."""

    table: str
    file: str
    done: int
    total: int | None
    rows: int | None = None


@dataclass
class LoadResult:
    tables: list[TableCounts]
    window: Window | None
    dry_run: bool

    def lines(self) -> list[str]:
        """A summary per table, for a terminal or a page."""
        out = [_("Window: %(w)s") % {"w": self.window} if self.window else _("All rows (full).")]
        for counts in self.tables:
            if not counts.files:
                out.append(_("%(t)s: no file") % {"t": counts.table})
                continue
            out.append(
                _(
                    "%(t)s: %(i)d inserted, %(u)d updated, %(k)d already there, "
                    "%(o)d outside the window, %(f)d values fixed (%(n)d files)"
                )
                % {
                    "t": counts.table,
                    "i": counts.inserted,
                    "u": counts.updated,
                    "k": counts.unchanged,
                    "o": counts.outside,
                    "f": counts.fixed,
                    "n": len(counts.files),
                }
            )
            if counts.warnings:
                out.append(
                    ngettext(
                        "%(t)s: %(w)d value kept as it came but looks wrong "
                        "(a phone number that is not a valid number)",
                        "%(t)s: %(w)d values kept as they came but look wrong "
                        "(phone numbers that are not valid numbers)",
                        counts.warnings,
                    )
                    % {"t": counts.table, "w": counts.warnings}
                )
            forms = counts.form_counts()
            if forms:
                read = ", ".join(f"{label}: {n}" for label, n in forms)
                out.append(
                    _("%(t)s: read from spreadsheet forms: %(r)s") % {"t": counts.table, "r": read}
                )
            for changed in counts.changed:
                out.append(
                    _("%(t)s: loaded although changed since archived: %(f)s")
                    % {"t": counts.table, "f": changed}
                )
        if self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out


ProgressCallback = Callable[[Progress], None]


def run_load(
    specs: list[TableSpec],
    plan: dict[str, list[Source]],
    *,
    window: Window | None,
    overwrite: bool,
    dry_run: bool,
    progress: ProgressCallback | None = None,
    max_errors: int = MAX_ERRORS,
    after: Callable[[list[TableCounts]], None] | None = None,
    accept_changed_files: bool = False,
) -> LoadResult:
    """Load the planned files in one transaction; ``after`` runs inside it on success.

    ``accept_changed_files``: a file that differs from its manifest entry is loaded and
    listed in its table's ``changed`` instead of failing the run.
    """
    errors = ErrorLog(max_errors)
    results: list[TableCounts] = []
    names = {spec.name for spec in specs}
    kept_keys: dict[str, set[str]] = {}
    try:
        with transaction.atomic():
            loader = loader_for(overwrite=overwrite, dry_run=dry_run)
            for spec in specs:
                counts = TableCounts(spec.name)
                results.append(counts)
                sources = plan.get(spec.name, [])
                if not sources:
                    continue
                row_filter, collect = _filters(spec, window, names, kept_keys)
                active = ValidatingSink() if errors else loader
                on_changed = counts.changed.append if accept_changed_files else _refuse(errors)
                files = _open(
                    spec,
                    sources,
                    errors,
                    (row_filter, collect),
                    progress,
                    kept_keys,
                    on_changed,
                    exact=not active.checks_types,
                )
                expected = sum(s.size or 0 for s in sources)
                with closing(files):  # a failure mid-file still stops its download
                    active.load(spec, files, counts, expected_bytes=expected)
            errors.check()
            loader.finish(specs)
            if after is not None:
                after(results)
            if dry_run:
                transaction.set_rollback(True)
    except TooManyErrors:
        raise LoadError(errors.errors, truncated=True) from None
    except LoadError as err:
        if errors and err.errors is not errors.errors:
            # Problems the database found after row errors: all of them, up to the limit.
            found = [e for e in err.errors if e not in errors.errors]
            room = errors.limit - len(errors.errors)
            truncated = errors.truncated or len(found) > room
            raise LoadError(errors.errors + found[:room], truncated=truncated) from err
        raise
    return LoadResult(results, window, dry_run)


def _open(
    spec: TableSpec,
    sources: list[Source],
    errors: ErrorLog,
    filters: tuple[RowFilter | None, str | None],
    progress: ProgressCallback | None,
    kept_keys: dict[str, set[str]],
    on_changed: Callable[[ChangedFile], None],
    *,
    exact: bool,
) -> Iterator[CsvFile]:
    """Open the files one after another (each starts downloading only when its turn comes).

    A file the manifest lists is hashed on its way to the parser and checked once the
    loader is done with it (it asks for the next file only after reading this one whole).
    """
    row_filter, collect = filters
    for source in sources:
        counter = _Counter(spec.name, source, progress) if progress else None
        try:
            chunks = source.open()
        except FileNotFoundError:
            errors.add(missing_error(source.name, listed=source.expected is not None))
            continue
        digest = Digest(chunks) if source.expected is not None else None
        if digest is not None:
            chunks = digest.chunks()
        csv_file = CsvFile(spec, source.name, chunks, errors, row_filter, collect, counter, exact)
        if counter is not None:
            counter.stats = csv_file.stats
        try:
            yield csv_file
        finally:
            csv_file.close()
        if counter is not None:
            counter.ended()
        # Not read whole only when reading it failed, which is an error of its own.
        if digest is not None and digest.complete:
            changed = digest.changed(source.name, source.expected, csv_file.stats.records)
            if changed is not None:
                on_changed(changed)
        if collect:
            kept_keys.setdefault(spec.name, set()).update(csv_file.collected)


def _refuse(errors: ErrorLog) -> Callable[[ChangedFile], None]:
    return lambda changed: errors.add(changed.error())


class _Counter:
    """A file's bytes as they arrive (``CsvFile``'s byte counter), told to ``progress``
    with the records parsed by then; once more when the file ends, with all of them."""

    def __init__(self, table: str, source: Source, progress: ProgressCallback) -> None:
        self._table, self._source, self._progress = table, source, progress
        self._done = 0
        self.stats: FileStats | None = None  # the file's, once its reader exists

    def __call__(self, size: int) -> None:
        self._done += size
        self._tell()

    def ended(self) -> None:
        self._tell()

    def _tell(self) -> None:
        rows = self.stats.records if self.stats is not None else None
        source = self._source
        self._progress(Progress(self._table, source.name, self._done, source.size, rows))


def _filters(
    spec: TableSpec, window: Window | None, names: set[str], kept_keys: dict[str, set[str]]
) -> tuple[RowFilter | None, str | None]:
    """The window filter for a table, and which of its columns followers need collected."""
    if window is None or not spec.windowed:
        return None, None
    collect = None
    following = [s.name for s in followers(spec) if s.name in names]
    if following:
        collect = spec.model._meta.pk.attname
    if spec.own_date is not None:
        column = spec.own_date.attname
        dates = window.dates()
        # Every spelling the codec reads as a window day: 2025-03-05 and 2025-3-5.
        spellings = sorted(dates | {"-".join(str(int(n)) for n in d.split("-")) for d in dates})
        prefix = os.path.commonprefix(spellings)  # lets the regex engine skip fast
        rest = "|".join(re.escape(d[len(prefix) :]) for d in spellings)
        hint = re.compile(f"{re.escape(prefix)}(?:{rest})").search
        return RowFilter(column, dates.__contains__, hint), collect
    # Follows its parent's date (feedback follows its appointment): keep the rows whose
    # parent lies in the window, whether loaded now or already in the database.
    link = spec.date_link
    parent = link.related_model
    in_window = parent.objects.filter(**{f"{spec.date_name}__range": (window.start, window.end)})
    keys = {str(pk) for pk in in_window.values_list("pk", flat=True)}
    keys |= kept_keys.get(parent._meta.model_name, set())
    return RowFilter(link.attname, keys.__contains__), collect
