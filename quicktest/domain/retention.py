"""Retention maths: NRR, GRR and logo retention of a cohort, over a window of periods.

The cohort is every account with revenue at the start; accounts without starting revenue are
new and left out of every ratio:

    NRR = (start - churn - contraction + expansion) / start
    GRR = (start - churn - contraction) / start
    logo retention = cohort accounts still paying at the end / cohort accounts

Periods are month numbers (year * 12 + month - 1); quarters stand at their first month.
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, TypeVar

from quicktest.domain.errors import InputError
from quicktest.domain.metrics import Metrics

_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$", re.IGNORECASE)
K = TypeVar("K")


@dataclass
class Movement:
    """Revenue movements of one cohort over one window, in currency units."""

    start: float = 0.0
    churn: float = 0.0
    contraction: float = 0.0
    expansion: float = 0.0
    kept: float = 0.0  # starting revenue still there at the end, summed per account
    cohort: int = 0
    retained: int = 0
    new: int = 0

    @classmethod
    def between(cls, starts: list[float], ends: list[float], new: int = 0) -> Movement:
        """The movement of accounts with revenue `starts[i]` at the start, `ends[i]` at the end.

        Accounts with no starting revenue are new (`new` counts those already left out):
        counted, and left out of every sum. The sums run in C (map, compress): this is the
        inner loop of every trailing window.
        """
        if 0.0 in starts:
            new += sum(1 for s, e in zip(starts, ends, strict=True) if s <= 0 < e)
            pairs = [(s, e) for s, e in zip(starts, ends, strict=True) if s > 0]
            starts, ends = [s for s, _ in pairs], [e for _, e in pairs]
        start = sum(starts)
        kept = sum(map(min, starts, ends))
        churn = sum(compress(starts, map(operator.not_, ends)))
        return cls(
            start=start,
            churn=churn,
            contraction=start - kept - churn,
            expansion=sum(map(max, starts, ends)) - start,
            kept=kept,
            cohort=len(starts),
            retained=len(ends) - ends.count(0.0),
            new=new,
        )

    # start - churn - contraction, summed per account so rounding cannot push GRR past 0 or 1
    @property
    def nrr(self) -> float | None:
        return (self.kept + self.expansion) / self.start if self.start else None

    @property
    def grr(self) -> float | None:
        return self.kept / self.start if self.start else None

    @property
    def logo_retention(self) -> float | None:
        return self.retained / self.cohort if self.cohort else None

    def as_json(self) -> dict[str, Any]:
        return {
            "nrr": _round(self.nrr),
            "grr": _round(self.grr),
            "logo_retention": _round(self.logo_retention),
            "start": _round(self.start),
            "churn": _round(self.churn),
            "contraction": _round(self.contraction),
            "expansion": _round(self.expansion),
            "accounts": {
                "start": self.cohort,
                "retained": self.retained,
                "churned": self.cohort - self.retained,
                "new": self.new,
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


@dataclass(frozen=True)
class HistoryPoint:
    period: str
    nrr: float | None
    grr: float | None


@dataclass
class RevenueRead:
    """What a revenue file says: the total movement, per --by value, and NRR over time."""

    file: str
    shape: str  # "wide" or "long"
    total: Movement
    by_column: str | None = None
    by: dict[str, Movement] = field(default_factory=dict)
    window: tuple[str, str] | None = None  # long files: start and end period
    history: list[HistoryPoint] = field(default_factory=list)
    quarterly_history: list[HistoryPoint] = field(default_factory=list)

    def metrics(self) -> Metrics:
        """The computed metric inputs, to merge into a read (a computed value wins)."""
        given: dict[str, Any] = {}
        for name in ("nrr", "grr", "logo_retention"):
            value = getattr(self.total, name)
            if value is not None:
                given[name] = round(value, 6)
        series = tuple(round(p.nrr, 6) for p in self.quarterly_history if p.nrr is not None)
        if len(series) > 1:
            given["nrr_history"] = series
        return Metrics(given, computed=frozenset(given))

    def as_json(self) -> dict[str, Any]:
        out = {"file": self.file, "shape": self.shape, **self.total.as_json()}
        if self.window:
            out["window"] = {"from": self.window[0], "to": self.window[1]}
            out["nrr_history"] = [
                {"period": p.period, "nrr": _round(p.nrr), "grr": _round(p.grr)}
                for p in self.history
            ]
        if self.by_column:
            out["by_column"] = self.by_column
            out["by"] = {value: m.as_json() for value, m in sorted(self.by.items())}
        return out


# --- reading --------------------------------------------------------------------------------


def _members(keyed: Iterable[tuple[K, str]]) -> dict[str, list[K]]:
    """The keys (rows or accounts) under each --by value, gathered in one pass."""
    members: dict[str, list[K]] = defaultdict(list)
    for key, label in keyed:
        members[label].append(key)
    return members


def period_index(text: str) -> tuple[int, bool] | None:
    """A period as a month number (quarters at their first month), and whether a quarter."""
    match = _PERIOD.match(text)
    if not match:
        return None
    year, month, quarter = match.groups()
    if month:
        return int(year) * 12 + int(month) - 1, False
    return int(year) * 12 + (int(quarter) - 1) * 3, True


def period_name(index: int, quarterly: bool) -> str:
    year, month = divmod(index, 12)
    return f"{year}-Q{month // 3 + 1}" if quarterly else f"{year}-{month + 1:02d}"


def wide_read(
    file: str,
    starts: list[float],
    ends: list[float],
    labels: list[str] | None,
    by: str | None,
) -> RevenueRead:
    """The read of a wide file: each account's start and end revenue (and --by value)."""
    groups = (
        {
            label: Movement.between([starts[i] for i in rows_of], [ends[i] for i in rows_of])
            for label, rows_of in _members(enumerate(labels)).items()
        }
        if labels is not None
        else {}
    )
    return RevenueRead(file, "wide", Movement.between(starts, ends), by, groups)


