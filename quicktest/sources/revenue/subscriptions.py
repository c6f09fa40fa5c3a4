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
from collections.abc import Callable
from functools import partial

from quicktest.domain.errors import InputError
from quicktest.domain.periods import LAG, SPAN, month_of, period_name
from quicktest.domain.retention import DataWarning
from quicktest.sources.revenue import notes
from quicktest.sources.revenue.cohort import Layout
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.timeline import UNDATED, Timeline

OPEN_ENDED_YEARS = 50  # an end this many years ahead of today is a placeholder for "no end"
UNKNOWN_BEFORE = datetime.date(1971, 1, 1)  # starts before are placeholders (1900-01-01, epoch)
_DAY = r"\d{4}-(0[1-9]|1[0-2])-\d{2}"
_ZONED = _DAY + r"[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([Zz]|[+-]\d{2}(:?\d{2})?)"


def day(text: str) -> str:
    """SQL: a date written as text (2025-03-14, with or without a time; 2025-03 for its
    first day) as a DATE, or NULL. A time with a zone is the date of that instant in UTC."""
    t = f"trim({text})"
    return (
        f"CASE WHEN regexp_full_match({t}, '{_ZONED}') "
        f"THEN CAST(timezone('UTC', TRY_CAST({t} AS TIMESTAMPTZ)) AS DATE) "
        f"WHEN regexp_full_match({t}, '{_DAY}([ T].*)?') THEN TRY_CAST(substr({t}, 1, 10) AS DATE) "
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
    _check_dates(rows)
    start, end = day("st"), day("et")
    placeholder = _date(datetime.date(today.year + OPEN_ENDED_YEARS, 1, 1))
    unknown = _date(UNKNOWN_BEFORE)
    first, known, last_start, last_end = rows.con.execute(
        f"SELECT min({start}), min({start}) FILTER (WHERE {start} >= {unknown}), "
        f"max({start}) FILTER (WHERE {start} < {placeholder}), "
        f"max({end}) FILTER (WHERE {end} < {placeholder}) FROM {rows.kept()}"
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
        (f"{start} > {_date(when)}", "st", partial(notes.starts_after, when)),
        (f"{end} > {_date(when)} AND {end} < {placeholder}", "et", partial(notes.scheduled, when)),
        (f"{end} >= {placeholder}", "et", notes.open_ended),
        (
            f"{_month(start)} < {oldest}",
            "st",
            partial(notes.far_starts, period_name(oldest, False)),
        ),
    ]
    counts = rows.con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {where})" for where, _, _ in warned)
        + f" FROM {rows.kept()}"
    ).fetchone()
    warnings = tuple(
        write(_found(rows, where, text, count))
        for (where, text, write), count in zip(warned, counts, strict=True)
        if count
    )
    until = (
        f"CASE WHEN ed IS NULL OR ed > {_date(when)} THEN {anchor + 1} "
        f"ELSE least({_month('ed')}, {anchor + 1}) END"
    )
    revenue = (
        f"(SELECT acc AS account, label, unnest(range(greatest({_month('sd')}, {oldest}), "
        f"{until})) AS month, {amount} AS amount "
        f"FROM (SELECT *, {start} AS sd, {end} AS ed FROM {rows.kept()}) "
        f"WHERE sd <= {_date(when)})"
    )
    return Timeline(
        list(range(oldest, anchor + 1)),
        False,
        anchor,
        Layout(anchor - oldest + 1),
        revenue,
        when,
        UNDATED.format(column="st") if rows.exists(UNDATED.format(column="st")) else None,
        warnings,
    )


def _check_dates(rows: Rows) -> None:
    """Refuse a date that is none, and a subscription that ends before it starts."""
    p = rows.plan
    for column, text in ((p.start, "st"), (p.end, "et")):
        where = f"{day(text)} IS NULL AND nullif(trim({text}), '') IS NOT NULL"
        if rows.exists(where):
            [(_, written)] = rows.locate(where, text)
            raise rows.error(f"expected a date such as 2025-03-14, got {written!r}", where, column)
    backwards = f"{day('et')} < {day('st')}"
    if rows.exists(backwards):
        raise rows.error("the subscription ends before it starts", backwards, p.end)


def _found(rows: Rows, where: str, text: str, count: int) -> notes.Found:
    values = rows.con.execute(
        f"SELECT DISTINCT trim({text}) FROM {rows.kept()} WHERE {where} ORDER BY 1 "
        f"LIMIT {notes.SHOWN + 1}"
    ).fetchall()
    return notes.Found(count, [v for (v,) in values], rows.line(where))
