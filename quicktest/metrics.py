"""Metric inputs: their names, units and bounds, how values are written, and derived figures."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from quicktest.errors import InputError, did_you_mean

Unit = Literal["percent", "currency", "count", "months", "points"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str
    unit: Unit
    low: float
    high: float
    help: str
    series: bool = False  # may be a list per quarter, oldest first
    low_open: bool = False  # the low bound itself is not allowed (> 0)


INPUTS: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec(
            "nrr",
            "Net revenue retention",
            "percent",
            0,
            3,
            "trailing twelve months, existing customers only",
        ),
        MetricSpec(
            "grr",
            "Gross revenue retention",
            "percent",
            0,
            1,
            "same window as NRR, before expansion",
        ),
        MetricSpec(
            "logo_retention",
            "Logo retention",
            "percent",
            0,
            1,
            "share of starting customers still paying at the end",
        ),
        MetricSpec(
            "gross_margin",
            "Gross margin",
            "percent",
            -1,
            1,
            "one value, or one per quarter, oldest first",
            series=True,
        ),
        MetricSpec(
            "nrr_history",
            "NRR per quarter",
            "percent",
            0,
            3,
            "trailing NRR at each quarter end, oldest first",
            series=True,
        ),
        MetricSpec(
            "arr", "ARR", "currency", 0, math.inf, "annual recurring revenue", low_open=True
        ),
        MetricSpec(
            "employees", "Employees", "count", 0, math.inf, "full-time equivalents", low_open=True
        ),
        MetricSpec("arr_growth", "ARR growth", "percent", -1, 10, "year over year"),
        MetricSpec("headcount_growth", "Headcount growth", "percent", -1, 10, "year over year"),
        MetricSpec(
            "acv",
            "Average contract value",
            "currency",
            0,
            math.inf,
            "picks the benchmark band",
            low_open=True,
        ),
        MetricSpec(
            "discounted_renewal_share",
            "Renewals needing a concession",
            "percent",
            0,
            1,
            "renewals held with a discount, credit or added service",
        ),
        MetricSpec(
            "top_accounts_expansion_share",
            "Expansion from top 10% of accounts",
            "percent",
            0,
            1,
            "share of expansion revenue",
        ),
        MetricSpec(
            "cac_payback_months",
            "CAC payback",
            "months",
            0,
            120,
            "months of margin-adjusted new revenue to repay CAC",
        ),
        MetricSpec(
            "product_sourced_share",
            "Product-sourced revenue",
            "percent",
            0,
            1,
            "new and expansion revenue whose motion the product started",
        ),
        MetricSpec(
            "untouched_expansion_ready_share",
            "Untouched expansion-ready accounts",
            "percent",
            0,
            1,
            "deep-use accounts with no commercial talk last quarter",
        ),
        MetricSpec(
            "outcome_backed_renewal_share",
            "Outcome-backed renewals",
            "percent",
            0,
            1,
            "renewals argued from a measured customer result",
        ),
        MetricSpec(
            "healthy_churn_share",
            "Churn from 'healthy' accounts",
            "percent",
            0,
            1,
            "churned revenue the usage data had rated healthy",
        ),
    )
}

DERIVED: dict[str, MetricSpec] = {
    m.name: m
    for m in (
        MetricSpec(
            "arr_per_employee", "ARR per employee", "currency", 0, math.inf, "arr / employees"
        ),
        MetricSpec("nrr_grr_spread", "NRR minus GRR", "points", -3, 3, "nrr - grr"),
        MetricSpec(
            "gross_margin_trend",
            "Gross margin change",
            "points",
            -2,
            2,
            "latest quarter minus oldest",
        ),
        MetricSpec("nrr_trend", "NRR change", "points", -3, 3, "latest quarter minus oldest"),
        MetricSpec(
            "growth_leverage",
            "ARR growth over headcount growth",
            "points",
            -11,
            11,
            "arr_growth - headcount_growth",
        ),
    )
}

ALL: dict[str, MetricSpec] = {**INPUTS, **DERIVED}

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


@dataclass(frozen=True)
class Metrics:
    """Given metric inputs (fractions or units; series as tuples) and what derives from them."""

    given: Mapping[str, float | tuple[float, ...]] = field(default_factory=dict)
    computed: frozenset[str] = frozenset()  # names that came from a revenue file
    notes: tuple[str, ...] = ()
    derived: Mapping[str, float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", _derive(self.given))

    def __bool__(self) -> bool:
        return bool(self.given)

    def value(self, name: str) -> float | None:
        """The current value of a metric (the latest quarter for a series), or None."""
        value = self.given.get(name, self.derived.get(name))
        if isinstance(value, tuple):
            return value[-1]
        return value

    def series(self, name: str) -> tuple[float, ...]:
        value = self.given.get(name)
        if value is None:
            return ()
        return value if isinstance(value, tuple) else (value,)

    def display(self, name: str) -> str:
        value = self.value(name)
        return "not provided" if value is None else format_value(ALL[name], value)

    def as_json(self) -> dict[str, float | list[float]]:
        return {name: plain(value) for name, value in {**self.given, **self.derived}.items()}

    def merged(self, other: Metrics, source: str = "the revenue file") -> Metrics:
        """These metrics with `other`'s, which win; each replaced value is noted for the read."""
        notes = list(self.notes + other.notes)
        for name, value in other.given.items():
            if name in self.given and self.given[name] != value:
                spec = ALL[name]
                notes.append(
                    f"{name}: {show_value(spec, value)} from {source} replaces the given "
                    f"{show_value(spec, self.given[name])}"
                )
        return Metrics({**self.given, **other.given}, self.computed | other.computed, tuple(notes))


