"""A metric's unit and bounds, and its values as people write them (115%, 1.15, $1.2M) and
as people read them."""

from __future__ import annotations

import math
import re
from typing import Literal, NamedTuple, overload

from quicktest.domain.errors import InputError

Value = float | tuple[float, ...]
Unit = Literal["percent", "currency", "count", "months", "points"]


class MetricSpec(NamedTuple):
    """One metric: its name in files, its label for people, its unit and bounds."""

    name: str
    label: str
    unit: Unit
    low: float
    high: float
    help: str
    series: bool = False  # may be a list per quarter, oldest first
    low_open: bool = False  # the low bound itself is not allowed (> 0)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# 1,234,567 / 1.234.567 / 1 234 567: one separator kind, groups of three
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,  \u202f'])\d{3}(?:\1\d{3})*$")
_SCALE = {"k": 1e3, "m": 1e6, "b": 1e9}
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


class Unclear(ValueError):
    """A number whose meaning is not certain (1,234: a thousand, or one and a bit?)."""


def read_number(text: str, amount: bool = False) -> float | None:
    """A number as people write it, in either convention, or None when it is not one.

    A decimal comma is read where the meaning is certain (0,85; 112,5; 1.234,56; 2,4) and a
    thousands separator likewise (1,234,567; 1.234.567; 1,234.56). One separator followed
    by exactly three digits (1,234, or 1.234 in an amount) could be either: Unclear is
    raised rather than guessing. YAML and spreadsheet forms that are not plain numbers
    (0755, 1_000, 2:45, .inf) are not numbers here.
    """
    text = text.strip()
    if "_" in text or ":" in text:
        return None
    digits = text.translate(_SPACES) if _GROUPED.match(text) is None else text
    commas, dots = digits.count(","), digits.count(".")
    sign = digits[:1] if digits[:1] in "+-" else ""
    body = digits[len(sign) :]
    if commas and dots:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole or not fraction.isdigit():
            return None
        if not whole.isdigit():
            if not _GROUPED.match(whole):
                return None
            whole = whole.replace("," if decimal == "." else ".", "")
        body = whole + "." + fraction
    elif commas or dots:
        mark = "," if commas else "."
        count = commas or dots
        whole, _, fraction = body.partition(mark)
        if count > 1:
            if not _GROUPED.match(body):
                return None
            body = body.replace(mark, "")
        elif (
            len(fraction) == 3
            and whole not in ("", "0")
            and whole.isdigit()
            and (mark == "," or amount)
        ):
            raise Unclear(
                f"{text} could be {whole}{fraction} or {whole}.{fraction}: write it "
                f"without a thousands separator ({whole}{fraction}) or with a decimal "
                f"point ({whole}.{fraction})"
            )
        else:
            body = body.replace(",", ".")
    elif _GROUPED.match(body):  # 1 234 567, grouped by spaces
        body = body.translate(_SPACES).replace("'", "")
    whole = body.split(".")[0].split("e")[0].split("E")[0]
    if len(whole) > 1 and whole.startswith("0"):
        return None  # 0755: an octal in YAML 1.1, a typo elsewhere; never a guess
    return float(sign + body) if _NUMBER.match(body) else None


def parse_value(spec: MetricSpec, raw: object) -> float:
    """One value as written by a person (115%, 115, 1.15, $1.2M) to a number in base units.

    Percent metrics are stored as fractions. A bare number is a fraction when it is at most 1
    or has a decimal point within the fraction bounds (1.15), a percentage when it is above
    them (115); a whole number between 1 and the bound (NRR 2) is refused as ambiguous.
    """
    expected = _EXPECTED[spec.unit]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InputError(f"expected {expected}, got {raw!r}", field=spec.name)
    text = str(raw).strip()
    value: float | None
    try:
        if spec.unit == "percent":
            if text.endswith("%"):
                value = read_number(text[:-1])
                value = None if value is None else value / 100
            else:
                value = read_number(text)
                if value is not None and abs(value) > 1:
                    whole = isinstance(raw, int) or not any(m in text for m in ".,")
                    if abs(value) > spec.high:
                        value /= 100
                    elif whole:
                        raise InputError(
                            f"{raw} is ambiguous: write {raw}% or as a fraction",
                            field=spec.name,
                        )
        else:
            text = text.lstrip("$€£").strip()
            scale = _SCALE.get(text[-1:].lower(), 1) if spec.unit == "currency" else 1
            value = read_number(text[:-1] if scale != 1 else text, amount=spec.unit == "currency")
            value = None if value is None else value * scale
    except Unclear as exc:
        raise InputError(str(exc), field=spec.name) from None
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
    high = format_value(spec, spec.high)
    return f"more than {low} and at most {high}" if spec.low_open else f"{low} to {high}"


def format_value(spec: MetricSpec, value: float) -> str:
    """A value as a person reads it: 111%, +4 pts, 1.2M, 14 months."""
    if spec.unit == "percent":
        return f"{_trim(value * 100)}%"
    if spec.unit == "points":
        return f"{value * 100:+.0f} pts" if round(value * 100) else "±0 pts"
    if abs(value) > 1e15:  # past any real figure: say its size, not its digits
        return f"{value:.3g}"
    if spec.unit == "currency":
        if abs(value) >= 1e9:
            return f"{_trim(value / 1e9, 2)}B"
        for suffix, scale in (("M", 1e6), ("K", 1e3)):
            if abs(value) >= scale:
                return f"{_trim(value / scale, 2 if suffix == 'M' else 0)}{suffix}"
        return _trim(value)
    if spec.unit == "months":
        return f"{_trim(value)} months"
    return _trim(value)


def _trim(number: float, places: int = 1) -> str:
    return f"{number:.{places}f}".rstrip("0").rstrip(".") if places else f"{number:.0f}"


@overload
def plain(value: Value) -> float | list[float]: ...
@overload
def plain(value: Value | None) -> float | list[float] | None: ...
def plain(value: Value | None) -> float | list[float] | None:
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
