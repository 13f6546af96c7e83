"""Which archived rows the database lacks stay (docs/architecture.md, "never loses a row").

An archived row the database lacks is dropped when this database deleted it (its key and
creation moment are in the change record), when the database holds it under another month
(it moved), or when its date lies in what this database loaded (it was loaded, then
deleted). A follower (feedback) is dated by its parent: the database's parent if present,
else the parent's archived row in the same month; a follower whose parent is in neither is
dropped with it. A follower whose parent this database moved to another month moves with
it (``RowFate.moving``), even if the database never loaded the follower; it is dropped
only when the database owns the whole month it was archived in. Every other row is kept:
it is history this database never held.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from functools import reduce

from django.db.models import Q
from django.utils.dateparse import parse_date

from archive.core import change_record
from archive.core.calendar import Month
from archive.core.collision import (
    check_same_row,
    collision,
    created,
    describe_row,
    describe_values,
    identity_field,
    same_row,
)
from archive.core.tables import TableSpec, parent_spec
from archive.export.history_merge import key_cells, key_value, sort_key
from archive.export.ownership import Ownership

# (parent table, month, parent keys) → (date, creation moment) of those archived that month.
ArchivedParents = Callable[[TableSpec, Month, set], dict]


class RowFate:
    """The ``merge.Fate`` of one file: ``month`` is None for a reference table's file."""

    def __init__(
        self,
        spec: TableSpec,
        month: Month | None,
        owned: Ownership,
        *,
        recorded: bool,
        archived_parents: ArchivedParents,
        where: str = "",
    ) -> None:
        self.spec = spec
        self.where = where  # the file's key, for messages
        self.month = month
        self.owned = owned
        self.recorded = recorded
        self.archived_parents = archived_parents
        self.key = sort_key(spec)
        # Archived rows that leave this file for the month of their parent as the
        # database now dates it, by that month (exporter.table_archive writes them there).
        self.moving: dict[Month, list[list[str]]] = {}

    def survivors(self, rows: list[list[str]]) -> list[list[str]]:
        if self.recorded:
            deleted = change_record.deleted_keys(self.spec, [key_cells(self.spec, r) for r in rows])
            rows = [r for r in rows if not self._deleted_here(r, deleted)]
        if not self.spec.windowed:
            return rows
        present = self._in_database(rows)
        rows = [r for r in rows if self.key(r) not in present]
        kept = []
        for row, (day, moved) in zip(rows, self._dates(rows), strict=True):
            if day is None:
                continue
            # Loaded here, then deleted: the date (for a follower moved away from this
            # file, the whole month it was archived in) lies in what the database loaded,
            # unless it moved the row here itself without holding it (carried).
            mine = self.owned.owns_month(self.month) if moved else self.owned.owns_date(day)
            if mine and key_cells(self.spec, row) not in self.owned.carried:
                continue
            if moved:
                self.moving.setdefault(day.replace(day=1), []).append(row)
            else:
                kept.append(row)
        return kept

    def _deleted_here(self, row: list[str], deleted: change_record.Deleted) -> bool:
        """Whether the change record names this archived row as deleted here: its key, and
        (where rows have one) its creation moment; a row created here under the archived
        row's key and deleted again leaves the archived row alone."""
        moments = deleted.get(key_cells(self.spec, row))
        if moments is None:
            return False
        identity = identity_field(self.spec)
        if identity is None:
            return True
        archived = created(identity, row[self.spec.columns.index(identity.attname)])
        return any(same_row(moment, archived) for moment in moments)

    def check_same(self, pairs: list[tuple[list[str], list[str]]]) -> None:
        for ours, archived in pairs:
            check_same_row(self.spec, ours, archived, self.where)
        parent = parent_spec(self.spec)
        if parent is None or not pairs or self.month is None:
            return
        # A follower under its parent's key: the parent must be the archived one too.
        rows = [archived for _ours, archived in pairs]
        link = self.spec.date_link
        at = self.spec.columns.index(link.attname)
        self._parents_match(parent, rows, [key_value(link, r[at]) for r in rows])

    def _in_database(self, rows: Sequence[list[str]]) -> set[tuple]:
        """The keys of these rows that the database holds (under another month).

        Each must be the archived row moved, not another row created here under its key
        (collision.py): that one fails the table instead of dropping the archived row.
        """
        if not rows:
            return set()
        names = list(self.spec.key_columns)
        keys = [self.key(r) for r in rows]
        found = self.spec.model._default_manager.filter(
            reduce(operator.or_, (Q(**dict(zip(names, k, strict=True))) for k in keys))
            if len(names) > 1
            else Q(**{f"{names[0]}__in": [k[0] for k in keys]})
        )
        identity = identity_field(self.spec)
        if identity is None:
            return set(found.values_list(*names))
        date = self.spec.own_date.name if self.spec.own_date else None
        held = {
            tuple(values[: len(names)]): values[len(names) :]
            for values in found.values_list(*names, identity.attname, *filter(None, [date]))
        }
        at = self.spec.columns.index(identity.attname)
        for row, key in zip(rows, keys, strict=True):
            if key not in held:
                continue
            moment, *day = held[key]
            if not same_row(moment, created(identity, row[at])):
                ours = describe_values(day[0] if day else None, moment)
                raise collision(self.spec, self.where, ours, describe_row(self.spec, row), row)
        return set(held)

    def _dates(self, rows: Sequence[list[str]]) -> list[tuple[dt.date | None, bool]]:
        """Each row's date, and whether the database moved it out of this file's month
        (a follower whose parent the database holds under another month)."""
        parent = parent_spec(self.spec)
        if parent is None:
            index = self.spec.columns.index(self.spec.own_date.attname)
            return [(parse_date(r[index]), False) for r in rows]
        link = self.spec.date_link
        index = self.spec.columns.index(link.attname)
        parents = [key_value(link, r[index]) for r in rows]
        held, archived = self._parents_match(parent, rows, parents)
        dates = {key: (value[0], False) for key, value in archived.items()}
        month = self.month
        dates.update(
            {
                key: (day, month is not None and day.replace(day=1) != month)
                for key, (day, *_) in held.items()
            }
        )
        return [dates.get(p, (None, False)) for p in parents]

    def _parents_match(self, parent: TableSpec, rows: Sequence[list[str]], parents: list) -> tuple:
        """The parents' (date, creation moment) here and archived; a parent created here
        under an archived parent's key raises ``KeyCollision`` for the follower."""
        date_name = self.spec.date_name
        identity = identity_field(parent)
        held = {
            values[0]: values[1:] if identity else (values[1], None)
            for values in parent.model._default_manager.filter(pk__in=set(parents)).values_list(
                "pk", date_name, *([identity.attname] if identity else [])
            )
        }
        archived = self.archived_parents(parent, self.month, set(parents)) if self.month else {}
        for row, key in zip(rows, parents, strict=True):
            if key in held and key in archived and identity is not None:
                self._same_parent(row, held[key], archived[key])
        return held, archived

    def _same_parent(self, row: list[str], held: tuple, archived: tuple) -> None:
        """A follower is dated by its parent only if the database's parent is the archived
        one: a parent created here under an archived key would take its followers along."""
        (held_date, held_made), (archived_date, archived_made) = held, archived
        if not same_row(held_made, archived_made):
            raise collision(
                self.spec,
                self.where,
                describe_values(held_date, held_made),
                describe_values(archived_date, archived_made),
                row,
            )