def long_read(
    file: str,
    revenue: dict[int, dict[str, float]],
    quarterly: bool,
    labels: dict[str, str],
    by: str | None,
    start: str | None,
    end: str | None,
) -> RevenueRead:
    """The read of a long file: revenue by period and account, over the chosen window."""
    known = sorted(revenue)
    first, last = _window(file, known, quarterly, start, end)
    total = _movement(revenue[first], revenue[last])
    groups = {
        label: _movement(
            *(
                {n: period[n] for n in names if n in period}
                for period in (revenue[first], revenue[last])
            )
        )
        for label, names in _members(labels.items()).items()
    }
    ends = [index for index in known if index - 12 in revenue]
    history = [
        HistoryPoint(period_name(index, quarterly), m.nrr, m.grr)
        for index in ends
        for m in (_movement(revenue[index - 12], revenue[index]),)
    ]
    quarter_ends = [
        point for index, point in zip(ends, history, strict=True) if quarterly or index % 3 == 2
    ]
    return RevenueRead(
        file,
        "long",
        total,
        by,
        groups,
        (period_name(first, quarterly), period_name(last, quarterly)),
        history,
        quarter_ends,
    )


def _movement(first: dict[str, float], last: dict[str, float]) -> Movement:
    """The movement from one period's revenue by account to another's."""
    new = sum(1 for name in last.keys() - first.keys() if last[name] > 0)
    return Movement.between(list(first.values()), [last.get(n, 0.0) for n in first], new)


def _window(
    file: str, known: list[int], quarterly: bool, start: str | None, end: str | None
) -> tuple[int, int]:
    """The start and end period: twelve months apart, ending at the last period by default."""

    def parse(text: str, flag: str) -> int:
        parsed = period_index(text.strip())
        if parsed is None or parsed[1] != quarterly:
            example = "2026-Q1" if quarterly else "2026-03"
            raise InputError(f"{flag} expects a period such as {example}, got {text!r}", file)
        return parsed[0]

    last = parse(end, "--to") if end else None
    first = parse(start, "--from") if start else None
    if first is None:
        last = known[-1] if last is None else last
        first = last - 12
    elif last is None:
        last = first + 12
    if last <= first:
        raise InputError("--to must come after --from", file)
    covered = (
        f"the file covers {period_name(known[0], quarterly)} to {period_name(known[-1], quarterly)}"
    )
    for index in (first, last):
        if index not in known:
            raise InputError(
                f"no revenue in period {period_name(index, quarterly)}; {covered}"
                " and a window needs both ends (twelve months apart by default)",
                file,
            )
    return first, last
