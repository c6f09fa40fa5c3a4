"""The revenue engine: a file in, NRR, GRR, logo retention, history and warnings out, in DuckDB.

Two passes over the file, both in parallel inside DuckDB:

1. per period (and currency): row counts and the evidence for the decimal convention;
   periods are parsed in Python, once per distinct text.
2. the cohort query's `by_account` step: one row per account, its revenue per month.

Everything after that runs on the per-account table. Checks that find a fault name the file
line by asking the Source where the first offending row stands: the error path only.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.periods import LAG, choose_window, period_index, period_name
from quicktest.domain.retention import (
    HistoryPoint,
    Movement,
    RevenueRead,
    spelling_warning,
    window_warnings,
)
from quicktest.sources.revenue import amounts
from quicktest.sources.revenue.cohort import Layout, by_account, figures, movement, paid
from quicktest.sources.revenue.columns import Flags, Plan, plan
from quicktest.sources.revenue.files import Source, literal
from quicktest.sources.revenue.opening import open_source

_DATE = r"\d{4}-(0[1-9]|1[0-2])(-\d{2}([ T].*)?)?"


class Options(NamedTuple):
    """How to read a revenue file, beyond its columns: the window, currency and decimals."""

    start: str | None = None  # --from
    end: str | None = None  # --to
    sheet: str | None = None
    currency: str | None = None
    decimal: str | None = None  # "point" or "comma"


class RevenueFile(NamedTuple):
    """A revenue file named on a command line, with how to read it."""

    path: str
    flags: Flags = Flags()
    options: Options = Options()

    def read(self) -> RevenueRead:
        return read_revenue(Path(self.path), flags=self.flags, options=self.options)


def read_revenue(
    path: Path,
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
    flags: Flags | None = None,
    options: Options | None = None,
) -> RevenueRead:
    """The read of one revenue file (CSV, Parquet or xlsx, in any of the three shapes)."""
    flags = (flags or Flags())._replace(by=by) if by is not None else (flags or Flags())
    options = (options or Options())._replace(start=start, end=end) if start or end else options
    with _duckdb() as (con, folder):
        source = open_source(path, folder, con, (options or Options()).sheet)
        return _Reading(con, source, plan(source, flags), options or Options()).read()


@contextmanager
def _duckdb() -> Iterator[tuple[Any, Path]]:
    """An in-process DuckDB with its own folder for spills and file links; no extension is
    fetched, and nothing is left behind."""
    import duckdb

    folder = Path(tempfile.mkdtemp(prefix="quicktest-revenue-"))
    try:
        con = duckdb.connect(
            config={
                "threads": os.cpu_count() or 1,
                "preserve_insertion_order": False,
                "temp_directory": str(folder / "spill"),
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            }
        )
        try:
            yield con, folder
        except duckdb.InvalidInputException as exc:
            raise InputError(f"cannot be read: {str(exc).splitlines()[0]}") from None
        finally:
            con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Pass1(NamedTuple):
    periods: dict[tuple[str | None, str | None], int]  # (period as written, currency) -> rows
    currencies: dict[str | None, int]  # currency (trimmed, upper case) -> rows
    odd: dict[str | None, int]  # currency -> amounts that are not plain numbers


class _Reading:
    """One file's read, step by step; `rows` is the file as the engine sees it: acc, label,
    cur, per (a period text, or start/end for a wide file), a and x (the amount as text and
    as a typed number), st and et (a subscription's dates)."""

    def __init__(self, con: Any, source: Source, plan: Plan, options: Options) -> None:
        self.con, self.source, self.plan, self.options = con, source, plan, options
        self.name = source.name
        self.keep = "TRUE"  # the rows of the chosen currency
        self.chosen: str | None = None
        self.rows = self.rows_over(source.relation)

    def rows_over(self, relation: str) -> str:
        p, s = self.plan, self.source
        line = "line" if relation != s.relation or s.kind != "csv" else "0"
        label = s.text(p.by) if p.by is not None else "''"
        currency = f"upper(trim({s.text(p.currency)}))" if p.currency is not None else "NULL"
        roles = [p.account, p.amount, p.period, p.end_amount, p.start, p.end]
        filled = " OR ".join(
            f"{s.text(c)} IS NOT NULL OR {s.number(c)} IS NOT NULL" for c in roles if c is not None
        )
        if p.shape == "long":  # blank rows fall out with their blank period: a filter here
            filled = "TRUE"  # would cost the 10M-row pass 40%
        common = f"{line} AS line, {s.text(p.account)} AS acc, {label} AS label, {currency} AS cur"
        dates = (
            f"{s.text(p.start)} AS st, {s.text(p.end)} AS et"
            if p.shape == "subscriptions"
            else "NULL AS st, NULL AS et"
        )

        def select(period: str, amount: int) -> str:
            return (
                f"SELECT {common}, {period} AS per, {s.text(amount)} AS a, "
                f"{s.number(amount)} AS x, {dates} FROM {relation} WHERE {filled}"
            )

        if p.shape == "wide":
            assert p.end_amount is not None
            start, end = select(literal("start"), p.amount), select(literal("end"), p.end_amount)
            return f"({start} UNION ALL {end})"
        period = s.text(p.period) if p.period is not None else "NULL"
        return f"({select(period, p.amount)})"

    # --- finding the rows behind a fault (the error path) ---

    def locate(self, where: str, cells: str = "NULL", count: int = 1) -> list[tuple[int, Any]]:
        """The file lines and a cell of the first `count` rows where `where` holds."""
        with self.source.numbered(self.con) as numbered:
            found = self.con.execute(
                f"SELECT line, {cells} FROM {self.rows_over(numbered)} "
                f"WHERE ({where}) AND {self.keep} ORDER BY line LIMIT {count}"
            ).fetchall()
        lines = self.source.lines([line for line, _ in found])
        return [(line, cell) for line, (_, cell) in zip(lines, found, strict=True)]

    def error(self, message: str, where: str, column: int | None, last: bool = False) -> InputError:
        found = self.locate(where, count=1_000_000 if last else 1)
        line = (found[-1] if last else found[0])[0] if found else None
        return InputError(
            message,
            self.name,
            line,
            None if column is None or line is None else column + 1,
            None if column is None else self.source.keys[column],
        )

    # --- the read ---

    def read(self) -> RevenueRead:
        if self.plan.shape == "wide" and (self.options.start or self.options.end):
            raise InputError(
                "--from and --to apply to a long file (account,period,revenue); this one is wide",
                self.name,
            )
        if self.plan.shape == "long" and self.source.kind == "csv" and self.plan.currency is None:
            quick = self.quick_read()
            if quick is not None:
                return quick
        first = self.first_pass()
        self.source.check(self.con)
        if not [per for per, _ in first.periods if per is not None or self.plan.shape != "long"]:
            raise InputError("no rows after the header", self.name, 2)
        self.choose_currency(first)
        odd = any(n for cur, n in first.odd.items() if self.chosen in (None, cur))
        self.convention, self.settled = amounts.convention_of(
            self.evidence() if odd else {"point_evidence": 0, "comma_evidence": 0},
            self.options.decimal,
            self.name,
        )
        if odd:  # only amounts that are not plain numbers can be bad ones
            self.check_amounts()
        self.amount = amounts.value("a", "x", self.convention) if odd else "TRY_CAST(a AS DOUBLE)"
        if self.plan.shape == "long":
            months, quarterly = self.long_months(first)
        elif self.plan.shape == "wide":
            months, quarterly = {"start": 0, "end": 1}, False
        else:
            months, quarterly = self.subscription_months(), False
        present = sorted(set(months.values()))
        anchor = present[-1]
        layout = Layout(2, 1) if self.plan.shape == "wide" else Layout(anchor - present[0] + 1)
        self.build_accounts(months, anchor, layout, odd)
        return self.result(present, quarterly, anchor, layout)

    def quick_read(self) -> RevenueRead | None:
        """One pass instead of two, for a plain long CSV: periods guessed from a sample of
        the file, and the pass that builds the per-account table counts the rows whose
        period the guess missed and the amounts that are not plain numbers. With none of
        either the read is exact; otherwise None, and the two passes run."""
        assert self.plan.period is not None
        months: dict[str, int] = {}
        kinds = set()
        for text in self.source.sample(self.plan.period):  # type: ignore[attr-defined]
            parsed = period_index(text.strip())
            if parsed is not None:
                months[text] = parsed[0]
                kinds.add(parsed[1])
        if not months or len(kinds) > 1:
            return None
        self.convention, self.settled, self.amount = "point", True, "TRY_CAST(a AS DOUBLE)"
        low, anchor = min(months.values()), max(months.values())
        layout = Layout(anchor - low + 1)
        checks = (  # rows of a period the sample missed, amounts that are not plain numbers
            " count(*) FILTER (WHERE month IS NULL) AS missed,"
            " count(*) - count(amount) + count(*) FILTER (WHERE a LIKE '%.___') AS odd,"
        )
        self.build_accounts(months, anchor, layout, False, checks)
        self.source.check(self.con)
        months_ok = " AND ".join(
            f"coalesce(isfinite(m{k}) AND abs(m{k}) <= {amounts.MAX_AMOUNT:.0f}, true)"
            for k in range(layout.width)
        )
        missed, odd, *seen = self.con.execute(
            f"SELECT sum(missed), sum(odd) + count(*) FILTER (WHERE NOT ({months_ok})), "
            + ", ".join(f"count(m{k})" for k in range(layout.width))
            + " FROM by_account"
        ).fetchone()
        if missed or odd:
            self.con.execute("DROP TABLE by_account; DROP TABLE periods")
            return None
        present = sorted(anchor - k for k, n in enumerate(seen) if n)
        self.check_accounts(months, anchor, layout, True)  # credit lines may be in it
        return self.result(present, bool(kinds.pop()), anchor, layout)

    def first_pass(self) -> _Pass1:
        """Periods, currencies, and how many amounts are not plain numbers: the one pass
        every file pays for. The decimal evidence is counted only where such amounts exist."""
        found = self.con.execute(
            f"SELECT per, cur, count(*), count(*) FILTER (WHERE NOT {amounts.fast('a', 'x')}), "
            f"count(*) FILTER (WHERE x IS NOT NULL) FROM {self.rows} GROUP BY ALL"
        ).fetchall()
        periods: dict[tuple[str | None, str | None], int] = {}
        currencies: dict[str | None, int] = {}
        odd: dict[str | None, int] = {}
        for per, cur, rows, slow, typed in found:
            periods[per, cur] = rows
            currencies[cur] = currencies.get(cur, 0) + rows
            odd[cur] = odd.get(cur, 0) + slow + typed
        return _Pass1(periods, currencies, odd)

    def evidence(self) -> dict[str, int]:
        """How many amounts only a decimal point, or only a decimal comma, reads."""
        slow = f"NOT {amounts.fast('a', 'x')}"
        clean = amounts.digits(amounts.cleaned("a"))

        def count(pattern: str) -> str:  # CASE, not AND: DuckDB would run the regex on all
            found = amounts.matches(clean, pattern)
            return f"count(*) FILTER (WHERE CASE WHEN {slow} THEN {found} ELSE false END)"

        point, plain, comma = self.con.execute(
            f"SELECT {count(amounts.EVIDENCE['point'])}, "
            f"count(*) FILTER (WHERE x IS NULL AND NOT ({slow}) AND contains(a, '.')), "
            f"{count(amounts.EVIDENCE['comma'])} FROM {self.rows} WHERE {self.keep}"
        ).fetchone()
        return {"point_evidence": point + plain, "comma_evidence": comma}

    def choose_currency(self, first: _Pass1) -> None:
        """Keep one currency's rows: the only one, or the one --currency names."""
        chosen = self.options.currency
        if self.plan.currency is None:
            if chosen:
                raise InputError(
                    "--currency picks the rows of one currency, and this file has no "
                    f"currency column ({', '.join(self.source.keys)})",
                    self.name,
                )
            return
        written = sorted(first.currencies, key=lambda c: (c is None, c or ""))
        if chosen is None:
            if len(written) > 1:
                listed = ", ".join(
                    f"{c or '(blank)'} ({first.currencies[c]:,} rows)" for c in written
                )
                example = next((c for c in written if c), "EUR")
                raise InputError(
                    f"amounts in several currencies: {listed}. Ratios across currencies mean "
                    f"nothing: choose one with --currency {example}",
                    self.name,
                )
            return
        key = chosen.strip().upper()
        if key not in first.currencies:
            raise InputError(
                f"no rows in currency {chosen!r}; the file has "
                + ", ".join(c or "(blank)" for c in written),
                self.name,
                field="--currency",
                hint=did_you_mean(key, [c for c in written if c]),
            )
        self.keep, self.chosen = f"cur = {literal(key)}", key

    def check_amounts(self) -> None:
        credit = self.plan.shape == "long"  # credit lines belong to billing line items
        bad = amounts.bad("a", "x", self.convention, credit, self.settled)
        if not self.con.execute(
            f"SELECT 1 FROM {self.rows} WHERE ({bad}) AND {self.keep} LIMIT 1"
        ).fetchone():
            return
        [(line, (cell, period))] = self.locate(bad, "(coalesce(a, CAST(x AS VARCHAR)), per)")
        column = self.plan.end_amount if period == "end" else self.plan.amount
        raise InputError(
            amounts.explain(cell, self.convention, credit, self.settled),
            self.name,
            line,
            column + 1,
            self.source.keys[column],
        )

    def long_months(self, first: _Pass1) -> tuple[dict[str, int], bool]:
        """Each period text as a month number, parsed once; months and quarters unmixed."""
        months: dict[str, int] = {}
        kinds: dict[bool, str] = {}
        column = self.plan.period
        for text in {per for per, cur in first.periods if self.chosen in (None, cur)}:
            parsed = period_index(text.strip()) if text is not None else None
            blank = "per IS NULL AND (acc IS NOT NULL OR a IS NOT NULL OR x IS NOT NULL)"
            if text is None and not self.locate(blank):
                continue  # blank rows, as spreadsheets leave them
            if parsed is None:
                where = blank if text is None else f"per = {literal(text)}"
                raise self.error(
                    f"expected a period such as 2026-03 or 2026-Q1, got {text or ''!r}",
                    where,
                    column,
                )
            months[text] = parsed[0]
            kinds.setdefault(parsed[1], text)
        if len(kinds) > 1:
            firsts = {
                kind: self.locate(f"per = {literal(text)}")[0][0] for kind, text in kinds.items()
            }
            later = max(firsts, key=lambda kind: firsts[kind])
            quarter = literal("%Q%")
            where = f"per {'' if later else 'NOT '}ILIKE {quarter}"
            raise self.error("months and quarters mixed in one file", where, column)
        return months, next(iter(kinds))

    def subscription_months(self) -> dict[str, int]:
        """Check the dates; the months run from the first start to the latest date."""
        p = self.plan
        for column, text, blank in ((p.start, "st", False), (p.end, "et", True)):
            month = _month(text)
            where = f"{month} IS NULL" + (f" AND {text} IS NOT NULL" if blank else "")
            found = self.locate(where, text)
            if found:
                raise self.error(
                    f"expected a date such as 2025-03-14, got {found[0][1] or ''!r}", where, column
                )
        backwards = f"{_month('et')} < {_month('st')}"
        if self.con.execute(f"SELECT 1 FROM {self.rows} WHERE {backwards} LIMIT 1").fetchone():
            raise self.error("the subscription ends before it starts", backwards, p.end)
        low, high = self.con.execute(
            f"SELECT min({_month('st')}), greatest(max({_month('st')}), max({_month('et')})) "
            f"FROM {self.rows} WHERE {self.keep}"
        ).fetchone()
        return {period_name(m, False): m for m in range(low, high + 1)}

    def revenue(self, months: dict[str, int], anchor: int, quick: bool = False) -> str:
        """SQL: the revenue relation of the cohort query (account, month, amount, label);
        `quick` keeps the rows of periods not in `months`, and the amounts as written."""
        amount = self.amount
        if self.plan.shape == "subscriptions":
            until = f"least(coalesce({_month('et')}, {anchor + 1}), {anchor + 1})"
            return (
                f"(SELECT acc AS account, label, unnest(range({_month('st')}, {until})) AS month,"
                f" {amount} AS amount FROM {self.rows} WHERE {self.keep})"
            )
        self.con.execute(
            "CREATE TEMP TABLE periods AS SELECT unnest($1) AS text, unnest($2) AS month",
            [list(months), list(months.values())],
        )
        written, join = (", a", "LEFT JOIN") if quick else ("", "JOIN")
        return (
            f"(SELECT acc AS account, label, periods.month AS month, {amount} AS amount{written} "
            f"FROM {self.rows} AS r {join} periods ON periods.text = r.per WHERE {self.keep})"
        )

    def build_accounts(
        self, months: dict[str, int], anchor: int, layout: Layout, odd: bool, checks: str = ""
    ) -> None:
        """The per-account table, names trimmed (with the `checks` counts of quick_read);
        then the faults only it can show."""
        columns = ", ".join(f"sum(m{k}) AS m{k}" for k in range(layout.width))
        # a --by label (the latest period's) and a row count (for a wide file's repeats) cost
        # a third more: only when asked for
        label = " arg_max(label, month) AS label," if self.plan.by is not None else ""
        count = " count(*) AS n," if self.plan.shape == "wide" else ""
        revenue = self.revenue(months, anchor, quick=bool(checks))
        self.con.execute(
            "CREATE TEMP TABLE as_written AS "
            + by_account(revenue, str(anchor), layout, label + count + checks, bounded=False)
        )
        # Names are trimmed (" Acme" is Acme) on the per-account table: a second GROUP BY
        # over thousands of rows, where one inside the first would run per file row.
        sums = [f"sum({c}) AS {c}" for c in ("n", "missed", "odd") if f" AS {c}," in count + checks]
        if self.con.execute(
            "SELECT 1 FROM as_written WHERE account <> trim(account) LIMIT 1"
        ).fetchone():
            self.con.execute(
                "CREATE TEMP TABLE by_account AS SELECT trim(account) AS account, "
                f"{'max(label) AS label, ' if label else ''}"
                + "".join(f"{s}, " for s in sums)
                + f"{columns} FROM as_written GROUP BY trim(account); DROP TABLE as_written"
            )
        else:
            self.con.execute("ALTER TABLE as_written RENAME TO by_account")
        if not checks:
            self.check_accounts(months, anchor, layout, odd)

    def check_accounts(
        self, months: dict[str, int], anchor: int, layout: Layout, odd: bool
    ) -> None:
        """The faults the per-account table shows: an empty name, a wide file's repeated
        account, a period's credits beyond its billing."""
        if self.con.execute(
            "SELECT 1 FROM by_account WHERE account IS NULL OR account = '' LIMIT 1"
        ).fetchone():
            raise self.error("empty account", "acc IS NULL OR trim(acc) = ''", self.plan.account)
        if self.plan.shape == "wide":
            twice = self.con.execute(
                "SELECT account FROM by_account WHERE n > 2 LIMIT 1"
            ).fetchone()
            if twice:
                where = f"trim(acc) = {literal(twice[0])} AND per = 'start'"
                (first, _), (again, _) = self.locate(where, count=2)
                raise InputError(
                    f"account {twice[0]!r} appears twice (first on line {first})",
                    self.name,
                    again,
                    self.plan.account + 1,
                    self.source.keys[self.plan.account],
                )
        if odd and self.plan.shape == "long":
            self.refuse_negative_totals(months, anchor, layout)

    def refuse_negative_totals(self, months: dict[str, int], anchor: int, layout: Layout) -> None:
        below = " OR ".join(f"m{k} < -1e-9" for k in range(layout.width))
        found = self.con.execute(
            f"SELECT account, [{', '.join(f'm{k}' for k in range(layout.width))}] "
            f"FROM by_account WHERE {below} ORDER BY account LIMIT 1"
        ).fetchone()
        if not found:
            return
        account, values = found
        back = next(k for k, v in enumerate(values) if v is not None and v < -1e-9)
        month = anchor - back
        texts = [t for t, m in months.items() if m == month]
        where = f"trim(acc) = {literal(account)} AND per IN ({', '.join(map(literal, texts))})"
        raise self.error(
            f"account {account!r} totals {values[back]:,.2f} in {texts[0].strip()}: credit and "
            "refund lines may lower a period's revenue, not below zero",
            where,
            self.plan.amount,
            last=True,
        )

    # --- figures ---

    def movements(self, layout: Layout, backs: list[int], group: str | None = None) -> list:
        if not backs:
            return []
        sums = figures(layout, backs, group is not None)
        return self.con.execute(
            f"WITH qt_paid AS ({paid('by_account', layout, group)}) {sums}"
        ).fetchall()

    def result(
        self, present: list[int], quarterly: bool, anchor: int, layout: Layout
    ) -> RevenueRead:
        if self.plan.shape == "wide":
            window, history = (0, 1), []
            total = movement(self.movements(layout, [0])[0][1:])
        else:
            window = choose_window(
                self.name, present, quarterly, self.options.start, self.options.end
            )
            history, sums = self.history(present, quarterly, anchor, layout)
            back, lag = anchor - window[1], window[1] - window[0]
            if lag != LAG or back not in sums:
                sums[back] = self.movements(layout._replace(lag=lag), [back])[0][1:]
            total = movement(sums[back])
        by: dict[str, Movement] = {}
        if self.plan.by is not None:
            grouped = layout._replace(lag=window[1] - window[0])
            for label, _, *sums in self.movements(grouped, [anchor - window[1]], "label"):
                by[(label or "").strip()] = movement(sums)
        warnings = self.warnings(present, quarterly, anchor, layout, window)
        return RevenueRead(
            self.name,
            self.plan.shape,
            total,
            self.source.keys[self.plan.by] if self.plan.by is not None else None,
            by,
            None
            if self.plan.shape == "wide"
            else (period_name(window[0], quarterly), period_name(window[1], quarterly)),
            history,
            tuple(warnings),
        )

    def history(
        self, present: list[int], quarterly: bool, anchor: int, layout: Layout
    ) -> tuple[list[HistoryPoint], dict[int, list]]:
        """NRR and GRR over every twelve months the file holds, oldest first; and the sums
        by months back from the anchor, where the default window's are among them."""
        known = set(present)
        backs = [anchor - m for m in present if m - LAG in known]
        sums = {back: rest for back, *rest in self.movements(layout, backs)}
        points = []
        for back in sorted(sums, reverse=True):
            moved = movement(sums[back])
            points.append(HistoryPoint(period_name(anchor - back, quarterly), moved.nrr, moved.grr))
        return points, sums

    def warnings(
        self,
        present: list[int],
        quarterly: bool,
        anchor: int,
        layout: Layout,
        window: tuple[int, int],
    ) -> list:
        found = spelling_warning(
            [
                list(names)
                for (names,) in self.con.execute(
                    "SELECT list(account ORDER BY account) FROM by_account GROUP BY CASE WHEN "
                    "contains(account, '  ') OR contains(account, chr(9)) THEN "
                    "regexp_replace(lower(account), '\\s+', ' ', 'g') ELSE lower(account) END "
                    "HAVING count(*) > 1 ORDER BY 1"
                ).fetchall()
            ]
        )
        if self.plan.shape == "wide":
            return found
        counts = self.con.execute(
            "SELECT "
            + ", ".join(f"count(CASE WHEN m{k} > 0 THEN 1 END)" for k in range(layout.width))
            + " FROM by_account"
        ).fetchone()
        paying = {anchor - k: n for k, n in enumerate(counts) if anchor - k in set(present)}
        return window_warnings(present, quarterly, window, paying, bool(self.options.end)) + found


def _month(text: str) -> str:
    """SQL: the month number of a date written as text (2025-03-14, 2025-03), or NULL."""
    return (
        f"CASE WHEN regexp_full_match({text}, '{_DATE}') THEN "
        f"CAST(substr({text}, 1, 4) AS INTEGER) * 12"
        f" + CAST(substr({text}, 6, 2) AS INTEGER) - 1 END"
    )
