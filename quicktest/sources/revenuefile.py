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
from quicktest.domain.units import Unclear, read_number
from quicktest.sources.csvfile import bad_byte, check_unique, delimiter_of

WIDE_COLUMNS = (("start", "end"), ("start_mrr", "end_mrr"), ("start_arr", "end_arr"))
LONG_COLUMNS = ("account", "period", "revenue")
_CURRENCY = "$€£¥"
MAX_AMOUNT = 1e15  # past any company's revenue: a figure this large is a typo or an overflow


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
        self.delimiter = delimiter_of(path)
        self.reader = csv.reader(self.handle, delimiter=self.delimiter)
        try:
            header = next(self.reader, None)
        except csv.Error as exc:
            self.close()
            raise InputError(f"not a readable CSV file: {exc}", self.name, 1) from None
        except UnicodeDecodeError:
            self.close()
            raise bad_byte(self.path) from None
        if not header or not any(h.strip() for h in header):
            self.close()
            raise InputError("empty file, expected a header row", self.name, 1)
        self.header = [h.strip().lower() for h in header]
        try:
            check_unique(self.header, self.name)
        except InputError:
            self.close()
            raise

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
        except UnicodeDecodeError:
            raise bad_byte(self.path) from None

    def short_row(self, row: list[str]) -> InputError | None:
        """The error for a row with too few columns, or None for a blank row to skip."""
        if not any(cell.strip() for cell in row):
            return None
        return self.error(f"expected {len(self.header)} columns, found {len(row)}")


def _amount(rows: _Rows, text: str, column: int, credit: bool = False) -> float:
    """A revenue amount as people write it ($1,200.50; 1.234,56 €; (250) for a credit),
    or an error naming the cell. A negative amount is refused unless `credit` allows it."""
    field = rows.header[column]
    cleaned = text.strip()
    negative = cleaned.startswith("(") and cleaned.endswith(")")  # accounting style: (250)
    if negative:
        cleaned = cleaned[1:-1].strip()
    for _ in range(2):  # -$250 and $-250 alike
        if cleaned.startswith("-"):
            negative, cleaned = not negative, cleaned[1:]
        cleaned = cleaned.strip(_CURRENCY + " \u00a0")
    if negative and cleaned:
        cleaned = "-" + cleaned
    try:
        value = read_number(cleaned, amount=True) if cleaned else 0.0
    except Unclear as exc:
        raise rows.error(str(exc), column, field) from None
    if value is None:
        raise rows.error(f"expected an amount, got {text!r}", column, field)
    if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
        raise rows.error(f"{text.strip()} is past any real revenue figure", column, field)
    if value < 0 and not credit:
        raise rows.error(f"expected an amount of 0 or more, got {text!r}", column, field)
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
    last_line: dict[tuple[int, str], int] = {}  # where a credit line took a total below 0
    with rows.reading():
        for row in rows.reader:
            try:
                name, text, amount = pick(row)
                label = row[by_col] if by_col is not None else ""
            except IndexError:
                if error := rows.short_row(row):
                    raise error from None
                continue
            if not (name or text or amount) and rows.short_row(row) is None:
                continue  # a blank row, as spreadsheets leave them (,,)
            index = periods.get(text)
            if index is None:
                index = new_period(text)
            try:
                value = float(amount)
                if not 0 <= value <= MAX_AMOUNT:  # negative, NaN, huge: _amount explains
                    raise ValueError
            except ValueError:
                value = _amount(rows, amount, revenue_col, credit=True)
            name = name.strip()
            if not name:
                raise rows.error("empty account", account_col, "account")
            name = intern(name)  # one string per account, not one per row
            if by_col is not None:
                labels[name] = label.strip()
            accounts = revenue[index]
            total = accounts[name] = accounts.get(name, 0.0) + value  # line items add up
            if value < 0 or total < 0:
                last_line[index, name] = rows.reader.line_num
    if not periods:
        raise InputError("no rows after the header", rows.name, 2)
    for (index, name), line in last_line.items():
        if revenue[index][name] < -1e-9:  # credits beyond what was billed in the period
            raise InputError(
                f"account {name!r} totals {revenue[index][name]:,.2f} in "
                f"{next(t for t, i in periods.items() if i == index).strip()}: credit and "
                "refund lines may lower a period's revenue, not below zero",
                rows.name,
                line,
                revenue_col + 1,
                "revenue",
            )
        revenue[index][name] = max(revenue[index][name], 0.0)
    return long_read(rows.name, revenue, kinds.pop(), labels, by, start, end)
