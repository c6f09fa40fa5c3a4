"""The file's rows as every pass of the engine reads them, and the file line behind a fault.

`Rows.sql` is one relation whatever the file's shape: line, acc (the account), label (a --by
value), cur (the currency, trimmed and upper case), per (a period as written, or start/end
for a wide file's two amounts), a and x (the amount as text and as a typed number), st and et
(a subscription's dates as text). `keep` holds the rows of the currency read.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from quicktest.domain.errors import InputError
from quicktest.sources.revenue.columns import Plan
from quicktest.sources.revenue.files import Source, literal


class Rows(NamedTuple):
    con: Any  # the engine's DuckDB connection
    source: Source
    plan: Plan
    keep: str = "TRUE"  # SQL: the rows of the currency read

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def sql(self) -> str:
        return self.over(self.source.relation)

    def kept(self) -> str:
        """SQL: the rows of the currency read."""
        return f"(SELECT * FROM {self.sql} WHERE {self.keep})"

    def over(self, relation: str) -> str:
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
            if p.start is not None and p.end is not None
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

    def exists(self, where: str) -> bool:
        """Whether a row of the currency read matches `where` (all threads)."""
        found = self.con.execute(
            f"SELECT 1 FROM {self.sql} WHERE ({where}) AND {self.keep} LIMIT 1"
        )
        return found.fetchone() is not None

    def locate(
        self, where: str, cells: str = "NULL", count: int = 1, last: bool = False
    ) -> list[tuple[int, Any]]:
        """The file lines and a cell of the first `count` rows where `where` holds (the
        last one with `last`). Reads the file in order, on one thread: the error path."""
        order = "line DESC" if last else "line"
        with self.source.numbered(self.con) as numbered:
            found = self.con.execute(
                f"SELECT line, {cells} FROM {self.over(numbered)} "
                f"WHERE ({where}) AND {self.keep} ORDER BY {order} LIMIT {count}"
            ).fetchall()
        lines = self.source.lines([line for line, _ in found])
        return [(line, cell) for line, (_, cell) in zip(lines, found, strict=True)]

    def line(self, where: str) -> int | None:
        found = self.locate(where)
        return found[0][0] if found else None

    def error(self, message: str, where: str, column: int | None, last: bool = False) -> InputError:
        """An error placed at the first (or last) row where `where` holds, in `column`."""
        found = self.locate(where, last=last)
        line = found[0][0] if found else None
        return InputError(
            message,
            self.name,
            line,
            None if column is None or line is None else column + 1,
            None if column is None else self.source.keys[column],
        )
