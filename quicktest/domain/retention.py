"""Retention maths: what NRR, GRR and logo retention mean, and what a revenue file's read holds.

The cohort is every account with revenue at the start; accounts without starting revenue are
new and left out of every ratio:

    NRR = (start - churn - contraction + expansion) / start
    GRR = (start - churn - contraction) / start
    logo retention = cohort accounts still paying at the end / cohort accounts

The sums themselves are computed by the revenue engine (`sources.revenue`, in SQL); this
module names them, turns them into ratios and words, and holds the rules for the warnings a
file earns. Periods and windows are `periods`' business.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from quicktest.domain.metrics import Metrics
from quicktest.domain.periods import LAG, period_index, period_name

INCOMPLETE_SHARE = 0.5  # an end period with under half the paying accounts of the one before
MIN_ACCOUNTS_FOR_INCOMPLETE = 5  # below this, a drop is ordinary churn, not a cut-off export


class Movement(NamedTuple):
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
    def of(
        cls,
        start: float,
        kept: float,
        churn: float,
        expansion: float,
        cohort: int,
        retained: int,
        new: int,
    ) -> Movement:
        """A movement from the engine's sums; contraction is what is neither kept nor churned.
        Sums that reach here in another order may differ in their last bits: kept is held
        within start, so GRR can never read above 100%."""
        kept = min(kept, start)
        return cls(
            start, churn, max(start - kept - churn, 0.0), expansion, kept, cohort, retained, new
        )

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


class HistoryPoint(NamedTuple):
    period: str
    nrr: float | None
    grr: float | None


class DataWarning(NamedTuple):
    """Something in a revenue file that makes its figures doubtful, and what to do about it."""

    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class RevenueRead(NamedTuple):
    """What a revenue file says: the total movement, per --by value, and NRR over time."""

    file: str
    shape: str  # "wide", "long" or "subscriptions"
    total: Movement
    by_column: str | None = None
    by: dict[str, Movement] = {}
    window: tuple[str, str] | None = None  # long files: start and end period
    history: list[HistoryPoint] = []
    warnings: tuple[DataWarning, ...] = ()
    sheet: str | None = None  # the workbook sheet read
    as_of: datetime.date | None = None  # long files and subscriptions: the date the read stands at

    @property
    def quarterly_history(self) -> list[HistoryPoint]:
        """The history at quarter ends (every point of a quarterly file): nrr_history."""
        ends = []
        for point in self.history:
            index, quarterly = period_index(point.period)  # type: ignore[misc]
            if quarterly or index % 3 == 2:
                ends.append(point)
        return ends

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
        out = {
            "file": self.file,
            "shape": self.shape,
            "warnings": [w.as_json() for w in self.warnings],
            **self.total.as_json(),
        }
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.as_of is not None:
            out["as_of"] = self.as_of.isoformat()
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


# --- warnings -----------------------------------------------------------------------------


def window_warnings(
    known: list[int],
    quarterly: bool,
    window: tuple[int, int],
    paying: dict[int, int],
    explicit_end: bool,
) -> list[DataWarning]:
    """What the periods of a long file say about its figures: a cut-off end, gaps, a short
    window. `paying` counts the accounts with revenue in each period."""

    def name(index: int) -> str:
        return period_name(index, quarterly)

    first, last = window
    step = 3 if quarterly else 1
    out: list[DataWarning] = []
    before = last - step
    if (
        not explicit_end
        and before in paying
        and paying[before] >= MIN_ACCOUNTS_FOR_INCOMPLETE
        and paying.get(last, 0) < paying[before] * INCOMPLETE_SHARE
    ):
        out.append(
            DataWarning(
                "incomplete_end",
                f"{name(last)} has {paying.get(last, 0)} paying accounts against "
                f"{paying[before]} in {name(before)}: the export may end part-way through "
                f"{name(last)}. End the window at the last whole period: --to {name(before)}.",
            )
        )
    missing = [i for i in range(known[0], known[-1], step) if i not in paying]
    if missing:
        shown = ", ".join(name(i) for i in missing[:6]) + (" and more" if len(missing) > 6 else "")
        out.append(
            DataWarning(
                "gaps",
                f"no rows at all for {shown}, between the file's first and last period: every "
                "account counts as absent there. Check that the export covers every period.",
            )
        )
    if last - first < LAG:
        months = (last - first) // step
        unit = "quarter" if quarterly else "month"
        out.append(
            DataWarning(
                "short_window",
                f"the window {name(first)} to {name(last)} spans {months} {unit}"
                f"{'s' if months != 1 else ''}, not twelve months: NRR and GRR over it are not "
                "annual figures and do not compare with the benchmarks. "
                + (
                    "Use a file with at least thirteen months of revenue."
                    if known[-1] - known[0] < LAG
                    else f"Give a twelve-month window (--to {name(last)} alone)."
                ),
            )
        )
    return out


def spelling_warning(groups: list[list[str]]) -> list[DataWarning]:
    """Accounts whose names differ only in case or spacing, each group as written."""
    if not groups:
        return []
    shown = "; ".join(" / ".join(repr(n) for n in group) for group in groups[:3])
    more = f" (and {len(groups) - 3} more)" if len(groups) > 3 else ""
    return [
        DataWarning(
            "similar_names",
            f"{len(groups)} account name{'s differ' if len(groups) > 1 else ' differs'} only in "
            f"case or spacing: {shown}{more}. They are counted as separate accounts; if each is "
            "one customer, spell it one way in the file.",
        )
    ]
