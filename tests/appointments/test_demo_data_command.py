"""manage.py demo_data shows its progress, also when its output is not a terminal."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.mark.language("en")
def test_demo_data_logs_rows_written_and_their_rate(settings, monkeypatch):
    from appointments.demo.writers import BulkCreateWriter, CopyWriter

    monkeypatch.setattr(BulkCreateWriter, "batch_size", 100)  # several batches, small data
    monkeypatch.setattr(CopyWriter, "batch_size", 100)
    settings.PROGRESS_LOG_SECONDS = 0
    out = StringIO()
    call_command("demo_data", "--customers", "40", "--appointments", "300", stdout=out)
    lines = re.findall(
        r"^\d\d:\d\d:\d\d demo data: ([\d,]+) rows, ([\d.,]+) rows/s$", out.getvalue(), re.M
    )
    assert len(lines) >= 3
    counts = [int(done.replace(",", "")) for done, _rate in lines]
    assert counts == sorted(counts) and counts[0] >= 100


@pytest.mark.language("vi")
def test_demo_data_prints_thousands_in_the_languages_style():
    out = StringIO()
    call_command("demo_data", "--customers", "1200", "--appointments", "1500", stdout=out)
    assert re.search(r"^\s+1\.200\s+khách hàng$", out.getvalue(), re.M)
