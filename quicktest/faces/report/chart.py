"""Geometry of the NRR and gross margin chart, drawn as inline SVG by the template."""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 28, 20, 34


class Series(NamedTuple):
    name: str
    points: str  # "x,y x,y" for a polyline
    dots: list[tuple[float, float, str]]  # x, y, value label


class Chart(NamedTuple):
    width: int
    height: int
    left: int
    right: int
    series: list[Series]
    gridlines: list[tuple[float, str]]  # y, label
    quarters: list[tuple[float, str]]  # x, label
    description: str


def _pct(value: float) -> str:
    """A percentage for a label: whole points, or its size in short past 10,000%."""
    return f"{value * 100:.0f}%" if abs(value) < 100 else f"{value * 100:.3g}%"


def _step(span: float) -> float:
    """The axis step: 10 points for the figures a business reports, and for a series that
    runs to thousands of percent a round step that keeps the axis to a few lines, so the
    chart's size never grows with its values."""
    step = 0.1
    for factor in itertools.cycle((2, 2.5, 2)):  # 0.1, 0.2, 0.5, 1, 2, 5, 10, ...
        if span / step <= 40:
            return step
        step *= factor
    raise AssertionError("unreachable")


def pair_chart(nrr: tuple[float, ...], margin: tuple[float, ...]) -> Chart | None:
    """NRR and gross margin per quarter on one percent axis, aligned at the latest quarter."""
    count = min(len(nrr), len(margin))
    if count < 2:
        return None
    nrr, margin = nrr[-count:], margin[-count:]
    values = [*nrr, *margin]
    step = _step(max(values) - min(values))
    low = min(0.5, math.floor(min(values) / step) * step)
    high = max(1.2, math.ceil(max(values) / step) * step)
    inset = 20  # keeps the first and last values clear of the axis labels
    span_x = (WIDTH - LEFT - RIGHT - 2 * inset) / (count - 1)

    def x(i: int) -> float:
        return round(LEFT + inset + i * span_x, 1)

    def y(v: float) -> float:
        return round(TOP + (high - v) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)

    def series(name: str, data: tuple[float, ...]) -> Series:
        dots = [(x(i), y(v), _pct(v)) for i, v in enumerate(data)]
        return Series(name, " ".join(f"{dx},{dy}" for dx, dy, _ in dots), dots)

    steps = round((high - low) / step)
    grid = [
        (y(low + k * step), _pct(low + k * step))
        for k in range(steps + 1)
        if k % (2 if steps > 8 else 1) == 0
    ]
    labels = [(x(i), f"Q-{count - 1 - i}" if i < count - 1 else "latest") for i in range(count)]

    def words(data: tuple[float, ...]) -> str:
        return ", ".join(_pct(v) for v in data)

    description = (
        f"NRR and gross margin over the last {count} quarters, oldest first. "
        f"NRR: {words(nrr)}. Gross margin: {words(margin)}."
    )
    return Chart(
        WIDTH,
        HEIGHT,
        LEFT,
        RIGHT,
        [series("NRR", nrr), series("Gross margin", margin)],
        grid,
        labels,
        description,
    )
