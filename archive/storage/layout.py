"""The storage layout: which object keys hold what (docs/architecture.md, "Storage layout").

``metadata/archive_info.json`` is the manifest; a reference table is one file
``data/<table>.csv``; a windowed table one file per month ``data/<table>/<YYYY-MM>.csv``.
"""

from __future__ import annotations

import re

from django.utils.dateparse import parse_date

from archive.core.calendar import Month
from archive.core.tables import TableSpec

MANIFEST_KEY = "metadata/archive_info.json"


def reference_key(table: str) -> str:
    """``data/<table>.csv``: a reference table's single file."""
    return f"data/{table}.csv"


def month_key(table: str, month: str) -> str:
    """``data/<table>/<YYYY-MM>.csv``: one month of a windowed table."""
    return f"data/{table}/{month}.csv"


_MONTH_FILE = re.compile(r"^data/(?P<table>[^/]+)/(?P<month>\d{4}-\d{2})\.csv$")


def belongs(spec: TableSpec, key: str) -> bool:
    if not spec.windowed:
        return key == reference_key(spec.name)
    match = _MONTH_FILE.match(key)
    return bool(match) and match["table"] == spec.name


def month_of(key: str) -> Month:
    return parse_date(f"{_MONTH_FILE.match(key)['month']}-01")
