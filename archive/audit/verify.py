"""``verify_archive``: read every object under ``data/`` in full and compare it with the manifest.

Findings, each naming the object:

- missing: the manifest lists it, the storage does not hold it;
- unlisted: a file of our layout (``data/<table>.csv``, ``data/<table>/<YYYY-MM>.csv``)
  that the manifest does not list, or a file of no archived table at all;
- changed: its MD5, size, data rows or highest key differ from the manifest's;
- unparsable: it does not read as its table's CSV (file, line, column);
- manifest: the manifest contradicts itself (a table's rows are not its files' sum, or
  its highest key lies below one its files hold).

Notes are not problems. The original system's single files (``data/Customer.csv``) are
what the seeder reads for a table the manifest omits (docs/architecture.md, "Storage layout"):
they are checked to parse and noted. One the manifest's own files replace is noted as left
over and never read: a migrated bucket keeps them, and failing every night on them would
teach staff to ignore the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.audit.object_scan import ObjectScan
from archive.audit.stored_files import (
    CHANGED,
    DATA_PREFIX,
    MANIFEST,
    MISSING,
    NOTE,
    UNLISTED,
    UNPARSABLE,
    Finding,
    layout_table,
    original_table,
    parse_findings,
    scan_or_finding,
    stored_objects,
)
from archive.core.lock import archive_held
from archive.core.status import ObjectStatus
from archive.core.tables import TABLES, TableSpec
from archive.models import ArchiveVerification
from archive.storage.backends import archive_place
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import ManifestUnreadable, manifest_read

RECORDED_PROBLEMS = 100
WAIT_SECONDS = 600  # for an archive run to finish (the nightly run and the 5-minute one meet)


@dataclass
class CheckedObject:
    """One object as read: ``status`` is ok, or the first kind of finding it got."""

    key: str
    table: str | None
    status: str
    scan: ObjectScan | None = None


@dataclass
class VerificationReport:
    started_at: Any
    finished_at: Any = None
    manifest_found: bool = False
    manifest_problem: str = ""  # the ManifestUnreadable message: nothing else was checked
    objects: list[CheckedObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.kind != NOTE]

    @property
    def ok(self) -> bool:
        return not self.manifest_problem and not self.problems

    def count(self, kind: str) -> int:
        return len({f.key for f in self.findings if f.kind == kind})

    def counts(self) -> dict[str, int]:
        """Objects found missing, unlisted, changed and unparsable."""
        return {kind: self.count(kind) for kind in (MISSING, UNLISTED, CHANGED, UNPARSABLE)}

    @property
    def bytes_read(self) -> int:
        return sum(o.scan.bytes for o in self.objects if o.scan is not None)


def archive_verify(
    *,
    record: bool = True,
    wait_seconds: float = WAIT_SECONDS,
    progress: Callable[[str, int, int], None] | None = None,
) -> VerificationReport:
    """Read every object under ``data/`` and compare it with the manifest; record the result.

    Raises ``DomainError`` (nothing recorded) when an archive run holds the archive longer
    than ``wait_seconds``. ``progress("data/", n, objects in all)`` as it reads the n-th.
    """
    with archive_held(wait_seconds):
        return _verify(record, progress)


def _verify(record: bool, progress: Callable[[str, int, int], None] | None) -> VerificationReport:
    report = VerificationReport(started_at=timezone.now())
    try:
        manifest = manifest_read()
    except ManifestUnreadable as err:
        report.manifest_found, report.manifest_problem = True, str(err)
        report.findings.append(Finding(MANIFEST, MANIFEST_KEY, err.problem))
        return _finish(report, record)
    report.manifest_found = manifest is not None
    entries = _entries(manifest)
    listed = {key: name for name, entry in entries.items() for key in entry["files"]}
    stored = stored_objects()
    if manifest is None and not stored:
        return _finish(_no_archive(report), record)
    if manifest is None and stored:
        report.findings.append(Finding(NOTE, MANIFEST_KEY, _("there is no manifest")))
    highest: dict[str, int] = {}
    keys = sorted(stored.keys() | listed.keys())
    for done, key in enumerate(keys, 1):
        if progress is not None:
            progress(DATA_PREFIX, done, len(keys))  # reading the done-th object
        if key not in stored:
            report.objects.append(CheckedObject(key, listed[key], MISSING))
            report.findings.append(Finding(MISSING, key, _("listed in the manifest, not stored")))
            continue
        checked = _check(key, listed.get(key), entries, report.findings)
        report.objects.append(checked)
        scan = checked.scan
        if checked.table in entries and scan is not None and scan.max_key is not None:
            highest[checked.table] = max(highest.get(checked.table, scan.max_key), scan.max_key)
    report.findings.extend(_table_findings(entries, highest))
    return _finish(report, record)


def _no_archive(report: VerificationReport) -> VerificationReport:
    """No manifest and no data file: a wrong or missing ARCHIVE_DIR or bucket, or nothing
    archived yet. Nothing there cannot "match its manifest" (as seed_from_s3 refuses it)."""
    report.manifest_problem = _(
        "There is no archive to verify: %(place)s holds no manifest (%(manifest)s) and no "
        "data files (data/*.csv). Check ARCHIVE_BUCKET or ARCHIVE_DIR, or archive a database "
        "there first (manage.py archive_now)."
    ) % {"place": archive_place(), "manifest": MANIFEST_KEY}
    report.findings.append(Finding(MISSING, MANIFEST_KEY, _("there is no archive here")))
    return report


def _entries(manifest: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    tables = (manifest or {}).get("tables") or {}
    return {name: {"files": {}, **entry} for name, entry in tables.items()}


def _registered(name: str) -> TableSpec | None:
    return next((spec for spec in TABLES if spec.name == name), None)


def _check(key: str, listed_in: str | None, entries: dict, findings: list) -> CheckedObject:
    """Read one stored object and say what it is and how it compares."""
    if listed_in is not None:
        spec, role = _registered(listed_in), "listed"
    elif (spec := layout_table(key)) is not None:
        # Our reference file for a table the manifest does not list is what the seeder
        # reads as that table's single file; any other file of our layout is unlisted.
        role = "single" if spec.name not in entries and not spec.windowed else UNLISTED
    elif (spec := original_table(key)) is not None:
        role = "ignored" if spec.name in entries else "single"
    else:
        role = "unknown"
    table = listed_in or (spec.name if spec else None)
    read = scan_or_finding(key, spec)
    if isinstance(read, Finding):
        findings.append(read)
        return CheckedObject(key, table, read.kind)
    found = _role_findings(read, role, table, entries)
    findings.extend(found)
    problems = [f for f in found if f.kind != NOTE]
    status = problems[0].kind if problems else NOTE if found else ObjectStatus.OK
    return CheckedObject(key, table, status, read)


def _role_findings(scan: ObjectScan, role: str, table: str | None, entries: dict) -> list:
    key = scan.key
    if role == "listed":
        return _compare(scan, entries[table]["files"][key]) + parse_findings(scan)
    if role == UNLISTED:
        what = _("a file of table %(table)s that the manifest does not list") % {"table": table}
        return [Finding(UNLISTED, key, what), *parse_findings(scan)]
    if role == "unknown":
        return [Finding(UNLISTED, key, _("not a file of any archived table"))]
    if role == "single":
        what = _(
            "the manifest lists no files for table %(table)s, so the seeder reads this "
            "single file (the original system's layout) as its copy"
        ) % {"table": table}
        return [Finding(NOTE, key, what), *parse_findings(scan)]
    what = _(
        "left over from the original system: the manifest lists table %(table)s's own "
        "files, so nothing reads this one"
    ) % {"table": table}
    return [Finding(NOTE, key, what), *parse_findings(scan, NOTE)]


def _compare(scan: ObjectScan, info: dict[str, Any]) -> list[Finding]:
    expected = {
        "md5": info.get("checksum"),
        "bytes": info.get("bytes"),
        "records": info.get("records"),
    }
    actual = {"md5": scan.md5, "bytes": scan.bytes, "records": scan.records}
    if isinstance(info.get("max_key"), int):  # older manifests have none
        expected["max_key"], actual["max_key"] = info["max_key"], scan.max_key
    if expected == actual:
        return []
    template = _("MD5 %(md5)s, %(records)s rows, %(bytes)s bytes")
    detail = _("the manifest says %(expected)s; the object has %(actual)s") % {
        "expected": template % expected,
        "actual": template % actual,
    }
    if "max_key" in expected and expected["max_key"] != actual["max_key"]:
        keys = {"e": expected["max_key"], "a": actual["max_key"]}
        detail += " " + _("(highest key %(e)s, found %(a)s)") % keys
    return [Finding(CHANGED, scan.key, detail)]


def _table_findings(entries: dict, highest: dict[str, int]) -> list[Finding]:
    found = []
    for name, entry in entries.items():
        files = entry["files"].values()
        total = sum(f.get("records") or 0 for f in files if isinstance(f, dict))
        if isinstance(entry.get("records"), int) and entry["records"] != total:
            counts = {"table": name, "n": entry["records"], "m": total}
            detail = _("table %(table)s says %(n)d rows, its files %(m)d") % counts
            found.append(Finding(MANIFEST, name, detail))
        recorded = entry.get("max_key")
        if isinstance(recorded, int) and highest.get(name, recorded) > recorded:
            keys = {"table": name, "n": recorded, "m": highest[name]}
            detail = (
                _(
                    "table %(table)s's highest key is %(n)d, but its files hold key %(m)d: "
                    "new rows could take archived keys"
                )
                % keys
            )
            found.append(Finding(MANIFEST, name, detail))
    return found


def _finish(report: VerificationReport, record: bool) -> VerificationReport:
    report.finished_at = timezone.now()
    if record:
        verification_record(report)
    return report


@transaction.atomic
def verification_record(report: VerificationReport) -> ArchiveVerification:
    """Keep the result (first problems only) and drop runs beyond the last ``KEEP``."""
    problems = report.problems
    saved = ArchiveVerification.objects.create(
        started_at=report.started_at,
        finished_at=report.finished_at,
        result=ArchiveVerification.OK if report.ok else ArchiveVerification.PROBLEMS,
        objects_read=sum(o.scan is not None for o in report.objects),
        bytes_read=report.bytes_read,
        **report.counts(),
        problem_count=len(problems),
        problems=[str(f) for f in problems[:RECORDED_PROBLEMS]],
    )
    stale = ArchiveVerification.objects.values_list("pk", flat=True)[ArchiveVerification.KEEP :]
    ArchiveVerification.objects.filter(pk__in=list(stale)).delete()
    return saved
