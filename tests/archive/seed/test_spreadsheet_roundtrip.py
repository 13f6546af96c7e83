"""Archive files re-saved by a real spreadsheet application (LibreOffice Calc, headless)
load back: every value survives or is refused with its place; nothing is silently changed.

Two ways staff re-save: LibreOffice's default CSV options, and Excel-like ones (special
numbers detected in an en-US locale, through .xlsx and back to CSV).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from appointments import models as m
from archive.seed.errors import LoadError
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.storage.backends import archive_storage
from tests.archive.archive_files import snapshot, wipe

pytestmark = [pytest.mark.django_db, pytest.mark.spreadsheet, pytest.mark.language("en")]

CSV_OUT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033"
DEFAULT_IN = "CSV:44,34,76,1"
EXCEL_LIKE_IN = "CSV:44,34,76,1,,1033,false,true"  # detect special numbers, en-US


def _soffice(profile: Path, *args: str) -> None:
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=120,
    )


def resave(folder: Path, how: str, profile: Path) -> None:
    """Open every CSV under ``folder`` in LibreOffice and save it as CSV again, in place."""
    for path in sorted(folder.rglob("*.csv")):
        out = path.parent / "resaved"
        if how == "default":
            _soffice(
                profile,
                f"--infilter={DEFAULT_IN}",
                "--convert-to",
                CSV_OUT,
                "--outdir",
                str(out),
                str(path),
            )
        else:
            _soffice(
                profile,
                f"--infilter={EXCEL_LIKE_IN}",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(out),
                str(path),
            )
            book = out / (path.stem + ".xlsx")
            _soffice(profile, "--convert-to", CSV_OUT, "--outdir", str(out), str(book))
            book.unlink()
        shutil.move(out / path.name, path)
        out.rmdir()


def _shop(long_id: bool) -> None:
    customer = m.Customer.objects.create(
        customer_id="1007004114856968072" if long_id else "zalo-an",
        full_name='Nguyễn Thị Ánh, "Bé"',
        phone_number="0912345678",
        date_of_birth=dt.date(2001, 6, 26),
        notes="Gọi sau 8 giờ\nhỏi về ngành Y",
        created_at=dt.datetime(2025, 3, 1, 1, 2, 3, tzinfo=dt.UTC),
    )
    other = m.Customer.objects.create(customer_id="42", full_name="Trần Bình")
    consultant = m.Consultant.objects.create(
        consultant_id=7, full_name="Lê Thu", join_date=dt.date(2024, 1, 2),
        created_at=dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.UTC),
    )  # fmt: skip
    m.ConsultantSchedule.objects.create(
        schedule_id=5, consultant=consultant, date=dt.date(2025, 3, 15),
        start_time=dt.time(14, 30), end_time=dt.time(15, 30), is_available=False,
        created_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    for n, who in ((1, customer), (2, other)):
        appointment = m.Appointment.objects.create(
            appointment_id=n, consultant=consultant, customer=who, date=dt.date(2025, 3, 15),
            time=dt.time(8 + 6 * n, 30), status="completed", description="Tư vấn, lần đầu",
            created_at=dt.datetime(2025, 3, 1, 2, tzinfo=dt.UTC),
        )  # fmt: skip
        m.AppointmentFeedback.objects.create(
            appointment=appointment, rating=4.5, customer_feedback="Rất tốt",
            created_at=dt.datetime(2025, 3, 16, tzinfo=dt.UTC),
        )  # fmt: skip


def _archive_and_resave(archive_dir: Path, tmp_path: Path, how: str) -> dict:
    archive_run()
    before = snapshot()
    resave(archive_dir / "data", how, tmp_path / "lo-profile")
    wipe()
    return before


@pytest.mark.parametrize("how", ["default", "excel-like"])
def test_resaved_archive_files_load_back_unchanged(archive_dir, tmp_path, how):
    _shop(long_id=False)
    before = _archive_and_resave(archive_dir, tmp_path, how)

    result = seed_run(full=True, accept_changed_files=True)

    assert snapshot() == before
    if how == "excel-like":  # times became 02:30:00 PM: read, and counted
        assert any("12-hour times" in line for line in result.lines())


@pytest.mark.parametrize("how", ["default", "excel-like"])
def test_a_19_digit_id_mangled_by_a_resave_is_refused_at_every_place(archive_dir, tmp_path, how):
    _shop(long_id=True)
    _archive_and_resave(archive_dir, tmp_path, how)
    text = archive_storage().open("data/customer.csv").read().decode("utf-8-sig")
    assert "1.00700411485697E+018" in text  # what LibreOffice wrote

    with pytest.raises(LoadError) as refused:
        seed_run(full=True, accept_changed_files=True)

    errors = refused.value.errors
    assert errors, "the mangled ID must be refused"
    for error in errors:
        assert error.line is not None and error.column is not None, str(error)
        assert error.value == "1.00700411485697E+018", str(error)
        assert "format the column as Text and export again" in error.reason
    assert {e.file for e in errors} >= {"data/customer.csv", "data/appointment/2025-03.csv"}
    assert not m.Customer.objects.exists()
