"""Metric values as people write them (115%, 1.15, $1.2M) and as people read them."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from quicktest.domain.errors import InputError

if TYPE_CHECKING:
    from quicktest.domain.metrics import MetricSpec

Value = float | tuple[float, ...]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}


def _number(text: str) -> float | None:
    return float(text) if _NUMBER.match(text) else None


def parse_value(spec: MetricSpec, raw: object) -> float:
    """One value as written by a person (115%, 115, 1.15, $1.2M) to a number in base units.

    Percent metrics are stored as fractions. A bare number is a fraction when it is at most 1
    or has a decimal point within the fraction bounds (1.15), a percentage when it is above
    them (115); a whole number between 1 and the bound (NRR 2) is refused as ambiguous.
    """
    expected = _EXPECTED[spec.unit]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InputError(f"expected {expected}, got {raw!r}", field=spec.name)
    text = str(raw).strip().replace(",", "").replace("_", "").replace(" ", "")
    value: float | None
    if spec.unit == "percent":
        if text.endswith("%"):
            value = _number(text[:-1])
            value = None if value is None else value / 100
        else:
            value = _number(text)
            if value is not None and abs(value) > 1:
                whole = isinstance(raw, int) or "." not in text
                if abs(value) > spec.high:
                    value /= 100
                elif whole:
                    raise InputError(
                        f"{raw} is ambiguous: write {raw}% or as a fraction", field=spec.name
                    )
    else:
        text = text.lstrip("$€£")
        scale = _SCALE.get(text[-1:].lower(), 1) if spec.unit == "currency" else 1
        value = _number(text[:-1] if scale != 1 else text)
        value = None if value is None else value * scale
    if value is None or not math.isfinite(value):
        raise InputError(f"expected {expected}, got {raw!r}", field=spec.name)
    if value < spec.low or value > spec.high or (spec.low_open and value == spec.low):
        raise InputError(
            f"{format_value(spec, value)} is out of bounds, expected {bounds(spec)}",
            field=spec.name,
        )
    return value


_EXPECTED = {
    "percent": "a percentage such as 93% or 0.93",
    "currency": "an amount such as 1200000, $1.2M or 250K",
    "count": "a number such as 85",
    "months": "a number of months such as 14",
    "points": "a number of percentage points",
}


def bounds(spec: MetricSpec) -> str:
    low = format_value(spec, spec.low)
    if spec.high == math.inf:
        return f"more than {low}" if spec.low_open else f"at least {low}"
    return f"{low} to {format_value(spec, spec.high)}"


def format_value(spec: MetricSpec, value: float) -> str:
    """A value as a person reads it: 111%, +4 pts, 1.2M, 14 months."""
    if spec.unit == "percent":
        return f"{_trim(value * 100)}%"
    if spec.unit == "points":
        return f"{value * 100:+.0f} pts" if round(value * 100) else "±0 pts"
    if spec.unit == "currency":
        for suffix, scale in (("M", 1e6), ("K", 1e3)):
            if abs(value) >= scale:
                return f"{_trim(value / scale, 2 if suffix == 'M' else 0)}{suffix}"
        return _trim(value)
    if spec.unit == "months":
        return f"{_trim(value)} months"
    return _trim(value)


def _trim(number: float, places: int = 1) -> str:
    return f"{number:.{places}f}".rstrip("0").rstrip(".") if places else f"{number:.0f}"


def plain(value: float | tuple[float, ...] | None) -> float | list[float] | None:
    """A value as JSON and YAML hold it: a series as a list."""
    return list(value) if isinstance(value, tuple) else value


def parse_text(spec: MetricSpec, text: str) -> float | tuple[float, ...] | None:
    """A value as typed in a form field: empty is None; a series takes values split by commas."""
    text = text.strip()
    if not text:
        return None
    if spec.series and "," in text:
        return tuple(parse_value(spec, part) for part in text.split(",") if part.strip())
    return parse_value(spec, text)


def show_value(
    spec: MetricSpec, value: float | tuple[float, ...] | list[float], joiner: str = ", "
) -> str:
    """A value as a person reads it; a series joined (commas, as it would be typed back)."""
    if isinstance(value, tuple | list):
        return joiner.join(format_value(spec, v) for v in value)
    return format_value(spec, value)
