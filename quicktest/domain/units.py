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
            # the decimal written so that no one could read a thousands separator in it
            kept = fraction.rstrip("0") or "0"
            decimal = f"{whole}.{kept}{'0' * (len(kept) == 3)}"
            raise Unclear(
                f"{text} could be {whole}{fraction} or {whole}.{kept}: write it "
                f"without a thousands separator ({whole}{fraction}) or with a decimal "
                f"point ({decimal})"
            )
        else:
            body = body.replace(",", ".")
    elif _GROUPED.match(body):  # 1 234 567, grouped by spaces
        body = body.translate(_SPACES).replace("'", "")
    whole = body.split(".")[0].split("e")[0].split("E")[0]
    if len(whole) > 1 and whole.startswith("0"):
        return None  # 0755: an octal in YAML 1.1, a typo elsewhere; never a guess
    return float(sign + body) if _NUMBER.match(sign + body) else None


# The largest fraction a percentage metric admits (growth, to 1000%): a bare number up to it
# may be a fraction, and past it can only be a percentage.
FRACTION_LIMIT = 10.0


def read_percentage(text: str) -> float | None:
    """A percentage as people write it, as a fraction, or None when it is not a number.

    One rule for every percentage metric, so that a text means the same in each one that
    admits it: `N%` is N percent; a bare number from -1 to 1 is a fraction (0.93); a bare
    number written with a decimal mark is a fraction up to FRACTION_LIMIT (1.15, 2,5: as
    `sessions export` writes them) and a percentage past it (77.5); a whole number is a
    percentage past FRACTION_LIMIT (93, 115). A whole number between 1 and FRACTION_LIMIT
    (2, 5) could be either: InputError, with both readings. Unclear as `read_number` raises.
    """
    if text.endswith("%"):
        number = read_number(text[:-1])
        return None if number is None else number / 100
    number = read_number(text)
    if number is None or abs(number) <= 1:
        return number
    if abs(number) > FRACTION_LIMIT:
        return number / 100
    if "." in text or "," in text:
        return number
    low, high = f"{_trim(number, 4)}%", f"{_trim(number * 100, 2)}%"
    raise InputError(f"{text} is ambiguous: it could be {low} or {high}; write {low} or {high}")


def parse_value(spec: MetricSpec, raw: object) -> float:
    """One value as written by a person (115%, 1.15, $1.2M) to a number in base units.

    Percentages follow `read_percentage` and are stored as fractions. Raises InputError
    naming the metric.
    """
    expected = _EXPECTED[spec.unit]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InputError(f"expected {expected}, got {raw!r}", field=spec.name)
    text = str(raw).strip()
    value: float | None
    try:
        if spec.unit == "percent":
            value = read_percentage(text)
        else:
            text = text.lstrip("$€£").strip()
            scale = _SCALE.get(text[-1:].lower(), 1) if spec.unit == "currency" else 1
            # 1.500 employees, like 1.500 dollars, may be fifteen hundred: never guessed
            counted = spec.unit in ("currency", "count")
            value = read_number(text[:-1] if scale != 1 else text, amount=counted)
            value = None if value is None else value * scale
    except (Unclear, InputError) as exc:
        raise InputError(str(exc), field=spec.name) from None
    if value is None or not math.isfinite(value):
        raise InputError(f"expected {expected}, got {raw!r}", field=spec.name)
    if not in_bounds(spec, value):
        # as typed where the usual form would round it into the bounds (0.09 as "0.1")
        shown = text if spec.unit in ("count", "months") else format_value(spec, value)
        message = f"{shown} is out of bounds, expected {bounds(spec)}"
        if spec.unit == "percent" and not text.endswith("%") and read_number(text) == value:
            message = f"{text} is read as a fraction, {message}; write {text}% for {text} percent"
        raise InputError(message, field=spec.name)
    return value


def in_bounds(spec: MetricSpec, value: float) -> bool:
    """Whether a value in base units is one the metric admits."""
    low_ok = value > spec.low if spec.low_open else value >= spec.low
    return low_ok and value <= spec.high


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


def format_value(spec: MetricSpec, value: float, currency: str | None = None) -> str:
    """A value as a person reads it: 111%, +4 pts, 1.2M, 14 months; an amount with its
    `currency` where one is known ($1.2M, €60K, CHF 14M: see `money`)."""
    if spec.unit == "percent":
        return f"{_trim(value * 100)}%"
    if spec.unit == "points":
        return f"{value * 100:+.0f} pts" if round(value * 100) else "±0 pts"
    if abs(value) > 1e15:  # past any real figure: say its size, not its digits
        return f"{value:.3g}"
    if spec.unit == "currency":
        return money(value, currency)
    if spec.unit == "months":
        return f"{_trim(value)} months"
    return _trim(value)


# Currencies written with a sign before the amount; any other is written as its code and a
# no-break space (CHF 14M), which every reader of that currency knows.
SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def money(value: float, currency: str | None = None) -> str:
    """An amount as a board reads it: the sign or code first, then millions and billions to
    two decimals (trailing zeros dropped) and thousands whole: $1.2M, €60K, £14M, $1.25B,
    CHF 950; no currency, the number alone (1.2M)."""
    size = abs(value)
    if size >= 999_995_000:  # the size that rounds to a billion is written as one
        number = f"{_trim(size / 1e9, 2)}B"
    elif size >= 999_500:
        number = f"{_trim(size / 1e6, 2)}M"
    elif size >= 999.5:
        number = f"{_trim(size / 1e3, 0)}K"
    else:
        number = _trim(size)
    if currency:
        code = currency.strip().upper()
        number = f"{SIGNS[code]}{number}" if code in SIGNS else f"{code}\u00a0{number}"
    return f"−{number}" if value < 0 else number


