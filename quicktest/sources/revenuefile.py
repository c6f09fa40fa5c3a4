"""Account-level revenue CSV files, read into the retention maths of `domain.retention`.

Two shapes, told apart by the header: wide (one row per account with start and end revenue)
and long (one row per account and period). Every bad cell is reported with its line.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from sys import intern

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.retention import (
    RevenueRead,
    long_read,
    period_index,
    wide_read,
)

WIDE_COLUMNS = (("start", "end"), ("start_mrr", "end_mrr"), ("start_arr", "end_arr"))
LONG_COLUMNS = ("account", "period", "revenue")
_MONEY_NOISE = str.maketrans("", "", "$€£, _")
_INF = float("inf")


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
    return wide_read(rows.name, starts, ends, labels if by_col is not None else None, by)


def _read_long(rows: _Rows, by: str | None, start: str | None, end: str | None) -> RevenueRead:
    account_col, period_col, revenue_col = (rows.column(c, "") for c in LONG_COLUMNS)
    by_col = _by_column(rows, by)
    periods: dict[str, int] = {}  # period text -> month index, parsed once per distinct text
    kinds: set[bool] = set()  # quarterly or not, over all periods seen
    revenue: dict[int, dict[str, float]] = {}  # month index -> account -> revenue
    labels: dict[str, str] = {}

    def new_period(text: str) -> int:
        parsed = period_index(text.strip())
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
    return long_read(rows.name, revenue, kinds.pop(), labels, by, start, end)
