"""The objects under ``data/`` as storage holds them: listing them, telling each one's table
(our layout or the original system's single file), and reading one in full into findings.

Shared by ``verify_archive`` (verification.py) and the manifest rebuild (manifest_rebuild.py).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from botocore.exceptions import BotoCoreError, ClientError
from django.utils.translation import gettext as _

from archive.audit.object_scan import ObjectScan, object_scan
from archive.core.status import ObjectStatus
from archive.core.tables import TABLES, TableSpec
from archive.seed.plan import table_for_file
from archive.storage.backends import archive_storage
from archive.storage.layout import belongs
from archive.storage.objects import Listed, objects

DATA_PREFIX = "data/"
MISSING, UNLISTED, CHANGED, UNPARSABLE, MANIFEST, NOTE = (
    ObjectStatus.MISSING,
    ObjectStatus.UNLISTED,
    ObjectStatus.CHANGED,
    ObjectStatus.UNPARSABLE,
    ObjectStatus.MANIFEST,
    ObjectStatus.NOTE,
)
READ_ERRORS = (OSError, BotoCoreError, ClientError)


@dataclass(frozen=True)
class Finding:
    kind: str  # missing | unlisted | changed | unparsable | manifest | note
    key: str
    detail: str

    def __str__(self) -> str:
        # A place inside the file (":3:1: …") follows the key directly.
        separator = "" if self.detail.startswith(":") else ": "
        return f"{self.kind}: {self.key}{separator}{self.detail}"


def stored_objects() -> dict[str, Listed]:
    """Every object under ``data/``, less the empty "folder" markers S3 consoles create."""
    listing = objects(archive_storage()).listing(DATA_PREFIX)
    return {key: listed for key, listed in listing.items() if not key.endswith("/")}


def layout_table(key: str) -> TableSpec | None:
    """The table whose file ``key`` is in our layout, if any."""
    return next((spec for spec in TABLES if belongs(spec, key)), None)


def original_table(key: str) -> TableSpec | None:
    """The table an original system's single file (``data/Customer.csv``) is named after."""
    if posixpath.dirname(key) != DATA_PREFIX.rstrip("/"):
        return None
    return table_for_file(key)


def scan_or_finding(key: str, spec: TableSpec | None) -> ObjectScan | Finding:
    """The object read in full, or why it could not be read."""
    try:
        return object_scan(archive_storage(), key, spec)
    except FileNotFoundError:
        return Finding(MISSING, key, _("gone while the archive was being read"))
    except READ_ERRORS as err:
        return Finding(UNPARSABLE, key, _("could not be read: %(error)s") % {"error": err})


def parse_findings(scan: ObjectScan, kind: str = UNPARSABLE) -> list[Finding]:
    found = [Finding(kind, scan.key, str(replace(p, file=""))) for p in scan.problems]
    if scan.more_problems:
        more = _("and %(n)d more problems") % {"n": scan.more_problems}
        found.append(Finding(kind, scan.key, more))
    return found
