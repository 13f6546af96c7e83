"""Bar charts drawn on the server as SVG geometry: no script, no internet, readable without CSS.

``stacked_bars`` turns counts into rectangles, grid lines and labels; the template
``dashboard/_chart.html`` only writes them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.functional import Promise

GRID_LINES = 4


@dataclass(frozen=True)
class Series:
    key: str
    label: str | Promise
    color: str


@dataclass(frozen=True)
class Column:
    label: str  # under the axis (may be left out when columns are dense)
    title: str  # the column's full name in tooltips
    values: dict[str, int]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str
    tooltip: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    rects: list[Rect]
    grid: list[Text]  # y-axis ticks: a line and its value at height y
    labels: list[Text]
    series: list[Series]
    description: str


def nice_step(value: float) -> int:
    """The smallest whole 1, 2, 5 × 10ⁿ at or above ``value``: a grid step that reads well."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


def stacked_bars(
    columns: list[Column],
    series: list[Series],
    *,
    description: str,
    width: int = 760,
    height: int = 240,
    max_labels: int = 12,
) -> Chart:
    """One bar per column, its series stacked bottom-up in ``series`` order."""
    left, right, top, bottom = 44, 8, 10, 26
    plot_width = width - left - right
    plot_height = height - top - bottom
    peak = max((sum(c.values.get(s.key, 0) for s in series) for c in columns), default=0)
    step = nice_step(peak / GRID_LINES)
    axis_top = step * GRID_LINES
    slot = plot_width / max(len(columns), 1)
    bar_width = max(slot * 0.72, 1.0)
    baseline = top + plot_height
    rects: list[Rect] = []
    labels: list[Text] = []
    every = max(1, math.ceil(len(columns) / max_labels))
    for index, column in enumerate(columns):
        x = left + index * slot + (slot - bar_width) / 2
        y = baseline
        for s in series:
            value = column.values.get(s.key, 0)
            if not value:
                continue
            h = value / axis_top * plot_height
            y -= h
            tooltip = f"{column.title} · {s.label}: {value}"
            rects.append(
                Rect(round(x, 2), round(y, 2), round(bar_width, 2), round(h, 2), s.color, tooltip)
            )
        if index % every == 0:
            labels.append(Text(round(x + bar_width / 2, 2), height - 8, column.label))
    grid = [
        Text(left - 6, round(baseline - plot_height * n / GRID_LINES, 2), str(step * n))
        for n in range(GRID_LINES + 1)
    ]
    return Chart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        baseline=baseline,
        rects=rects,
        grid=grid,
        labels=labels,
        series=series,
        description=description,
    )
