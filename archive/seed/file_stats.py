"""What reading one CSV file counted: rows kept, outside the window, already held, fixed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class FileStats:
    rows: int = 0
    outside: int = 0
    existing: int = 0  # rows skipped because the table holds their key (rows kept)
    fixed: int = 0
    warnings: int = 0  # values kept as they came though they look wrong (phone numbers)
    forms: Counter = field(default_factory=Counter)  # values read from spreadsheet forms

    @property
    def records(self) -> int:
        """Every data record read: kept, outside the window, or skipped as already held."""
        return self.rows + self.outside + self.existing
