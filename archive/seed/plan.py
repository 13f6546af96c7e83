"""Which files hold a table: the manifest's (only the months a window touches), else a single file.

docs/architecture.md, "Storage layout": when the manifest lists a table, its files are the table's
archive copy; otherwise the original system's ``data/<Table>.csv`` is, matched to the table
by file name case-insensitively. A ``data/*.csv`` named after no table is an error. With
no manifest but files in our monthly layout, the archive has lost its manifest: refused.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from archive.core.calendar import Window
from archive.core.tables import TABLES, TableSpec
from archive.seed.errors import LoadError, RowError
from archive.seed.verify import Expected, expected_of
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.objects import objects
from archive.storage.streams import storage_chunks
from meetassist.exceptions import DomainError

_MONTH_FILE = re.compile(r"(\d{4}-\d\d)\.csv")
# The admin's export: ``appointment-2025-01-31.csv``, or a second download of it as a
# browser names it (``… (1).csv``, kept on upload as ``…_1.csv``).
_EXPORT_STEM = re.compile(r"([a-z]+)-\d{4}-\d\d-\d\d(?:[ _-]*\(?\d{1,3}\)?)?")


@dataclass(frozen=True)
class Source:
    """One file to read: its name (as errors show it), size if known, and how to open it.

    ``expected``: what the manifest records of it (checked as it is read); None for a file
    no manifest lists (the original system's single files, uploads).
    """

    name: str
    size: int | None
    open: Callable[[], Iterator[bytes]]
    expected: Expected | None = None


def table_for_file(path: str) -> TableSpec | None:
    """The table a file is named after: ``Customer.csv``, ``appointment/2025-01.csv``, or
    the admin's export ``appointment-2025-01-31.csv``."""
    stem, extension = posixpath.splitext(posixpath.basename(path))
    if extension.lower() != ".csv":
        return None
    names = {spec.name: spec for spec in TABLES}
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    if _MONTH_FILE.fullmatch(posixpath.basename(path)) and parent in names:
        return names[parent]
    exported = _EXPORT_STEM.fullmatch(stem.lower())
    return names.get(exported.group(1) if exported else stem.lower())


def unknown_table(name: str) -> RowError:
    known = ", ".join(spec.name for spec in TABLES)
    reason = _("a file for an unknown table; tables are: %(known)s") % {"known": known}
    return RowError(name, None, None, None, None, reason)


def _opener(key: str) -> Callable[[], Iterator[bytes]]:
    return lambda: storage_chunks(archive_storage(), key)[0]


def archive_sources(
    specs: list[TableSpec], manifest: dict[str, Any] | None, window: Window | None
) -> dict[str, list[Source]]:
    """The files to read for each table, in the order to read them."""
    if manifest is None:
        _refuse_lost_manifest()
    listed = (manifest or {}).get("tables") or {}
    plan: dict[str, list[Source]] = {}
    singles: dict[str, Source] | None = None
    for spec in specs:
        entry = listed.get(spec.name)
        if isinstance(entry, dict) and isinstance(entry.get("files"), dict):
            plan[spec.name] = _manifest_files(spec, entry["files"], window)
            continue
        if singles is None:
            singles = _single_files()
        plan[spec.name] = [singles[spec.name]] if spec.name in singles else []
    return plan


def _manifest_files(spec: TableSpec, files: dict, window: Window | None) -> list[Source]:
    months = window.months() if window is not None and spec.windowed else None
    sources = []
    for key in sorted(files):
        month = _MONTH_FILE.fullmatch(posixpath.basename(key))
        if months is not None and month and month.group(1) not in months:
            continue
        info = files[key] if isinstance(files[key], dict) else {}
        sources.append(Source(key, info.get("bytes"), _opener(key), expected_of(info)))
    return sources


def _refuse_lost_manifest() -> None:
    """No manifest, yet files in our monthly layout (``data/<table>/<YYYY-MM>.csv``): the
    archive lost its manifest, and its files could be neither checked nor told apart."""
    windowed = {spec.name for spec in TABLES if spec.windowed}
    found = sorted(
        key
        for key in objects(archive_storage()).listing("data/")
        if key.count("/") == 2
        and posixpath.basename(posixpath.dirname(key)) in windowed
        and _MONTH_FILE.fullmatch(posixpath.basename(key))
    )
    if found:
        raise DomainError(
            _(
                "The archive has no manifest (%(manifest)s), yet it holds %(count)d monthly "
                "data files, such as %(example)s: it has lost its manifest. Nothing was "
                "loaded. To recover, rebuild the manifest from the archived files "
                "(manage.py verify_archive --rebuild-manifest) or restore an earlier "
                "version of it, then seed again."
            )
            % {"manifest": MANIFEST_KEY, "count": len(found), "example": found[0]}
        )


def _single_files() -> dict[str, Source]:
    """The original system's ``data/<Table>.csv`` files, by table."""
    storage = archive_storage()
    try:
        _dirs, names = storage.listdir("data")
    except FileNotFoundError:  # a local archive folder without data/
        return {}
    found: dict[str, Source] = {}
    errors = []
    for name in sorted(names):
        key = f"data/{name}"
        if not name.lower().endswith(".csv"):
            continue
        spec = table_for_file(key)
        if spec is None:
            errors.append(unknown_table(key))
        elif spec.name in found:
            reason = _("a second file for table %(table)s (the first is %(first)s)") % {
                "table": spec.name,
                "first": found[spec.name].name,
            }
            errors.append(RowError(key, None, None, None, None, reason))
        else:
            found[spec.name] = Source(key, storage.size(key), _opener(key))
    if errors:
        raise LoadError(errors)
    return found
