"""Geometry of the NRR and gross margin chart, drawn as inline SVG by the template."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 28, 20, 34


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # "x,y x,y" for a polyline
    dots: list[tuple[float, float, str]]  # x, y, value label


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    series: list[Series]
    gridlines: list[tuple[float, str]]  # y, label
    quarters: list[tuple[float, str]]  # x, label
    description: str


def pair_chart(nrr: tuple[float, ...], margin: tuple[float, ...]) -> Chart | None:
    """NRR and gross margin per quarter on one percent axis, aligned at the latest quarter."""
    count = min(len(nrr), len(margin))
    if count < 2:
        return None
    nrr, margin = nrr[-count:], margin[-count:]
    values = [*nrr, *margin]
    low = min(0.5, (min(values) * 10 // 1) / 10)
    high = max(1.2, -(-max(values) * 10 // 1) / 10)
    inset = 20  # keeps the first and last values clear of the axis labels
    span_x = (WIDTH - LEFT - RIGHT - 2 * inset) / (count - 1)

    def x(i: int) -> float:
        return round(LEFT + inset + i * span_x, 1)

    def y(v: float) -> float:
        return round(TOP + (high - v) / (high - low) * (HEIGHT - TOP - BOTTOM), 1)

    def series(name: str, data: tuple[float, ...]) -> Series:
        dots = [(x(i), y(v), f"{v * 100:.0f}%") for i, v in enumerate(data)]
        return Series(name, " ".join(f"{dx},{dy}" for dx, dy, _ in dots), dots)

    steps = round((high - low) / 0.1)
    grid = [
        (y(low + k * 0.1), f"{(low + k * 0.1) * 100:.0f}%")
        for k in range(steps + 1)
        if k % (2 if steps > 8 else 1) == 0
    ]
    labels = [(x(i), f"Q-{count - 1 - i}" if i < count - 1 else "latest") for i in range(count)]

    def words(data: tuple[float, ...]) -> str:
        return ", ".join(f"{v * 100:.0f}%" for v in data)

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
