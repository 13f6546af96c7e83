"""Programs and their participants against the hand-counted data."""

from __future__ import annotations

import pytest

from appointments import selectors

from .conftest import ALL

pytestmark = pytest.mark.django_db


def test_program_totals_by_status(known):
    table = selectors.program_table(visible=ALL)
    assert table.total == 4
    assert table.upcoming == 1
    assert table.by_status == {"upcoming": 2, "ongoing": 1, "completed": 1}
    assert table.participants_by_status == {"registered": 1, "attended": 2, "cancelled": 1}


def test_each_program_has_its_participants_by_status(known):
    rows = {r.program_id: r for r in selectors.program_table(visible=ALL).rows}
    p = known.programs
    assert rows[p["p1"].pk].participants == {"registered": 1, "attended": 1, "cancelled": 0}
    assert rows[p["p3"].pk].participants_total == 2
    assert rows[p["p4"].pk].participants_total == 0
    assert [r.program_id for r in selectors.program_table(visible=ALL).rows] == [
        p["p2"].pk,
        p["p1"].pk,
        p["p4"].pk,
        p["p3"].pk,
    ]  # newest date first


def test_programs_without_participant_permission_have_no_participant_numbers(known):
    table = selectors.program_table(visible={"communityprogram"}, limit=2)
    assert table.participants_by_status is None
    assert len(table.rows) == 2
    assert all(r.participants is None and r.participants_total is None for r in table.rows)
