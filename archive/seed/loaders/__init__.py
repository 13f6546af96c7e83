"""The seed's loaders: where rows go into the database, one per database vendor.

``base`` holds what they share; ``orm`` loads through the ORM in batches (SQLite, the
embedded default); ``pg`` through COPY and set-based statements (PostgreSQL). The choice
between them is made here, once.
"""

from __future__ import annotations

from django.db import connection

from archive.seed.loaders.base import Loader
from archive.seed.loaders.orm import BatchLoader
from archive.seed.loaders.pg import PgLoader


def loader_for(*, overwrite: bool, dry_run: bool = False) -> Loader:
    """COPY on PostgreSQL; batched upserts elsewhere (the embedded SQLite default).

    ``dry_run``: the load will be rolled back, so PostgreSQL takes no lock that would hold
    anyone else up (archive/seed/loaders/pg.py).
    """
    if connection.vendor == "postgresql":
        return PgLoader(overwrite=overwrite, dry_run=dry_run)
    return BatchLoader(overwrite=overwrite)
