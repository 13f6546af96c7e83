"""The one small interface the PostgreSQL and SQLite loaders share, and what they count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.core import codec, spreadsheet
from archive.core.tables import TableSpec
from archive.seed import repairs
from archive.seed.errors import LoadError, RowError
from archive.seed.reader import CsvFile
from archive.seed.verify import ChangedFile
from archive.storage.keys import sequences_past, table_max_key


@dataclass
class TableCounts:
    """What one run did (or, dry, would do) to one table."""

    table: str
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0  # rows the database already held: kept, or identical when updating
    outside: int = 0  # rows outside the window, not loaded
    fixed: int = 0  # cells repaired on reading (phone numbers, empty timestamps)
    warnings: int = 0  # cells kept as they came though they look wrong (not a phone number)
    forms: Counter = field(default_factory=Counter)  # values read in a spreadsheet's form
    files: list[str] = field(default_factory=list)
    changed: list[ChangedFile] = field(default_factory=list)  # loaded though not as archived

    @property
    def rows(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def add_file(self, csv_file: CsvFile) -> None:
        self.files.append(csv_file.name)
        self.outside += csv_file.stats.outside
        self.fixed += csv_file.stats.fixed
        self.warnings += csv_file.stats.warnings
        self.forms.update(csv_file.stats.forms)

    def form_counts(self) -> list[tuple[str, int]]:
        """What was interpreted or repaired, by kind, for people: [(label, count)]."""
        return sorted((str(FORM_LABELS.get(k, k)), n) for k, n in self.forms.items() if n)


# What each kind of non-canonical value is called in summaries and the upload preview.
FORM_LABELS = {
    spreadsheet.TWELVE_HOUR: gettext_lazy("12-hour times"),
    spreadsheet.DAY_FIRST: gettext_lazy("day-first dates"),
    spreadsheet.MONTH_FIRST: gettext_lazy("month-first dates"),
    codec.CHOICE_LABEL: gettext_lazy("statuses written as their labels"),
    repairs.UPDATED_FROM_CREATED: gettext_lazy("empty UpdatedAt set to CreatedAt"),
    repairs.CREATED_FROM_DATE: gettext_lazy("empty CreatedAt set to the row's date"),
    repairs.CREATED_AT_LOAD: gettext_lazy("empty CreatedAt set to the load's moment"),
}


class Loader(Protocol):
    # True when the database reads each cell's type itself and says where it failed (COPY):
    # then the reader may pass cells on after a quick check instead of decoding them.
    checks_types: bool

    def load(
        self,
        spec: TableSpec,
        files: Iterator[CsvFile],
        counts: TableCounts,
        expected_bytes: int | None = None,
    ) -> None:
        """Load every kept row of ``files`` into the table; fill ``counts``."""

    def finish(self, specs: list[TableSpec]) -> None:
        """After all tables: reset sequences behind explicit keys."""


class ValidatingSink:
    """Reads the files to the end and loads nothing: used once a run has errors."""

    checks_types = False

    def load(
        self,
        spec: TableSpec,
        files: Iterator[CsvFile],
        counts: TableCounts,
        expected_bytes: int | None = None,
    ) -> None:
        for csv_file in files:
            for _chunk in csv_file.records():
                pass
            counts.add_file(csv_file)
            csv_file.close()

    def finish(self, specs: list[TableSpec]) -> None:
        return None


def reset_sequences(specs: list[TableSpec]) -> None:
    """Point each auto-increment sequence past the highest key loaded, so the admin can
    insert; never back (a sequence already past the archive's keys stays there)."""
    sequences_past({s.name: top for s in specs if (top := table_max_key(s, None)) is not None})


def database_error(files: list[str], err: Exception, line: int | None = None) -> LoadError:
    """A constraint or type error the database raised, as a load error naming the file."""
    diag = getattr(err, "diag", None) or getattr(err.__cause__, "diag", None)
    reason = str(err).strip()
    column = None
    if diag is not None and diag.message_primary:
        reason = diag.message_primary + (f" ({diag.message_detail})" if diag.message_detail else "")
        column = diag.column_name
    where = ", ".join(files) or _("(no file)")
    return LoadError([RowError(where, line, None, column, None, reason)])
