"""The cohort query where the data lives: printed for a warehouse's dialect, or run on a
PostgreSQL server and read back into the same figures as a file gives.

The table needs an account column, a period column holding a date (any day of the month
stands for the month) and an amount column; --account, --period and --amount name them.
"""

from __future__ import annotations

import datetime
from functools import partial

from quicktest.domain.errors import InputError
from quicktest.domain.periods import (
    HISTORY_YEARS,
    LAG,
    SPAN,
    as_of_date,
    choose_window,
    month_of,
    parse_as_of,
    parse_period,
    period_name,
    periods_read,
)
from quicktest.domain.retention import HistoryPoint, RevenueRead, window_warnings
from quicktest.sources.locations import shown_location
from quicktest.sources.revenue import notes
from quicktest.sources.revenue.cohort import (
    FIGURES,
    Layout,
    movement,
    transpile,
    warehouse_query,
)
from quicktest.sources.revenue.columns import Flags
from quicktest.sources.revenue.notes import Found


def _names(table: str, flags: Flags) -> tuple[str, str, str, str]:
    """The table and its three columns as DuckDB SQL, quoted so that any name is a name."""
    from sqlglot import exp

    try:
        relation = exp.to_table(table).sql("duckdb")
    except Exception:  # sqlglot's parse errors
        raise InputError(f"{table!r} is not a table name", field="--table") from None
    return (
        relation,
        *(
            exp.to_identifier(name, quoted=True).sql("duckdb")
            for name in (
                flags.account or "account",
                flags.period or "period",
                flags.amount or "revenue",
            )
        ),
    )


def printed(
    dialect: str,
    table: str,
    flags: Flags,
    months: int,
    end: str | None,
    as_of: str | None = None,
    today: datetime.date | None = None,
) -> str:
    """The cohort query for `table`, in `dialect`, covering `months` back from the latest
    month in the table up to the as-of date (the warehouse's today by default), or from --to."""
    if not LAG + 1 <= months <= SPAN:
        raise InputError(
            f"runs from {LAG + 1} to {SPAN} (the window and {HISTORY_YEARS} years of "
            f"history), got {months}",
            field="--months",
        )
    day = parse_as_of(as_of, today or datetime.date.today()) if as_of else None
    last = parse_period(end, "--to", False) if end else None
    if last is not None and day is not None and last > month_of(day):
        raise InputError(f"--to {end} is after the as-of date {day}", field="--to")
    relation, account, period, amount = _names(table, flags)
    query = warehouse_query(
        relation,
        account,
        period,
        amount,
        Layout(months),
        None if last is None else str(last),
        None if day is None else str(month_of(day)),
    )
    return transpile(query, dialect)


def read_postgres(
    url: str,
    table: str,
    flags: Flags,
    start: str | None,
    end: str | None,
    as_of: str | None = None,
    today: datetime.date | None = None,
) -> RevenueRead:
    """Run the cohort query on a PostgreSQL server: first the months the table holds (rows
    per month), then the query itself, over the months the read holds (up to the as-of
    date, at most SPAN back), the anchor the latest of them."""
    import psycopg

    today = today or datetime.date.today()
    given = parse_as_of(as_of, today) if as_of else None
    relation, account, period, amount = _names(table, flags)
    month = f"CAST(EXTRACT(YEAR FROM {period}) * 12 + EXTRACT(MONTH FROM {period}) - 1 AS INTEGER)"
    months_sql = transpile(
        f"SELECT {month} AS month, COUNT(*) FROM {relation} GROUP BY 1 ORDER BY 1", "postgresql"
    )
    shown = shown_location(url)
    try:
        with psycopg.connect(url, connect_timeout=10) as con:
            rows_in = {m: n for m, n in con.execute(months_sql).fetchall() if m is not None}
            if not rows_in:
                raise InputError(f"table {table} holds no rows", shown)
            every = sorted(rows_in)
            when = as_of_date(given, today, every, False)
            present, after, far = periods_read(every, when)
            if not present:
                raise InputError(f"every month in table {table} is after {when}", shown)
            anchor = present[-1]
            layout = Layout(anchor - present[0] + 1)
            query = transpile(
                warehouse_query(relation, account, period, amount, layout, str(anchor)),
                "postgresql",
            )
            rows = con.execute(query).fetchall()
    except psycopg.Error as exc:
        raise InputError(str(exc).strip().splitlines()[0], shown) from None
    by_month, paying = {}, {}
    for end_year, end_month, _nrr, _grr, _logos, *sums in rows:  # warehouse_query's columns
        month_index = end_year * 12 + end_month - 1
        by_month[month_index] = movement(sums)
        paying[month_index] = int(sums[len(FIGURES) - 1])
    window = choose_window(shown, present, False, start, end, when)
    if window[1] - window[0] != LAG:
        raise InputError("on a server the window is twelve months: give --to alone", shown)
    known = set(present)
    history = [
        HistoryPoint(period_name(m, False), by_month[m].nrr, by_month[m].grr)
        for m in present
        if m - LAG in known and m in by_month
    ]
    paying = {m: n for m, n in paying.items() if m in known}
    left = [
        write(Found(sum(rows_in[m] for m in months), [period_name(m, False) for m in months], None))
        for months, write in (
            (after, partial(notes.periods_after, when)),
            (far, partial(notes.far_periods, period_name(anchor - SPAN + 1, False))),
        )
        if months
    ]
    return RevenueRead(
        shown,
        "long",
        by_month[window[1]],
        window=(period_name(window[0], False), period_name(window[1], False)),
        history=history,
        warnings=(*left, *window_warnings(present, False, window, paying, bool(end))),
        as_of=when,
    )
