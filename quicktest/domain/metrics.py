"""Metric inputs: their names, units and bounds, how values are written, and derived figures."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import lru_cache
from string import Formatter

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.units import (
    MetricSpec,
    Value,
    format_value,
    parse_given,
    plain,
    show_value,
)

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
        MetricSpec("arr", "ARR", "currency", 0, 1e15, "annual recurring revenue", low_open=True),
        MetricSpec("employees", "Employees", "count", 0.1, 1e8, "full-time equivalents"),
        MetricSpec("arr_growth", "ARR growth", "percent", -1, 10, "year over year"),
        MetricSpec("headcount_growth", "Headcount growth", "percent", -1, 10, "year over year"),
        MetricSpec(
            "acv",
            "Average contract value",
            "currency",
            0,
            1e12,
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
            "logos_lost", "Customers lost", "percent", 0, 1, "starting customers no longer paying"
        ),
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


class Metrics:
    """Given metric inputs (fractions or units; series as tuples) and what derives from them.

    Immutable by convention; `current` holds every metric's value now (the latest quarter of
    a series, given before derived), computed once so that rules only look values up.
    """

    __slots__ = ("_shown", "computed", "current", "derived", "given", "notes")

    def __init__(
        self,
        given: Mapping[str, Value] | None = None,
        computed: frozenset[str] = frozenset(),  # names that came from a revenue file
        notes: tuple[str, ...] = (),  # figures replaced by others (a revenue file's)
    ) -> None:
        self.given: Mapping[str, Value] = given if given is not None else {}
        self.computed = computed
        self.notes = notes
        self.derived: dict[str, float] = _derive(self.given)
        current: dict[str, float] = dict(self.derived)
        for name, value in self.given.items():
            current[name] = value[-1] if isinstance(value, tuple) else value
        self.current = current
        self._shown: dict[str, str] = {}  # display() per name, asked for again and again

    def __bool__(self) -> bool:
        return bool(self.given)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Metrics):
            return NotImplemented
        return (self.given, self.computed, self.notes) == (other.given, other.computed, other.notes)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Metrics({dict(self.given)!r})"

    def value(self, name: str) -> float | None:
        """The current value of a metric (the latest quarter for a series), or None."""
        return self.current.get(name)

    def series(self, name: str) -> tuple[float, ...]:
        value = self.given.get(name)
        if value is None:
            return ()
        return value if isinstance(value, tuple) else (value,)

    def display(self, name: str) -> str:
        shown = self._shown.get(name)
        if shown is None:
            value = self.value(name)
            shown = "not provided" if value is None else format_value(ALL[name], value)
            self._shown[name] = shown
        return shown

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
        return Metrics(
            {**self.given, **other.given},
            self.computed | other.computed,
            tuple(notes),
        )


def _derive(given: Mapping[str, float | tuple[float, ...]]) -> dict[str, float]:
    def latest(name: str) -> float | None:
        value = given.get(name)
        return value[-1] if isinstance(value, tuple) else value

    def change(name: str) -> float | None:
        value = given.get(name)
        return value[-1] - value[0] if isinstance(value, tuple) and len(value) > 1 else None

    arr, employees = latest("arr"), latest("employees")
    nrr, grr, logos = latest("nrr"), latest("grr"), latest("logo_retention")
    arr_growth, headcount_growth = latest("arr_growth"), latest("headcount_growth")
    derived = {
        "arr_per_employee": arr / employees if arr and employees else None,
        "nrr_grr_spread": nrr - grr if nrr is not None and grr is not None else None,
        "gross_margin_trend": change("gross_margin"),
        "nrr_trend": change("nrr_history"),
        "growth_leverage": arr_growth - headcount_growth
        if arr_growth is not None and headcount_growth is not None
        else None,
        "logos_lost": 1 - logos if logos is not None else None,
    }
    return {name: round(value, 10) for name, value in derived.items() if value is not None}


def _first(given: Mapping[str, Value], name: str) -> float | None:
    value = given.get(name)
    return value[0] if isinstance(value, tuple) and len(value) > 1 else None


def _number(given: Mapping[str, Value], name: str) -> float | None:
    value = given.get(name)
    return value if isinstance(value, float | int) else None


def _times(a: float | None, b: float) -> float | None:
    return None if a is None else a * b


def _plus(a: float | None, b: float) -> float | None:
    return None if a is None else a + b


# How to move a derived figure: the input that moves it, and the input's value that gives the
# derived one a value, from the other inputs given (None when they are not). A series moves
# by its latest quarter. Used to find what would change a read, never to score one.
# What each derived figure is computed from (`_derive`): a change to any of these moves it.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "arr_per_employee": ("arr", "employees"),
    "nrr_grr_spread": ("nrr", "grr"),
    "gross_margin_trend": ("gross_margin",),
    "nrr_trend": ("nrr_history",),
    "growth_leverage": ("arr_growth", "headcount_growth"),
    "logos_lost": ("logo_retention",),
}

LEVERS: dict[str, tuple[str, Callable[[Mapping[str, Value], float], float | None]]] = {
    "nrr_grr_spread": ("grr", lambda g, v: _plus(_number(g, "nrr"), -v)),
    "gross_margin_trend": ("gross_margin", lambda g, v: _plus(_first(g, "gross_margin"), v)),
    "nrr_trend": ("nrr_history", lambda g, v: _plus(_first(g, "nrr_history"), v)),
    "growth_leverage": ("arr_growth", lambda g, v: _plus(_number(g, "headcount_growth"), v)),
    "arr_per_employee": ("arr", lambda g, v: _times(_number(g, "employees"), v)),
    "logos_lost": ("logo_retention", lambda g, v: 1 - v),
}


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
            given[spec.name] = parse_given(spec, value)
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


@lru_cache(maxsize=1024)
def _segments(text: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    return tuple(Formatter().parse(text))


_CONVERSIONS: dict[str, Callable[[object], str]] = {"r": repr, "s": str, "a": ascii}


def fill(text: str, metrics: Metrics) -> str:
    """A bank text with its {metric} placeholders filled with values as a person reads them."""
    out = []
    for literal, name, spec, conversion in _segments(text):
        out.append(literal)
        if name is not None:
            value: object = metrics.display(name)
            if conversion:
                value = _CONVERSIONS[conversion](value)
            out.append(format(value, spec or ""))
    return "".join(out)
