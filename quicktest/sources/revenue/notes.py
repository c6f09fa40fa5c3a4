"""The warnings a file earns by how it was read: rows left out as totals, periods and dates
after the as-of date or long before the rest, ends that are scheduled or mean "no end".
Each names what it found (a few values, the line of the first) and what to do."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from quicktest.domain.periods import HISTORY_YEARS
from quicktest.domain.retention import DataWarning

SHOWN = 3  # values named in a warning


class Found(NamedTuple):
    """Rows a warning is about: how many, a few of their values, the first one's line."""

    count: int
    values: list[str]
    line: int | None


def _listed(found: Found) -> str:
    values = ", ".join(found.values[:SHOWN]) + (" ..." if len(found.values) > SHOWN else "")
    return values + (f" (first on line {found.line})" if found.line else "")


def _rows(count: int, noun: str = "row") -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def totals(labels: list[str]) -> DataWarning:
    shown = ", ".join(repr(label) for label in labels[:SHOWN])
    more = f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else ""
    return DataWarning(
        "total_rows",
        f"rows of totals are left out of the figures, not counted as accounts: {shown}{more}. "
        "If one of these is a real customer, rename it in the file.",
    )


def periods_after(as_of: datetime.date, found: Found) -> DataWarning:
    return DataWarning(
        "after_as_of",
        f"left out, dated after the as-of date {as_of}: {_rows(found.count)} of "
        f"{_listed(found)}. A trailing figure holds only what has happened; correct a "
        "mistyped year, or give --as-of a later date.",
    )


def starts_after(as_of: datetime.date, found: Found) -> DataWarning:
    return DataWarning(
        "after_as_of",
        f"not counted, starting after the as-of date {as_of}: "
        f"{_rows(found.count, 'subscription')} from {_listed(found)}. Correct a mistyped "
        "year, or give --as-of a later date.",
    )


def far_periods(oldest: str, found: Found) -> DataWarning:
    return DataWarning(
        "far_dates",
        f"left out, dated before {oldest}: {_rows(found.count)} of {_listed(found)}. A read "
        f"reaches {HISTORY_YEARS} years of history back from its latest period; a date such "
        "as 0001-01-01 or 1900-01-01 usually stands for 'unknown'.",
    )


def far_starts(oldest: str, found: Found) -> DataWarning:
    return DataWarning(
        "far_dates",
        f"counted as running from {oldest}, the earliest month read: "
        f"{_rows(found.count, 'subscription')} starting {_listed(found)}. A date such as "
        "0001-01-01 or 1900-01-01 usually stands for 'unknown'; check these.",
    )


def scheduled(as_of: datetime.date, found: Found) -> DataWarning:
    return DataWarning(
        "scheduled_ends",
        f"counted as running, ending after the as-of date {as_of}: "
        f"{_rows(found.count, 'subscription')} ending {_listed(found)}. These are scheduled "
        "ends, not churn yet; read the file again as of a later date once they have passed.",
    )


def open_ended(found: Found) -> DataWarning:
    return DataWarning(
        "open_ended",
        f"read as still running: {_rows(found.count, 'subscription')} ending "
        f"{_listed(found)}, a date warehouses write for 'no end'.",
    )
