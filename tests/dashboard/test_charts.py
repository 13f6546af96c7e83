"""Server-drawn bar charts: heights in proportion, grid steps that read well."""

from __future__ import annotations

import pytest

from dashboard.charts import Column, Series, nice_step, stacked_bars

SERIES = [Series("a", "A", "#111"), Series("b", "B", "#222")]


@pytest.mark.parametrize(
    ("value", "step"), [(0, 1), (0.5, 1), (1, 1), (1.25, 2), (3, 5), (7, 10), (11, 20), (260, 500)]
)
def test_grid_step_is_the_next_one_two_or_five(value, step):
    assert nice_step(value) == step


def test_stacked_bars_are_in_proportion_and_stack_bottom_up():
    chart = stacked_bars(
        [Column("1", "day 1", {"a": 3, "b": 1}), Column("2", "day 2", {"a": 0, "b": 2})],
        SERIES,
        description="test",
        height=240,
    )
    plot_height = chart.baseline - 10
    a1, b1, b2 = chart.rects  # a zero value draws nothing
    assert int(chart.grid[-1].text) == 4  # peak 4 → step 1 → top 4
    assert a1.height == pytest.approx(plot_height * 3 / 4, abs=0.01)
    assert a1.y + a1.height == pytest.approx(chart.baseline, abs=0.01)
    assert b1.y + b1.height == pytest.approx(a1.y, abs=0.01)  # b sits on a
    assert b2.height == pytest.approx(plot_height / 2, abs=0.01)
    assert "day 1" in a1.tooltip and ": 3" in a1.tooltip


def test_an_empty_chart_has_an_axis_and_no_bars():
    chart = stacked_bars([Column("1", "d", {})], SERIES, description="empty")
    assert chart.rects == []
    assert [t.text for t in chart.grid] == ["0", "1", "2", "3", "4"]


def test_dense_columns_get_thinned_labels():
    columns = [Column(str(n), str(n), {"a": n}) for n in range(30)]
    chart = stacked_bars(columns, SERIES, description="30 days", max_labels=10)
    assert [label.text for label in chart.labels] == [str(n) for n in range(0, 30, 3)]