def format_range(spec: MetricSpec, low: float, high: float, currency: str | None = None) -> str:
    """A benchmark's range as a person reads it: 88% to 90%, 7 to 16 pts, $107K to $129K,
    6 to 18 months; one figure where the two meet."""
    if low == high:
        return format_value(spec, low, currency)
    if spec.unit in ("points", "months"):
        scale = 100 if spec.unit == "points" else 1
        unit = "pts" if spec.unit == "points" else "months"
        return f"{_trim(low * scale)} to {_trim(high * scale)} {unit}"
    return f"{format_value(spec, low, currency)} to {format_value(spec, high, currency)}"


def _trim(number: float, places: int = 1) -> str:
    return f"{number:.{places}f}".rstrip("0").rstrip(".") if places else f"{number:.0f}"


@overload
def plain(value: Value) -> float | list[float]: ...
@overload
def plain(value: None) -> None: ...
def plain(value: Value | None) -> float | list[float] | None:
    """A value as JSON and YAML hold it: a series as a list."""
    return list(value) if isinstance(value, tuple) else value


# Between the values of a series typed as text: a semicolon, or a comma followed by a space.
# A comma with no space after it is part of a number (77,5%), never a separator.
_SEPARATOR = re.compile(r";|,(?=\s)")
_SEPARATORS = (
    "separate quarters with '; ' or ', ': a comma with no space after it is read as a decimal comma"
)


def split_series(text: str) -> list[str]:
    """The values of a series typed as text: `78%, 76%, 73%` or `0,78; 0,76` (see _SEPARATOR)."""
    return [part.strip() for part in _SEPARATOR.split(text) if part.strip()]


def parse_given(spec: MetricSpec, raw: object) -> Value:
    """A metric as given in a file, a batch cell or a form field: one value, or for a series
    a list (YAML, JSON) or text holding several (`split_series`). Raises InputError naming
    the metric."""
    if isinstance(raw, str):
        parts = split_series(raw)
        if len(parts) < 2:
            try:
                return parse_value(spec, parts[0] if parts else raw)
            except InputError as exc:
                if spec.series and "," in raw:
                    exc.message += f"; {_SEPARATORS}"
                raise
        if not spec.series:
            raise InputError(
                f"expected one value, got {len(parts)} in {raw!r} ('; ' and ', ' separate "
                "values; a decimal comma has no space after it)",
                field=spec.name,
            )
        return tuple(parse_value(spec, part) for part in parts)
    if isinstance(raw, list | tuple):
        if not spec.series:
            raise InputError("expected one value, not a list", field=spec.name)
        if not raw:
            raise InputError("expected at least one value", field=spec.name)
        return tuple(parse_value(spec, item) for item in raw)
    return parse_value(spec, raw)


def parse_text(spec: MetricSpec, text: str) -> Value | None:
    """A value as typed in a form field: empty is None, else as `parse_given` reads it."""
    return parse_given(spec, text) if text.strip() else None


def understood(spec: MetricSpec, text: str) -> str:
    """What a typed value will be saved as, in words, to show beside its field before it is
    saved: "= 1.2%", "= 78%, 76%, 73% (3 quarters, oldest first)", "= 1,234,567"; "" for
    an empty field. Raises the InputError `parse_text` raises, to show in its place."""
    value = parse_text(spec, text)
    if value is None:
        return ""
    if not isinstance(value, tuple):
        return f"= {_exact(spec, value)}"
    shown = ", ".join(_exact(spec, v) for v in value)
    return f"= {shown} ({len(value)} quarters, oldest first)" if len(value) > 1 else f"= {shown}"


def as_typed(spec: MetricSpec, value: Value) -> str:
    """A stored value as a person would type it so that it reads back the same: a form
    field shows it, and saving the field again changes nothing (`show_value` rounds)."""
    if isinstance(value, tuple):
        return "; ".join(as_typed(spec, v) for v in value)
    value += 0.0  # -0.0 shows as 0
    return f"{_trim(value * 100, 6)}%" if spec.unit == "percent" else _trim(value, 6)


def _exact(spec: MetricSpec, value: float) -> str:
    """A value with every digit a person typed (format_value rounds for reading)."""
    value += 0.0  # -0.0 shows as 0
    if spec.unit == "percent":
        return f"{_trim(value * 100, 6)}%"
    if spec.unit == "currency":
        return f"{value:,.2f}".removesuffix(".00")
    return format_value(spec, value) if spec.unit == "months" else _trim(value, 6)


def show_value(
    spec: MetricSpec,
    value: float | tuple[float, ...] | list[float],
    joiner: str = ", ",
    currency: str | None = None,
) -> str:
    """A value as a person reads it; a series joined (commas, as it would be typed back)."""
    if isinstance(value, tuple | list):
        return joiner.join(format_value(spec, v, currency) for v in value)
    return format_value(spec, value, currency)
