"""Test helpers: archives written by the real exporter, files put by hand, database snapshots.

Seeder tests load what ``export_archive`` (the real archive run) wrote; ``put`` and
``csv_text`` stand for a file someone else wrote (a spreadsheet, the original system).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid

from django.core.files.base import ContentFile
from django.db import connection

from archive.core.status import RunStatus
from archive.core.tables import tables
from archive.models import ArchiveIdentity, ArchiveOrigin
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import manifest_read
from archive.storage.objects import objects

DATABASE_ID = "6f1c2a4e-2b7d-4c1e-9a51-3d2f7e8b9c10"


def put(key: str, text: str, *, encoding: str = "utf-8-sig") -> None:
    """Store ``text`` at ``key`` in the archive storage, replacing what was there."""
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)
    storage.save(key, ContentFile(text.encode(encoding)))


def put_as_archived(key: str, text: str) -> None:
    """Store ``text`` at ``key`` and record it in the manifest as the archive would (its
    MD5, records and bytes): a file the seeder takes as archived, not changed by hand."""
    put(key, text)
    data = text.encode("utf-8-sig")
    manifest = json.loads(archive_storage().open(MANIFEST_KEY).read())
    table = key.split("/")[1].removesuffix(".csv")
    manifest["tables"][table]["files"][key] |= {
        "checksum": hashlib.md5(data).hexdigest(),  # noqa: S324 — a checksum
        "records": len(list(csv.reader(io.StringIO(text, newline="")))) - 1,
        "bytes": len(data),
    }
    put(MANIFEST_KEY, json.dumps(manifest), encoding="utf-8")


def csv_text(header: list[str], rows: list[list[str]], eol: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def export_archive(names: list[str] | None = None, database_id: str = DATABASE_ID) -> dict:
    """Archive the database's tables with the real exporter as the database ``database_id``;
    returns the manifest it wrote.

    All tables (``names`` None) start a new archive: what an earlier export stored is
    removed first. The run is forced (every file written) and takes the archive over;
    afterwards this database's archive identity and first-copy records are put back as
    they were, so a seed that follows sees an archive written by ``database_id``, as a
    database seeding another's archive does.
    """
    store = objects(archive_storage())
    if names is None:
        for key in store.listing(""):
            store.delete(key)
    identity = ArchiveIdentity.current()
    kept = ArchiveIdentity.objects.filter(pk=identity.pk).values().get()
    origins = list(ArchiveOrigin.objects.values())
    identity.database_id = uuid.UUID(database_id)
    identity.save(update_fields=["database_id"])

    result = archive_run(tables=names, force=True, take_over=True)

    assert result.status == RunStatus.SUCCESS, (result.message, result.tables)
    ArchiveIdentity.objects.filter(pk=identity.pk).update(**kept)
    ArchiveOrigin.objects.all().delete()
    ArchiveOrigin.objects.bulk_create(ArchiveOrigin(**row) for row in origins)
    return manifest_read()


def snapshot() -> dict[str, list[tuple]]:
    """Every archived row of every table, in key order: equal snapshots, equal databases."""
    return {
        spec.name: list(spec.model.objects.order_by(*spec.key_columns).values_list(*spec.columns))
        for spec in tables()
    }


def wipe() -> None:
    """Delete every row, children first. PostgreSQL's tables get new, empty files, as a new
    database's are: only a table without pages takes COPY straight in (archive.seed.loaders.pg),
    and earlier tests' rolled-back rows leave pages behind."""
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(s.model._meta.db_table) for s in tables())
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending before TRUNCATE
            cursor.execute(f"TRUNCATE {names} CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys' default
        return
    for spec in reversed(tables()):
        spec.model.objects.all().delete()


def new_database_id() -> str:
    return str(uuid.uuid4())
