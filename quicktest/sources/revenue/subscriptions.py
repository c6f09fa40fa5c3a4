"""Which months a subscriptions file's read holds, and its rows as monthly revenue.

A subscription counts in each month it is running at the month's end, from its start month
to the month before its (exclusive) end month. The read stands at an as-of date (--as-of, or
the earlier of today and the latest date in the file, placeholders aside): a start after it
has not happened, and an end after it is scheduled, not churn, so the subscription counts as
running to the end of the read. The months held run from the first start to the as-of month,
at most SPAN of them: a start such as 0001-01-01 or 1900-01-01 (a placeholder for "unknown")
counts from the earliest month held, and an end such as 9999-12-31 (a warehouse's "no end")
sizes nothing.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from functools import partial

from quicktest.domain.errors import InputError
from quicktest.domain.periods import LAG, SPAN, month_of, period_name
from quicktest.domain.retention import DataWarning
from quicktest.sources.revenue import dates, notes
from quicktest.sources.revenue.cohort import Layout
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.timeline import UNDATED, Timeline

OPEN_ENDED_YEARS = 50  # an end this many years ahead of today is a placeholder for "no end"
UNKNOWN_BEFORE = datetime.date(1971, 1, 1)  # starts before are placeholders (1900-01-01, epoch)


def day(text: str) -> str:
    """SQL: a date written as text (2025-03-14, with or without a time; 2025-03 for its
    first day) as a DATE, or NULL where it names no real day, time or zone (see `dates`). A
    time with a zone is the date of that instant in UTC; the zone is written as DuckDB's cast
    reads it (+00 for Z, no space before an offset)."""
    t = f"trim({text})"
    zone = f"regexp_replace(regexp_replace({t}, '\\s*([Zz]|UTC)$', '+00'), '\\s+([+-])', '\\1')"
    return (
        f"CASE WHEN regexp_full_match({t}, '{dates.ZONED}') "
        f"THEN CAST(timezone('UTC', TRY_CAST({zone} AS TIMESTAMPTZ)) AS DATE) "
        f"WHEN regexp_full_match({t}, '{dates.LOCAL}') THEN TRY_CAST(substr({t}, 1, 10) AS DATE) "
        f"WHEN regexp_full_match({t}, '\\d{{4}}-(0[1-9]|1[0-2])') "
        f"THEN TRY_CAST({t} || '-01' AS DATE) END"
    )


def _month(date: str) -> str:
    return f"(year({date}) * 12 + month({date}) - 1)"


def _date(value: datetime.date) -> str:
    return f"DATE '{value.isoformat()}'"


def subscription_timeline(
    rows: Rows, amount: str, as_of: datetime.date | None, today: datetime.date
) -> Timeline:
    """The months held, the warnings the dates earn, and the revenue: each row's dates
    parsed once, into a table `dated` (sd, ed) that the steps after read."""
    row_dates = {"sd": day("st"), "ed": day("et")}  # the same, over the rows (their lines)
    rows.con.execute(f"CREATE TEMP TABLE dated AS SELECT *, {_dates(row_dates)} FROM {rows.kept()}")
    _check_dates(rows, row_dates)
    placeholder = _date(datetime.date(today.year + OPEN_ENDED_YEARS, 1, 1))
    first, known, last_start, last_end = rows.con.execute(
        f"SELECT min(sd), min(sd) FILTER (WHERE sd >= {_date(UNKNOWN_BEFORE)}), "
        f"max(sd) FILTER (WHERE sd < {placeholder}), "
        f"max(ed) FILTER (WHERE ed < {placeholder}) FROM dated"
    ).fetchone()
    if first is None:
        raise InputError("no subscription with a start date", rows.name, 2)
    latest = max(d for d in (last_start, last_end, first) if d is not None)
    when = as_of or min(today, latest)
    if first > when:
        raise InputError(
            f"every subscription starts after the as-of date {when}: nothing has happened "
            "yet (--as-of names another date)",
            rows.name,
        )
    anchor = month_of(when)
    # the months held start with the first start that is a date, not a placeholder
    since = month_of(known) if known is not None and known <= when else anchor - LAG
    oldest = max(since, anchor - SPAN + 1)
    warned: list[tuple[str, str, Callable[[notes.Found], DataWarning]]] = [
        (f"sd > {_date(when)}", "st", partial(notes.starts_after, when)),
        (f"ed > {_date(when)} AND ed < {placeholder}", "et", partial(notes.scheduled, when)),
        (f"ed >= {placeholder}", "et", notes.open_ended),
        (f"{_month('sd')} < {oldest}", "st", partial(notes.far_starts, period_name(oldest, False))),
    ]
    counts = rows.con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {where})" for where, _, _ in warned)
        + " FROM dated"
    ).fetchone()
    warnings = tuple(
        write(_found(rows, row_dates, where, text, count))
        for (where, text, write), count in zip(warned, counts, strict=True)
        if count
    )
    until = (
        f"CASE WHEN ed IS NULL OR ed > {_date(when)} THEN {anchor + 1} "
        f"ELSE least({_month('ed')}, {anchor + 1}) END"
    )
    revenue = (
        f"(SELECT acc AS account, label, unnest(range(greatest({_month('sd')}, {oldest}), "
        f"{until})) AS month, {amount} AS amount FROM dated WHERE sd <= {_date(when)})"
    )
    undated = UNDATED.format(column="st")
    return Timeline(
        list(range(oldest, anchor + 1)),
        False,
        anchor,
        Layout(anchor - oldest + 1),
        revenue,
        when,
        undated if rows.exists(undated) else None,
        warnings,
    )


def _dates(row_dates: dict[str, str]) -> str:
    return ", ".join(f"{sql} AS {name}" for name, sql in row_dates.items())


def _over_rows(where: str, row_dates: dict[str, str]) -> str:
    """A condition on `dated` (sd, ed) as one on the rows, to find its line."""
    for name, sql in row_dates.items():
        where = re.sub(rf"\b{name}\b", lambda _, sql=sql: sql, where)
    return where


def _check_dates(rows: Rows, row_dates: dict[str, str]) -> None:
    """Refuse a date that is none, and a subscription that ends before it starts."""
    p = rows.plan
    checks = [
        ("sd IS NULL AND nullif(trim(st), '') IS NOT NULL", "st", p.start),
        ("ed IS NULL AND nullif(trim(et), '') IS NOT NULL", "et", p.end),
        ("ed < sd", None, p.end),
    ]
    for where, text, column in checks:
        if rows.con.execute(f"SELECT 1 FROM dated WHERE {where} LIMIT 1").fetchone():
            on_rows = _over_rows(where, row_dates)
            if text is None:
                raise rows.error("the subscription ends before it starts", on_rows, column)
            [(_, written)] = rows.locate(on_rows, text)
            raise rows.error(dates.refused("a date such as 2025-03-14", written), on_rows, column)


def _found(rows: Rows, row_dates: dict[str, str], where: str, text: str, count: int) -> notes.Found:
    values = rows.con.execute(
        f"SELECT DISTINCT trim({text}) FROM dated WHERE {where} ORDER BY 1 LIMIT {notes.SHOWN + 1}"
    ).fetchall()
    return notes.Found(count, [v for (v,) in values], rows.line(_over_rows(where, row_dates)))