def _derive(given: Mapping[str, float | tuple[float, ...]]) -> dict[str, float]:
    def latest(name: str) -> float | None:
        value = given.get(name)
        return value[-1] if isinstance(value, tuple) else value

    def change(name: str) -> float | None:
        value = given.get(name)
        return value[-1] - value[0] if isinstance(value, tuple) and len(value) > 1 else None

    arr, employees = latest("arr"), latest("employees")
    nrr, grr = latest("nrr"), latest("grr")
    arr_growth, headcount_growth = latest("arr_growth"), latest("headcount_growth")
    derived = {
        "arr_per_employee": arr / employees if arr and employees else None,
        "nrr_grr_spread": nrr - grr if nrr is not None and grr is not None else None,
        "gross_margin_trend": change("gross_margin"),
        "nrr_trend": change("nrr_history"),
        "growth_leverage": arr_growth - headcount_growth
        if arr_growth is not None and headcount_growth is not None
        else None,
    }
    return {name: round(value, 10) for name, value in derived.items() if value is not None}


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


def parse_metrics(raw: object, where: str = "metrics") -> Metrics:
    """A mapping of metric name to value(s), as in an answers or metrics file, to Metrics.

    Raises InputError naming the field; `where` prefixes it (metrics.nrr).
    """
    if raw is None:
        return Metrics()
    if not isinstance(raw, Mapping):
        raise InputError(f"expected a mapping of metric name to value, got {raw!r}", field=where)
    given: dict[str, float | tuple[float, ...]] = {}
    for name, value in raw.items():
        spec = INPUTS.get(str(name))
        if spec is None:
            hint = did_you_mean(name, INPUTS) or f"known metrics: {', '.join(INPUTS)}"
            raise InputError("unknown metric", field=f"{where}.{name}", hint=hint)
        try:
            if isinstance(value, list):
                if not spec.series:
                    raise InputError("expected one value, not a list", field=name)
                if not value:
                    raise InputError("expected at least one value", field=name)
                given[spec.name] = tuple(parse_value(spec, v) for v in value)
            else:
                given[spec.name] = parse_value(spec, value)
        except InputError as exc:
            exc.field = f"{where}.{name}"
            raise
    check_consistent(given, where)
    return Metrics(given)


def check_consistent(given: Mapping[str, float | tuple[float, ...]], where: str) -> None:
    """Refuse values that cannot hold together (GRR above NRR)."""
    nrr, grr = given.get("nrr"), given.get("grr")
    if isinstance(nrr, float) and isinstance(grr, float) and grr > nrr + 1e-9:
        raise InputError(
            f"GRR {format_value(INPUTS['grr'], grr)} is above NRR "
            f"{format_value(INPUTS['nrr'], nrr)}; GRR leaves expansion out, so it is never higher",
            field=f"{where}.grr",
        )
