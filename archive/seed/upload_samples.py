"""The sample rows an upload's preview shows, cut to what the viewer may see.

The one rule is appointments/visibility.py: a table's rows (names, phone numbers, e-mail)
show only to staff with its view or change permission; others see the keys, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from appointments.visibility import can_view
from archive.core.tables import table


@dataclass(frozen=True)
class Sample:
    table: str
    file: str
    headers: list[str]
    rows: list[list[str]]
    keys_only: bool  # the viewer may not see this table's rows: only its key columns show


def visible_samples(user: AbstractBaseUser, samples: dict[str, dict]) -> list[Sample]:
    """The stored samples (archive/seed/upload.py, ``upload_samples``) as ``user`` may see them."""
    shown = []
    for name, sample in samples.items():
        spec = table(name)
        headers, rows = sample["headers"], sample["rows"]
        keys_only = not can_view(user, spec.model)
        if keys_only:
            keep = [i for i, header in enumerate(headers) if _is_key(spec, header)]
            headers = [headers[i] for i in keep]
            rows = [[row[i] for i in keep if i < len(row)] for row in rows]
        shown.append(Sample(name, sample["file"], headers, rows, keys_only))
    return shown


def _is_key(spec, header: str) -> bool:
    found = spec.field_for_header(header)
    return found is not None and (found.primary_key or found.is_relation)
