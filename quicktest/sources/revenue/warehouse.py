"""The cohort query where the data lives: printed for a warehouse's dialect, or run on a
PostgreSQL server and read back into the same figures as a file gives.

The table needs an account column, a period column holding a date (any day of the month
stands for the month) and an amount column; --account, --period and --amount name them.
"""

from __future__ import annotations

import re

from quicktest.domain.errors import InputError
from quicktest.domain.periods import LAG, choose_window, parse_period, period_name
from quicktest.domain.retention import HistoryPoint, RevenueRead, window_warnings
from quicktest.sources.revenue.cohort import (
    FIGURES,
    Layout,
    movement,
    transpile,
    warehouse_query,
)
from quicktest.sources.revenue.columns import Flags


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


def printed(dialect: str, table: str, flags: Flags, months: int, end: str | None) -> str:
    """The cohort query for `table`, in `dialect`, covering `months` back from the latest
    month in the table (or from --to)."""
    if months < LAG + 1:
        raise InputError(f"--months must be at least {LAG + 1}, got {months}", field="--months")
    anchor = str(parse_period(end, "--to", False)) if end else None
    relation, account, period, amount = _names(table, flags)
    return transpile(
        warehouse_query(relation, account, period, amount, Layout(months), anchor), dialect
    )


def safe_url(url: str) -> str:
    """A connection URL as it may be shown: without its password."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1@", url)


def read_postgres(
    url: str, table: str, flags: Flags, start: str | None, end: str | None
) -> RevenueRead:
    """Run the cohort query on a PostgreSQL server: first the months the table holds, then
    the query itself, the anchor its latest month."""
    import psycopg

    relation, account, period, amount = _names(table, flags)
    month = f"CAST(EXTRACT(YEAR FROM {period}) * 12 + EXTRACT(MONTH FROM {period}) - 1 AS INTEGER)"
    months_sql = transpile(
        f"SELECT DISTINCT {month} AS month FROM {relation} ORDER BY 1", "postgresql"
    )
    shown = safe_url(url)
    try:
        with psycopg.connect(url, connect_timeout=10) as con:
            present = [m for (m,) in con.execute(months_sql).fetchall() if m is not None]
            if not present:
                raise InputError(f"table {table} holds no rows", shown)
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
        month = end_year * 12 + end_month - 1
        by_month[month], paying[month] = movement(sums), int(sums[len(FIGURES) - 1])
    window = choose_window(shown, present, False, start, end)
    if window[1] - window[0] != LAG:
        raise InputError("on a server the window is twelve months: give --to alone", shown)
    known = set(present)
    history = [
        HistoryPoint(period_name(m, False), by_month[m].nrr, by_month[m].grr)
        for m in present
        if m - LAG in known and m in by_month
    ]
    paying = {m: n for m, n in paying.items() if m in known}
    return RevenueRead(
        shown,
        "long",
        by_month[window[1]],
        window=(period_name(window[0], False), period_name(window[1], False)),
        history=history,
        warnings=tuple(window_warnings(present, False, window, paying, bool(end))),
    )
