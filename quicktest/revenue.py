"""NRR, GRR and logo retention computed from account-level revenue in a CSV file.

Two shapes, told apart by the header: wide (one row per account with start and end revenue)
and long (one row per account and period). The cohort is every account with revenue at the
start; accounts without starting revenue are new and left out of every ratio:

    NRR = (start - churn - contraction + expansion) / start
    GRR = (start - churn - contraction) / start
    logo retention = cohort accounts still paying at the end / cohort accounts
"""

from __future__ import annotations

import csv
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from sys import intern
from typing import Any, TypeVar

from quicktest.errors import InputError, did_you_mean
from quicktest.metrics import Metrics

WIDE_COLUMNS = (("start", "end"), ("start_mrr", "end_mrr"), ("start_arr", "end_arr"))
LONG_COLUMNS = ("account", "period", "revenue")
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$", re.IGNORECASE)
_MONEY_NOISE = str.maketrans("", "", "$€£, _")
_INF = float("inf")
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


class _Rows:
    """A streamed CSV with a lower-cased header and a line number for every error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        try:
            self.handle = path.open(newline="", encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError("no such file", self.name) from None
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror}", self.name) from None
        self.reader = csv.reader(self.handle)
        try:
            header = next(self.reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            self.close()
            raise InputError(f"not a readable CSV file: {exc}", self.name, 1) from None
        if not header or not any(h.strip() for h in header):
            self.close()
            raise InputError("empty file, expected a header row", self.name, 1)
        self.header = [h.strip().lower() for h in header]

    def close(self) -> None:
        self.handle.close()

    def column(self, name: str, required: str) -> int:
        if name in self.header:
            return self.header.index(name)
        raise InputError(
            f"missing column {name!r}; {required}",
            self.name,
            1,
            hint=did_you_mean(name, self.header),
        )

    def error(
        self, message: str, column: int | None = None, field: str | None = None
    ) -> InputError:
        return InputError(
            message, self.name, self.reader.line_num, None if column is None else column + 1, field
        )

    @contextmanager
    def reading(self) -> Iterator[csv.Reader]:
        """The rows after the header; CSV and encoding faults become InputError with a line."""
        try:
            yield self.reader
        except csv.Error as exc:
            raise self.error(f"not valid CSV: {exc}") from None
        except UnicodeDecodeError as exc:
            raise self.error(f"not UTF-8 text (byte {exc.start})") from None

    def short_row(self, row: list[str]) -> InputError | None:
        """The error for a row with too few columns, or None for a blank line to skip."""
        if not row or (len(row) == 1 and not row[0].strip()):
            return None
        return self.error(f"expected {len(self.header)} columns, found {len(row)}")


def _amount(rows: _Rows, text: str, column: int) -> float:
    """A revenue amount; '$1,200.50' is read, a negative or non-number refused."""
    try:
        value = float(text) if text else 0.0
    except ValueError:
        try:
            value = float(text.translate(_MONEY_NOISE))
        except ValueError:
            raise rows.error(
                f"expected an amount, got {text!r}", column, rows.header[column]
            ) from None
    if value < 0 or value != value or value == float("inf"):
        raise rows.error(
            f"expected an amount of 0 or more, got {text!r}", column, rows.header[column]
        )
    return value


def read_revenue(
    path: Path, by: str | None = None, start: str | None = None, end: str | None = None
) -> RevenueRead:
    rows = _Rows(path)
    by = by.strip().lower() if by else None  # column names are case-insensitive
    try:
        if all(c in rows.header for c in LONG_COLUMNS):
            return _read_long(rows, by, start, end)
        if any(s in rows.header and e in rows.header for s, e in WIDE_COLUMNS):
            if start or end:
                raise InputError(
                    "--from and --to apply to a long file (account,period,revenue)"
                    "; this one is wide",
                    rows.name,
                )
            return _read_wide(rows, by)
        # Neither shape is complete: name the first missing column of the nearer one.
        shape = (
            "account,period,revenue"
            if {"period", "revenue"} & set(rows.header)
            else "account,start,end"
        )
        for name in shape.split(","):
            rows.column(name, f"expected the columns {shape}")
        raise InputError("expected account,start,end or account,period,revenue", rows.name, 1)
    finally:
        rows.close()


def _by_column(rows: _Rows, by: str | None) -> int | None:
    if by is None:
        return None
    return rows.column(by, "--by names a column of the file")


def _read_wide(rows: _Rows, by: str | None) -> RevenueRead:
    account = rows.column("account", "a wide file needs account,start,end")
    first, last = next((s, e) for s, e in WIDE_COLUMNS if s in rows.header and e in rows.header)
    start_col, end_col = rows.header.index(first), rows.header.index(last)
    by_col = _by_column(rows, by)
    starts: list[float] = []
    ends: list[float] = []
    labels: list[str] = []
    seen: dict[str, int] = {}
    with rows.reading():
        for row in rows.reader:
            try:
                name, start_text, end_text = row[account], row[start_col], row[end_col]
                label = row[by_col] if by_col is not None else ""
            except IndexError:
                if error := rows.short_row(row):
                    raise error from None
                continue
            name = name.strip()
            if not name:
                raise rows.error("empty account", account, "account")
            if name in seen:
                raise rows.error(
                    f"account {name!r} appears twice (first on line {seen[name]})",
                    account,
                    "account",
                )
            seen[name] = rows.reader.line_num
            starts.append(_amount(rows, start_text, start_col))
            ends.append(_amount(rows, end_text, end_col))
            labels.append(label.strip())
    if not seen:
        raise InputError("no rows after the header", rows.name, 2)
    groups = (
        {
            label: Movement.between([starts[i] for i in rows_of], [ends[i] for i in rows_of])
            for label, rows_of in _members(enumerate(labels)).items()
        }
        if by_col is not None
        else {}
    )
    return RevenueRead(rows.name, "wide", Movement.between(starts, ends), by, groups)


def _members(keyed: Iterable[tuple[K, str]]) -> dict[str, list[K]]:
    """The keys (rows or accounts) under each --by value, gathered in one pass."""
    members: dict[str, list[K]] = defaultdict(list)
    for key, label in keyed:
        members[label].append(key)
    return members


def _period_index(text: str) -> tuple[int, bool] | None:
    """A period as a month number (quarters at their first month), and whether a quarter."""
    match = _PERIOD.match(text)
    if not match:
        return None
    year, month, quarter = match.groups()
    if month:
        return int(year) * 12 + int(month) - 1, False
    return int(year) * 12 + (int(quarter) - 1) * 3, True


def _period_name(index: int, quarterly: bool) -> str:
    year, month = divmod(index, 12)
    return f"{year}-Q{month // 3 + 1}" if quarterly else f"{year}-{month + 1:02d}"


def _read_long(rows: _Rows, by: str | None, start: str | None, end: str | None) -> RevenueRead:
    account_col, period_col, revenue_col = (rows.column(c, "") for c in LONG_COLUMNS)
    by_col = _by_column(rows, by)
    periods: dict[str, int] = {}  # period text -> month index, parsed once per distinct text
    kinds: set[bool] = set()  # quarterly or not, over all periods seen
    revenue: dict[int, dict[str, float]] = {}  # month index -> account -> revenue
    labels: dict[str, str] = {}

    def new_period(text: str) -> int:
        parsed = _period_index(text.strip())
        if parsed is None:
            raise rows.error(
                f"expected a period such as 2026-03 or 2026-Q1, got {text!r}", period_col, "period"
            )
        kinds.add(parsed[1])
        if len(kinds) > 1:
            raise rows.error("months and quarters mixed in one file", period_col, "period")
        periods[text] = parsed[0]
        revenue.setdefault(parsed[0], {})
        return parsed[0]

    pick = operator.itemgetter(account_col, period_col, revenue_col)
    with rows.reading():
        for row in rows.reader:
            try:
                name, text, amount = pick(row)
                if by_col is not None:
                    labels[name] = row[by_col].strip()
            except IndexError:
                if error := rows.short_row(row):
                    raise error from None
                continue
            index = periods.get(text)
            if index is None:
                index = new_period(text)
            try:
                value = float(amount)
                if not 0 <= value < _INF:  # negative, NaN or infinite: let _amount explain
                    raise ValueError
            except ValueError:
                value = _amount(rows, amount, revenue_col)
            if not name:
                raise rows.error("empty account", account_col, "account")
            name = intern(name)  # one string per account, not one per row
            accounts = revenue[index]
            accounts[name] = accounts.get(name, 0.0) + value  # line items of a period add up
    if not periods:
        raise InputError("no rows after the header", rows.name, 2)
    quarterly = kinds.pop()
    known = sorted(revenue)
    first, last = _window(rows.name, known, quarterly, start, end)
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
        HistoryPoint(_period_name(index, quarterly), m.nrr, m.grr)
        for index in ends
        for m in (_movement(revenue[index - 12], revenue[index]),)
    ]
    quarter_ends = [
        point for index, point in zip(ends, history, strict=True) if quarterly or index % 3 == 2
    ]
    return RevenueRead(
        rows.name,
        "long",
        total,
        by,
        groups,
        (_period_name(first, quarterly), _period_name(last, quarterly)),
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
        parsed = _period_index(text.strip())
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
        f"the file covers {_period_name(known[0], quarterly)} to "
        f"{_period_name(known[-1], quarterly)}"
    )
    for index in (first, last):
        if index not in known:
            raise InputError(
                f"no revenue in period {_period_name(index, quarterly)}; {covered}"
                " and a window needs both ends (twelve months apart by default)",
                file,
            )
    return first, last
