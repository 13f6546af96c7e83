"""What this database owns of a table's archive copy (docs/architecture.md, "never loses a row").

It owns the rows it loaded: the whole table when the seeder loaded it in full or this
database wrote the table's first archive copy (``ArchiveOrigin``), otherwise the dates
inside the windows it loaded (``SeedLoad``); a follower's window (feedback) only where its
parent's loads (appointment) had claimed the dates by then, since the seed loads a follower's
rows only under parents the database holds. An archived row it lacks is dropped only where
it owns; everywhere else the archive keeps it. ``--take-over`` voids older claims
(``ArchiveIdentity.claims_since``): they describe an archive someone else has written since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from archive.core.calendar import Month, Window, merged, next_month
from archive.core.tables import TableSpec, parent_spec
from archive.models import ArchiveIdentity, ArchiveOrigin, SeedLoad


@dataclass(frozen=True)
class Ownership:
    full: bool
    windows: tuple[Window, ...] = ()
    # Keys of followers this database moved with their parent without ever holding them
    # (the manifest's "carried"): wherever they are now, it never loaded them.
    carried: frozenset[tuple[str, ...]] = frozenset()

    def owns_date(self, day: dt.date) -> bool:
        return self.full or any(start <= day <= end for start, end in self.windows)

    def owns_month(self, month: Month) -> bool:
        """Whether every day of the month lies in what this database loaded."""
        last = next_month(month) - dt.timedelta(days=1)
        return self.full or any(start <= month and last <= end for start, end in self.windows)


def claims(identity: ArchiveIdentity) -> tuple[QuerySet, QuerySet]:
    """The loads and first copies that still count (none from before a take-over)."""
    loads, origins = SeedLoad.objects.all(), ArchiveOrigin.objects.all()
    if identity.claims_since is not None:
        loads = loads.filter(loaded_at__gte=identity.claims_since)
        origins = origins.filter(created_at__gte=identity.claims_since)
    return loads, origins


def ownership(spec: TableSpec, identity: ArchiveIdentity) -> Ownership:
    return _owned(spec, identity, until=None)


def _owned(spec: TableSpec, identity: ArchiveIdentity, until: dt.datetime | None) -> Ownership:
    """What the loads and first copies made ``until`` then (all of them: None) claim."""
    loads, origins = claims(identity)
    loads, origins = loads.filter(table=spec.name), origins.filter(table=spec.name)
    if until is not None:
        loads, origins = loads.filter(loaded_at__lte=until), origins.filter(created_at__lte=until)
    if origins.exists() or loads.filter(full=True).exists():
        return Ownership(full=True)
    windows = list(loads.filter(full=False).values_list("window_start", "window_end", "loaded_at"))
    parent = parent_spec(spec)
    if parent is not None:
        # A follower's window load (feedback) loads only the rows whose parent the database
        # held: it claims the dates its parent's loads had claimed by then, no more.
        windows = [
            clipped
            for start, end, loaded_at in windows
            for clipped in _clip(Window(start, end), _owned(parent, identity, until=loaded_at))
        ]
    return Ownership(full=False, windows=merged(Window(start, end) for start, end, *_ in windows))


def _clip(window: Window, owned: Ownership) -> list[Window]:
    """The parts of ``window`` that ``owned`` covers."""
    if owned.full:
        return [window]
    start, end = window
    return [
        Window(max(start, first), min(end, last))
        for first, last in owned.windows
        if first <= end and start <= last
    ]
