"""The per-account table `by_account`: one row per account, its revenue per month held, and
the faults only it can show.

Names are normalised (see `names`) on the table, not on every file row: a second GROUP BY
over thousands of accounts, where one inside the first would run per row. Totals are taken
out of it, and rows kept aside for having no period or start date are told apart: a total is
left out with a warning, anything else is refused at its line.
"""

from __future__ import annotations

from quicktest.domain.errors import InputError
from quicktest.domain.periods import period_name
from quicktest.domain.retention import DataWarning
from quicktest.sources.revenue import names, notes
from quicktest.sources.revenue.cohort import by_account
from quicktest.sources.revenue.files import literal
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.timeline import Timeline

NAME = names.normal("acc")  # SQL: a row's account, as compared


def build(rows: Rows, timeline: Timeline, checks: str = "") -> list[str]:
    """Make by_account (with the `checks` counts of the quick read), its names normalised
    and its totals out; the totals' names."""
    layout = timeline.layout
    columns = ", ".join(f"sum(m{k}) AS m{k}" for k in range(layout.width))
    # a --by label (the latest period's) and a row count (for a wide file's repeats) cost
    # a third more: only when asked for
    label = " arg_max(label, month) AS label," if rows.plan.by is not None else ""
    count = " count(*) AS n," if rows.plan.shape == "wide" else ""
    query = by_account(
        timeline.revenue, str(timeline.anchor), layout, label + count + checks, False
    )
    con = rows.con
    con.execute(f"CREATE TEMP TABLE as_written AS {query}")
    normal = names.normal("account")
    changed = f"{names.abnormal('account')} AND account <> {normal}"
    if con.execute(f"SELECT 1 FROM as_written WHERE {changed} LIMIT 1").fetchone():
        sums = [f"sum({c}) AS {c}" for c in ("n", "missed", "odd") if f" AS {c}," in count + checks]
        con.execute(
            f"CREATE TEMP TABLE by_account AS SELECT {normal} AS account, "
            f"{'max(label) AS label, ' if label else ''}"
            + "".join(f"{s}, " for s in sums)
            + f"{columns} FROM as_written GROUP BY 1; DROP TABLE as_written"
        )
    else:
        con.execute("ALTER TABLE as_written RENAME TO by_account")
    found = con.execute(f"{names.totals('by_account', 'by_account')} ORDER BY account")
    totals = [name for (name,) in found.fetchall()]
    if totals:
        con.execute(f"DELETE FROM by_account WHERE account IN ({', '.join(map(literal, totals))})")
    return totals


def present(rows: Rows, timeline: Timeline) -> list[int]:
    """The months held in which an account has a row, once totals are out (a period only
    totals were written in is no period of the read)."""
    width = timeline.layout.width
    seen = rows.con.execute(
        "SELECT " + ", ".join(f"count(m{k})" for k in range(width)) + " FROM by_account"
    ).fetchone()
    months = sorted(timeline.anchor - k for k, n in enumerate(seen) if n)
    if not months:
        raise InputError("the file holds totals only, no account's revenue", rows.name)
    return months


def check(rows: Rows, timeline: Timeline, totals: list[str], odd: bool) -> list[DataWarning]:
    """Refuse what by_account shows to be wrong; the warning for the totals left out, those
    without a period among them."""
    con, plan = rows.con, rows.plan
    if timeline.undated is not None:
        totals = sorted(set(totals) | set(_undated_totals(rows, timeline.undated)))
    error = con.execute(
        f"SELECT account FROM by_account WHERE {names.is_error('account')} LIMIT 1"
    ).fetchone()
    if error:
        raise rows.error(
            f"{error[0]} is a spreadsheet's error, not an account: the formula or lookup that "
            "filled this column failed; correct it and export the file again",
            f"{NAME} = {literal(error[0])}",
            plan.account,
        )
    if con.execute(
        "SELECT 1 FROM by_account WHERE account IS NULL OR account = '' LIMIT 1"
    ).fetchone():
        raise rows.error("empty account", f"acc IS NULL OR {NAME} = ''", plan.account)
    if plan.shape == "wide":
        twice = con.execute("SELECT account FROM by_account WHERE n > 2 LIMIT 1").fetchone()
        if twice:
            where = f"{NAME} = {literal(twice[0])} AND per = 'start'"
            (first, _), (again, _) = rows.locate(where, count=2)
            raise InputError(
                f"account {twice[0]!r} appears twice (first on line {first})",
                rows.name,
                again,
                plan.account + 1,
                rows.source.keys[plan.account],
            )
    if odd and plan.shape == "long":
        _refuse_negative_totals(rows, timeline)
    return [notes.totals(totals)] if totals else []


def _undated_totals(rows: Rows, undated: str) -> list[str]:
    """The totals among the rows with no period (or start date); any other such row is
    refused, at its line."""
    rows.con.execute(
        f"CREATE TEMP TABLE undated AS SELECT DISTINCT {NAME} AS account FROM {rows.sql} "
        f"WHERE ({undated}) AND {rows.keep}"
    )
    found = rows.con.execute(names.totals("undated", "by_account")).fetchall()
    totals = [name for (name,) in found]
    listed = ", ".join(map(literal, totals)) or "NULL"
    if rows.exists(f"({undated}) AND ({NAME} IS NULL OR {NAME} NOT IN ({listed}))"):
        shape = rows.plan.shape
        column = rows.plan.period if shape == "long" else rows.plan.start
        what = (
            "a period such as 2026-03 or 2026-Q1"
            if shape == "long"
            else "a date such as 2025-03-14"
        )
        raise rows.error(
            f"expected {what}, got ''",
            f"({undated}) AND ({NAME} IS NULL OR {NAME} NOT IN ({listed}))",
            column,
        )
    return totals


def _refuse_negative_totals(rows: Rows, timeline: Timeline) -> None:
    """Credit and refund lines may lower a period's revenue, not below zero."""
    width = timeline.layout.width
    below = " OR ".join(f"m{k} < -1e-9" for k in range(width))
    found = rows.con.execute(
        f"SELECT account, [{', '.join(f'm{k}' for k in range(width))}] "
        f"FROM by_account WHERE {below} ORDER BY account LIMIT 1"
    ).fetchone()
    if not found:
        return
    account, values = found
    back = next(k for k, v in enumerate(values) if v is not None and v < -1e-9)
    month = timeline.anchor - back
    texts = [
        t for (t,) in rows.con.execute(f"SELECT text FROM periods WHERE month = {month}").fetchall()
    ]
    where = f"{NAME} = {literal(account)} AND per IN ({', '.join(map(literal, texts))})"
    raise rows.error(
        f"account {account!r} totals {values[back]:,.2f} in "
        f"{period_name(month, timeline.quarterly)}: credit and refund lines may lower a "
        "period's revenue, not below zero",
        where,
        rows.plan.amount,
        last=True,
    )
