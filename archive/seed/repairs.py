"""Whole-row repairs for the original system's files: the timestamps it left empty.

The original left ``UpdatedAt`` empty on appointments never updated, and some files lack a
``CreatedAt``. Both are repaired, never refused, and counted by kind:

- an empty ``updated_at`` takes the row's ``created_at`` (never updated: last changed when
  it was made);
- an empty ``created_at`` takes midnight (TIME_ZONE) at the start of the row's own date
  (an appointment's or a slot's date, a program's date, a consultant's join date); a table
  whose rows have no date of their own (customer, feedback) takes the moment the file is
  read. Why: the value comes from the row itself wherever it can, so loading the same file
  twice gives the same database (seeding is idempotent, an ``--overwrite`` changes nothing),
  and it is never later than the row's own day, so "created in the last 7 days" on the
  dashboard does not count years-old rows as new. Only rows without any date get the
  load's moment, as a file without the column gets the column's default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from archive.core.codec import CellError, decode, encode

UPDATED_FROM_CREATED = "updated-from-created"
CREATED_FROM_DATE = "created-from-date"
CREATED_AT_LOAD = "created-at-load"


@dataclass(frozen=True)
class RowRepair:
    """Fill cell ``target`` when empty: from cell ``source`` (a timestamp, or a date taken
    at midnight), or, without a source, with the load's moment."""

    target: int
    source: int | None
    kind: str


def row_repairs(fields: list[models.Field]) -> list[RowRepair]:
    """The repairs a file with these columns gets, in the order they apply."""
    at = {f.attname: i for i, f in enumerate(fields)}

    def required_timestamp(name: str) -> bool:
        return (
            name in at
            and isinstance(fields[at[name]], models.DateTimeField)
            and not (fields[at[name]].null)
        )

    repairs = []
    if required_timestamp("created_at"):
        dates = [
            i
            for i, f in enumerate(fields)
            if type(f) is models.DateField and not f.null and not f.is_relation
        ]
        if dates:
            repairs.append(RowRepair(at["created_at"], dates[0], CREATED_FROM_DATE))
        else:
            repairs.append(RowRepair(at["created_at"], None, CREATED_AT_LOAD))
    if required_timestamp("updated_at") and "created_at" in at:
        repairs.append(RowRepair(at["updated_at"], at["created_at"], UPDATED_FROM_CREATED))
    return repairs


def repair_row(
    repairs: list[RowRepair], fields: list[models.Field], row: list[str], moment: dt.datetime
) -> list[str]:
    """Fill the row's empty cells in place; returns the kinds of repairs made."""
    made = []
    for repair in repairs:
        if row[repair.target].strip():
            continue
        if repair.source is None:
            row[repair.target] = encode(fields[repair.target], moment)
        elif repair.kind == CREATED_FROM_DATE:
            try:
                day = decode(fields[repair.source], row[repair.source]).value
            except CellError:
                continue  # the date's own error explains the row
            if day is None:
                continue
            midnight = dt.datetime.combine(day, dt.time())
            local = timezone.make_aware(midnight, timezone.get_default_timezone())
            row[repair.target] = encode(fields[repair.target], local)
        elif row[repair.source].strip():
            row[repair.target] = row[repair.source]
        else:
            continue
        made.append(repair.kind)
    return made
