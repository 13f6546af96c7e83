"""What this database owns of a table's archive copy (DESIGN.md, "never loses a row").

It owns the rows it loaded: the whole table when the seeder loaded it in full or this
database wrote the table's first archive copy (``ArchiveOrigin``), otherwise the dates
inside the windows it loaded (``SeedLoad``). An archived row it lacks is dropped only where
it owns; everywhere else the archive keeps it. ``--take-over`` voids older claims
(``ArchiveIdentity.claims_since``): they describe an archive someone else has written since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import ArchiveIdentity, ArchiveOrigin, SeedLoad
from .sources import Month, next_month
from .tables import TableSpec

Window = tuple[dt.date, dt.date]  # inclusive


@dataclass(frozen=True)
class Ownership:
    full: bool
    windows: tuple[Window, ...] = ()

    def owns_date(self, day: dt.date) -> bool:
        return self.full or any(start <= day <= end for start, end in self.windows)

    def owns_month(self, month: Month) -> bool:
        """Whether every day of the month lies in what this database loaded."""
        last = next_month(month) - dt.timedelta(days=1)
        return self.full or any(start <= month and last <= end for start, end in self.windows)


def _merged(windows: list[Window]) -> tuple[Window, ...]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def claims(identity: ArchiveIdentity) -> tuple[QuerySet, QuerySet]:
    """The loads and first copies that still count (none from before a take-over)."""
    loads, origins = SeedLoad.objects.all(), ArchiveOrigin.objects.all()
    if identity.claims_since is not None:
        loads = loads.filter(loaded_at__gte=identity.claims_since)
        origins = origins.filter(created_at__gte=identity.claims_since)
    return loads, origins


def ownership(spec: TableSpec, identity: ArchiveIdentity) -> Ownership:
    loads, origins = claims(identity)
    loads, origins = loads.filter(table=spec.name), origins.filter(table=spec.name)
    if origins.exists() or loads.filter(full=True).exists():
        return Ownership(full=True)
    windows = loads.filter(full=False).values_list("window_start", "window_end")
    return Ownership(full=False, windows=_merged(list(windows)))
