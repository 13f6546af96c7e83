"""Defence behind docs/architecture.md, "Keys": a row created here never replaces an archived one.

Sequences start past the archive's keys, so a row this database creates gets a key the
archive has never held. If that ever fails (a sequence set back by hand, a database seeded
before this rule), the archive run would find the new row under an archived row's key and,
the database's rows winning, replace the archived row for good. A row keeps the moment it
was created (``created_at``) wherever it is loaded, edited or moved, so two rows under one key
with different creation moments are two different rows: the table fails, naming both, and
the archived row stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.core.codec import CellError, decode
from archive.core.tables import TableSpec
from meetassist.exceptions import DomainError

IDENTITY = "created_at"


class KeyCollision(DomainError):
    """This database created a row under a key whose archived row is another row."""


def identity_field(spec: TableSpec) -> models.Field | None:
    """The column that tells two rows under one key apart, where a sequence hands out keys.

    Other keys name what the row is about (feedback's is its appointment's, a customer's
    their chat-platform ID): a new row under such a key takes the archived row's place.
    """
    pk = spec.model._meta.pk
    if not isinstance(pk, models.AutoField) or spec.key_columns != (pk.attname,):
        return None
    return next((f for f in spec.fields if f.attname == IDENTITY), None)


def created(field: models.Field, cell: str) -> dt.datetime | None:
    """The creation moment in a cell; None when it is empty or unreadable (not comparable)."""
    if not cell:
        return None
    try:
        return decode(field, cell).value
    except CellError:
        return None


def same_row(ours: dt.datetime | None, archived: dt.datetime | None) -> bool:
    """Whether two rows under one key are one row (unknown creation moments count as same).

    Moments are compared at the precision the coarser of the two keeps: a spreadsheet that
    re-saved a timestamp may have dropped its fraction or its seconds, while a moment taken
    by the clock has microseconds (two rows created in one second still differ).
    """
    if ours is None or archived is None:
        return True
    kept = min(_precision(ours), _precision(archived))
    return _truncated(ours, kept) == _truncated(archived, kept)


_MINUTE, _SECOND, _MICROSECOND = range(3)


def _precision(moment: dt.datetime) -> int:
    if moment.microsecond:
        return _MICROSECOND
    return _SECOND if moment.second else _MINUTE


def _truncated(moment: dt.datetime, precision: int) -> dt.datetime:
    if precision == _MINUTE:
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0) if precision == _SECOND else moment


def check_same_row(
    spec: TableSpec, ours: Sequence[str], archived: Sequence[str], where: str
) -> None:
    """Raise ``KeyCollision`` if the database's row and the archived row are not one row."""
    field = identity_field(spec)
    if field is None:
        return
    at = spec.columns.index(field.attname)
    if not same_row(created(field, ours[at]), created(field, archived[at])):
        raise collision(spec, where, describe_row(spec, ours), describe_row(spec, archived), ours)


def collision(
    spec: TableSpec, where: str, ours: str, archived: str, row: Sequence[str]
) -> KeyCollision:
    key = ", ".join(row[spec.columns.index(k)] for k in spec.key_columns)
    return KeyCollision(
        _(
            "%(table)s, key %(key)s (%(file)s): this database created a row (%(ours)s) under "
            "a key the archive already holds for another row (%(archived)s). The archived "
            "row is kept and this table was not archived. The key sequence is now past the "
            "archive's keys: enter this database's row again (it gets a new key) and delete "
            "the one with key %(key)s, then archive again."
        )
        % {"table": spec.name, "key": key, "file": where, "ours": ours, "archived": archived}
    )


def describe_values(date: object, created_at: object) -> str:
    """'dated 2025-02-10, created 2026-12-01 03:00:00+00:00' (what tells the rows apart)."""
    parts = []
    if date:
        parts.append(_("dated %(date)s") % {"date": date})
    parts.append(_("created %(moment)s") % {"moment": created_at or _("at an unknown time")})
    return ", ".join(parts)


def describe_row(spec: TableSpec, cells: Sequence[str]) -> str:
    date = None
    if spec.own_date is not None:
        date = cells[spec.columns.index(spec.own_date.attname)]
    return describe_values(date, cells[spec.columns.index(IDENTITY)])


def kept_over(
    spec: TableSpec, key: str, ours: dt.datetime | None, archived: dt.datetime | None
) -> str | None:
    """Why a seed may not keep this database's row under an archived key, or None.

    A seed keeps the rows the database holds (a live database is newer than its archive)
    and records the load as this database's: kept over another archived row, the next
    archive run would replace that row with this database's for good. Refused instead.
    """
    if same_row(ours, archived):
        return None
    return _(
        "%(table)s, key %(key)s: this database holds a row it created (created %(ours)s) "
        "under a key the archive holds for another row (created %(archived)s); kept, it "
        "would replace the archived row at the next archive run. Nothing was loaded: copy "
        "this database's row, delete it, seed again and enter it again (it then gets a key "
        "the archive does not hold), or seed with --overwrite if the archived row may "
        "replace it."
    ) % {"table": spec.name, "key": key, "ours": _shown(ours), "archived": _shown(archived)}


def _shown(moment: dt.datetime | None) -> str:
    """A moment in local time, as staff read it (the loaders read it in other zones)."""
    if moment is not None and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return str(moment)
