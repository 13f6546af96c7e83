"""The archive storage: the ``archive`` entry of STORAGES (S3Storage or the local folder).

Nothing else reaches S3 or the folder directly; keys follow DESIGN.md's storage layout.
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages

MANIFEST_KEY = "metadata/archive_info.json"


def archive_storage() -> Storage:
    return storages["archive"]


def reference_key(table: str) -> str:
    """``data/<table>.csv``: a reference table's single file."""
    return f"data/{table}.csv"


def month_key(table: str, month: str) -> str:
    """``data/<table>/<YYYY-MM>.csv``: one month of a windowed table."""
    return f"data/{table}/{month}.csv"
