"""The cohort query: NRR, GRR and logo retention over every window of a revenue table, as
SQL. The embedded engine runs it in DuckDB on a file; `metrics --sql` prints it, transpiled
by sqlglot, for a warehouse; a postgresql:// URL runs it on the server.

It reads a relation `revenue(account, month, amount)`, month numbered year * 12 + month - 1,
and works in two steps:

1. `by_account`: one row per account, its revenue in each of the `width` months up to the
   anchor month as columns m0 (the anchor) .. m{width-1}. One GROUP BY account: far cheaper
   than grouping by account and month, then joining each month to the month a year before.
2. `paid`: the same with none (and refunds beyond billing) as zero, and the figures: for each
   end month still `lag` months from the table's start, the cohort's sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from quicktest.domain.retention import Movement

CURRENT_MONTH = "EXTRACT(YEAR FROM CURRENT_DATE) * 12 + EXTRACT(MONTH FROM CURRENT_DATE) - 1"
FIGURES = ("start_revenue", "kept", "churn", "expansion", "cohort", "retained", "new", "paying")


class Layout(NamedTuple):
    """What a query covers: months back from the anchor, and the window's length."""

    width: int  # months held per account, the anchor month included
    lag: int = 12  # months from a window's start to its end


def by_account(
    revenue: str, anchor: str, layout: Layout, extra: str = "", bounded: bool = True
) -> str:
    """SQL: each account's revenue in each month of the layout, one row per account.
    `anchor` is an SQL expression for the latest month (a number, or a subquery); `extra`
    adds aggregates of the engine's own (a --by label, a row count). Unbounded, rows outside
    the layout are kept for `extra` to count (the engine's layout spans its whole file)."""
    months = ",\n  ".join(
        f"SUM(CASE WHEN month = {_back(anchor, k)} THEN amount END) AS m{k}"
        for k in range(layout.width)
    )
    return (
        f"SELECT account,{extra}\n  {months}\n"
        f"FROM {revenue}\n"
        + (
            f"WHERE month BETWEEN {_back(anchor, layout.width - 1)} AND {anchor}\n"
            if bounded
            else ""
        )
        + "GROUP BY account"
    )


def _back(anchor: str, months: int) -> str:
    return f"{anchor} - {months}" if months else anchor


def paid(accounts: str, layout: Layout, group: str | None = None) -> str:
    """SQL: each account's revenue per month as paid, none (and refunds beyond billing)
    counting as zero; with the --by `group` column where one is asked for."""
    months = ", ".join(f"GREATEST(COALESCE(m{k}, 0), 0) AS m{k}" for k in range(layout.width))
    return f"SELECT {f'{group} AS grp, ' if group else ''}{months}\nFROM {accounts}"


def figures(layout: Layout, backs: list[int] | None = None, group: bool = False) -> str:
    """SQL over `qt_paid` (see `paid`): the cohort's sums for windows ending `back` months
    before the anchor (every window the layout holds by default), per group if asked."""
    if backs is None:
        backs = list(range(layout.width - layout.lag))
    selects = []
    for back in backs:
        start, end = f"m{back + layout.lag}", f"m{back}"
        selects.append(
            f"SELECT {'grp, ' if group else ''}{back} AS back,\n"
            f"  SUM({start}) AS start_revenue,\n"
            f"  SUM(LEAST({start}, {end})) AS kept,\n"
            f"  SUM(CASE WHEN {end} = 0 THEN {start} ELSE 0 END) AS churn,\n"
            f"  SUM(CASE WHEN {start} > 0 AND {end} > {start} THEN {end} - {start} ELSE 0 END)"
            " AS expansion,\n"
            f"  COUNT(CASE WHEN {start} > 0 THEN 1 END) AS cohort,\n"
            f"  COUNT(CASE WHEN {start} > 0 AND {end} > 0 THEN 1 END) AS retained,\n"
            f"  COUNT(CASE WHEN {start} = 0 AND {end} > 0 THEN 1 END) AS new,\n"
            f"  COUNT(CASE WHEN {end} > 0 THEN 1 END) AS paying\n"
            "FROM qt_paid" + ("\nGROUP BY grp" if group else "")
        )
    return "\nUNION ALL\n".join(selects)


def warehouse_query(
    table: str,
    account: str,
    period: str,
    amount: str,
    layout: Layout,
    anchor: str | None,
    until: str | None = None,
) -> str:
    """The whole query for a table in a warehouse (DuckDB SQL, to be transpiled): the period
    column a date, the anchor the table's latest month up to `until` (the as-of month; by
    default the warehouse's current month, so that a placeholder such as 9999-12-31 is never
    the anchor) unless given. Its own names start with qt_, so that a table called revenue
    is not taken for one of them."""
    month = f"EXTRACT(YEAR FROM {period}) * 12 + EXTRACT(MONTH FROM {period}) - 1"
    latest = anchor or "MAX(month)"
    limit = "" if anchor else f" WHERE month <= {until or CURRENT_MONTH}"
    return (
        "WITH qt_revenue AS (\n"
        f"SELECT {account} AS account, CAST({month} AS INTEGER) AS month, "
        f"CAST({amount} AS DOUBLE) AS amount\nFROM {table}\n),\n"
        f"qt_anchor AS (SELECT {latest} AS last_month FROM qt_revenue{limit} LIMIT 1),\n"
        "qt_accounts AS (\n"
        f"{by_account('qt_revenue CROSS JOIN qt_anchor', 'last_month', layout)}\n),\n"
        f"qt_paid AS (\n{paid('qt_accounts', layout)}\n),\n"
        f"qt_figures AS (\n{figures(layout)}\n)\n"
        "SELECT\n"
        "  CAST(FLOOR((last_month - back) / 12.0) AS INTEGER) AS end_year,\n"
        "  CAST(last_month - back - 12 * FLOOR((last_month - back) / 12.0) + 1 AS INTEGER)"
        " AS end_month,\n"
        "  (kept + expansion) / NULLIF(start_revenue, 0) AS nrr,\n"
        "  kept / NULLIF(start_revenue, 0) AS grr,\n"
        "  CAST(retained AS DOUBLE) / NULLIF(cohort, 0) AS logo_retention,\n"
        f"  {', '.join(FIGURES)}\n"
        "FROM qt_figures CROSS JOIN qt_anchor\nORDER BY back DESC"
    )


def movement(sums: Sequence) -> Movement:
    """A movement from one row of FIGURES, as DuckDB or a server returns it."""
    start, kept, churn, expansion, cohort, retained, new, _paying = sums
    return Movement.of(
        *(float(v or 0) for v in (start, kept, churn, expansion)),
        *(int(v or 0) for v in (cohort, retained, new)),
    )


# the names `metrics --sql` takes, and sqlglot's for them
DIALECTS = {"duckdb": "duckdb", "postgresql": "postgres", "snowflake": "snowflake"}
DIALECTS |= {"bigquery": "bigquery"}


def transpile(sql: str, dialect: str) -> str:
    """The query in a warehouse's dialect (sqlglot, imported only here)."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write=DIALECTS[dialect], pretty=True)[0]
