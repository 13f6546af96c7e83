"""Test helpers: write archive files as DESIGN.md lays them out, and snapshot the database.

The exporter belongs to the archive issue; these helpers write the same layout (our column
names, the codec's canonical cells, UTF-8 with BOM, CRLF, monthly files for windowed tables
and a version-1 manifest) so the seeder can be tested on its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import connection

from archive.core.codec import encode
from archive.core.tables import tables
from archive.storage.backends import MANIFEST_KEY, archive_storage, month_key, reference_key
from archive.storage.keys import integer_key

DATABASE_ID = "6f1c2a4e-2b7d-4c1e-9a51-3d2f7e8b9c10"
FINISHED_AT = "2026-01-01T00:01:00+00:00"


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
    """Write the database's tables to the archive storage as files plus a manifest."""
    manifest_tables = {}
    for spec in tables(names):
        by_key: dict[str, list[list[str]]] = defaultdict(list)
        order = list(spec.key_columns)
        paths = [*spec.columns, spec.date_field] if spec.windowed else spec.columns
        for values in spec.model.objects.order_by(*order).values_list(*paths):
            cells = [encode(f, v) for f, v in zip(spec.fields, values, strict=False)]
            key = month_key(spec.name, f"{values[-1]:%Y-%m}") if spec.windowed else None
            by_key[key or reference_key(spec.name)].append(cells)
        if not spec.windowed and not by_key:
            by_key[reference_key(spec.name)] = []
        files = {}
        for key, rows in sorted(by_key.items()):
            data = csv_text(spec.columns, rows).encode("utf-8-sig")
            put(key, data.decode("utf-8-sig"))
            files[key] = {
                "checksum": hashlib.md5(data).hexdigest(),  # noqa: S324 — a checksum
                "records": len(rows),
                "bytes": len(data),
                "last_updated": "2026-01-01T00:00:00+00:00",
            }
        manifest_tables[spec.name] = {
            "records": sum(f["records"] for f in files.values()),
            "bytes": sum(f["bytes"] for f in files.values()),
            "max_key": _max_key(spec),
            "status": "uploaded",
            "files": files,
        }
    manifest = {
        "version": 1,
        "database_id": database_id,
        "last_run": {
            "started_at": "2026-01-01T00:00:00+00:00",
            "finished_at": FINISHED_AT,
            "status": "success",
        },
        "tables": manifest_tables,
        "history": [],
    }
    put(MANIFEST_KEY, json.dumps(manifest), encoding="utf-8")
    return manifest


def _max_key(spec) -> int | None:
    """What the exporter records: the table's highest integer key (None for other keys)."""
    field = integer_key(spec)
    if field is None:
        return None
    return max(spec.model.objects.values_list(field.attname, flat=True), default=None)


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
