"""A CSV file's header: the delimiter it uses, and its columns mapped to a table's fields.

Our own exports and the original system's files (PascalCase headers) both map, case-
insensitively; shared by the seeder's reader, the upload and the audit's object scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _

from archive.core.tables import TableSpec


def delimiter_of(first_line: str) -> str:
    """The separator a header line uses: a comma, else a tab or a semicolon (Excel's)."""
    if "\t" in first_line and "," not in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


@dataclass
class HeaderFields:
    """A header mapped to a table: its fields in file order, the table's fields it lacks
    (filled by their defaults), and each problem as (line, column, value, reason)."""

    fields: list[models.Field] = field(default_factory=list)
    missing: list[models.Field] = field(default_factory=list)
    problems: list[tuple[int, int | None, str | None, str]] = field(default_factory=list)
    #: File positions (0-based) of ``fields`` when the file has columns to ignore, else None.
    positions: list[int] | None = None


def header_fields(spec: TableSpec, headers: list[str], *, names: bool = False) -> HeaderFields:
    """Map a file's header to the table's columns, ours or the original's, case-insensitively.

    ``names``: ignore the columns the admin's export adds for reading (a customer's name
    next to its key), so that an export uploads as it is.
    """
    mapped, seen, positions = HeaderFields(), set(), []
    for position, header in enumerate(headers, start=1):
        found = spec.field_for_header(header)
        if found is None and names and spec.is_name_column(header):
            mapped.positions = positions
            continue
        if found is None:
            known = ", ".join(spec.columns)
            reason = _("unknown column; known: %(k)s") % {"k": known}
            mapped.problems.append((1, position, header, reason))
        elif found.attname in seen:
            mapped.problems.append((1, position, header, _("the same column twice")))
        else:
            seen.add(found.attname)
            mapped.fields.append(found)
            positions.append(position - 1)
    for candidate in spec.fields:
        if candidate.attname in seen:
            continue
        if candidate.attname in spec.key_columns or not (candidate.has_default() or candidate.null):
            mapped.problems.append((1, None, candidate.attname, _("missing required column")))
        else:
            mapped.missing.append(candidate)
    return mapped
