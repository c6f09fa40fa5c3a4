"""Which months a read holds, and how a long or wide file's rows become monthly revenue.

A long file's periods are parsed once per distinct text, in Python. The read holds those up
to the as-of date and at most SPAN months back from the latest of them: rows of other
periods are left out with a warning (a forecast month, a mistyped year 4000, a placeholder
0001-01), so that no date in a file sizes the work. Rows with no period at all are kept aside
for the per-account step, which tells totals from faults.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from quicktest.domain.errors import InputError
from quicktest.domain.periods import (
    SPAN,
    as_of_date,
    period_name,
    periods_read,
)
from quicktest.domain.retention import DataWarning
from quicktest.sources.revenue import dates, notes
from quicktest.sources.revenue.census import Census
from quicktest.sources.revenue.cohort import Layout
from quicktest.sources.revenue.files import literal
from quicktest.sources.revenue.rows import Rows

# rows with something in them and no period (long) or start date (subscriptions)
UNDATED = (
    "nullif(trim({column}), '') IS NULL AND (nullif(trim(acc), '') IS NOT NULL"
    " OR nullif(trim(a), '') IS NOT NULL OR x IS NOT NULL)"
)


class Timeline(NamedTuple):
    """The months a read holds, oldest first, and the SQL that gives its revenue."""

    present: list[int]  # periods with revenue (a wide file: start 0 and end 1)
    quarterly: bool
    anchor: int  # the latest month held: by_account's m0
    layout: Layout  # months held per account, back from the anchor
    revenue: str  # SQL: (account, label, month, amount), month within the layout
    as_of: datetime.date | None = None
    undated: str | None = None  # SQL over Rows: rows with content and no period or start
    notes: tuple[DataWarning, ...] = ()


def long_revenue(rows: Rows, months: dict[str, int], amount: str, quick: bool = False) -> str:
    """SQL: the revenue of a long (or wide) file, the periods held joined by their text;
    `quick` keeps the rows of other periods (for the quick read to count) and the amount as
    written."""
    rows.con.execute(
        "CREATE TEMP TABLE periods AS SELECT unnest($1) AS text, unnest($2) AS month",
        [list(months), list(months.values())],
    )
    written, join = (", a", "LEFT JOIN") if quick else ("", "JOIN")
    return (
        f"(SELECT acc AS account, label, periods.month AS month, {amount} AS amount{written} "
        f"FROM {rows.sql} AS r {join} periods ON periods.text = r.per WHERE {rows.keep})"
    )


def wide_timeline(rows: Rows, amount: str) -> Timeline:
    revenue = long_revenue(rows, {"start": 0, "end": 1}, amount)
    return Timeline([0, 1], False, 1, Layout(2, 1), revenue)


def long_timeline(
    rows: Rows,
    census: Census,
    currency: str | None,
    amount: str,
    as_of: datetime.date | None,
    today: datetime.date,
) -> Timeline:
    months, quarterly = _months(rows, census, currency)
    undated = UNDATED.format(column="per")
    blank = any(
        (per is None or not per.strip()) and currency in (None, cur) for per, cur in census.periods
    )
    undated_rows = undated if blank and rows.exists(undated) else None
    if not months:
        raise rows.error(
            "expected a period such as 2026-03 or 2026-Q1, got ''", undated, rows.plan.period
        )
    every = sorted(set(months.values()))
    when = as_of_date(as_of, today, every, quarterly)
    held, after, far = periods_read(every, when)
    if not held:
        raise InputError(
            f"every period in the file is after the as-of date {when}: nothing has happened "
            "yet (--as-of names another date)",
            rows.name,
        )
    warnings = []
    if after:
        warnings.append(
            notes.periods_after(when, _found(rows, census, currency, months, after, quarterly))
        )
    if far:
        oldest = period_name(held[-1] - SPAN + 1, quarterly)
        warnings.append(
            notes.far_periods(oldest, _found(rows, census, currency, months, far, quarterly))
        )
    kept = {text: month for text, month in months.items() if month in set(held)}
    return Timeline(
        held,
        quarterly,
        held[-1],
        Layout(held[-1] - held[0] + 1),
        long_revenue(rows, kept, amount),
        when,
        undated_rows,
        tuple(warnings),
    )


def _months(rows: Rows, census: Census, currency: str | None) -> tuple[dict[str, int], bool]:
    """Each period text as a month number, parsed once; months and quarters unmixed."""
    months: dict[str, int] = {}
    kinds: dict[bool, str] = {}
    bad = []
    column = rows.plan.period
    for text in {per for per, cur in census.periods if currency in (None, cur)}:
        if text is None or not text.strip():
            continue  # blank rows, as spreadsheets leave them, or totals: see UNDATED
        parsed = dates.period(text.strip())
        if parsed is None:
            bad.append(text)
            continue
        months[text] = parsed[0]
        kinds.setdefault(parsed[1], text)
    if bad:
        where = f"per IN ({', '.join(map(literal, bad))})"
        [(_, written)] = rows.locate(where, "per")
        raise rows.error(
            dates.refused("a period such as 2026-03 or 2026-Q1", written), where, column
        )
    if len(kinds) > 1:
        firsts = {kind: rows.line(f"per = {literal(text)}") or 0 for kind, text in kinds.items()}
        later = max(firsts, key=lambda kind: firsts[kind])
        where = f"per {'' if later else 'NOT '}ILIKE {literal('%Q%')}"
        raise rows.error("months and quarters mixed in one file", where, column)
    return months, bool(kinds) and next(iter(kinds))


def _found(
    rows: Rows,
    census: Census,
    currency: str | None,
    months: dict[str, int],
    left: list[int],
    quarterly: bool,
) -> notes.Found:
    """The rows of the periods `left` out, for their warning."""

    def keep(cur: str | None) -> bool:
        return currency in (None, cur)

    texts = [text for text, month in months.items() if month in set(left)]
    count = sum(n for (per, cur), n in census.periods.items() if per in set(texts) and keep(cur))
    line = rows.line(f"per IN ({', '.join(map(literal, texts))})")
    return notes.Found(count, [period_name(m, quarterly) for m in left], line)
