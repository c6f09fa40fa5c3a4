"""One pass instead of two, for a plain long CSV: the periods guessed from a sample of the
file, and the pass that builds the per-account table counts the rows whose period the guess
missed and the amounts that are not plain numbers. With none of either the read is exact;
otherwise (or where the sample shows a period the read would leave out) the two passes run.
"""

from __future__ import annotations

import datetime

from quicktest.domain.periods import as_of_date, periods_read
from quicktest.domain.retention import RevenueRead
from quicktest.sources.revenue import accounts, amounts, dates
from quicktest.sources.revenue.census import PLAIN
from quicktest.sources.revenue.cohort import Layout
from quicktest.sources.revenue.csvsource import CsvSource
from quicktest.sources.revenue.figures import result
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.timeline import Timeline, long_revenue

# rows of a period the sample missed, amounts that are not plain numbers
_CHECKS = (
    " count(*) FILTER (WHERE month IS NULL) AS missed,"
    " count(*) - count(amount) + count(*) FILTER (WHERE a LIKE '%.___') AS odd,"
)


def quick_read(
    rows: Rows,
    start: str | None,
    end: str | None,
    as_of: datetime.date | None,
    today: datetime.date,
) -> RevenueRead | None:
    source, column = rows.source, rows.plan.period
    assert isinstance(source, CsvSource) and column is not None
    months: dict[str, int] = {}
    kinds = set()
    for text in source.sample(column):
        parsed = dates.period(text.strip())
        if parsed is not None:
            months[text] = parsed[0]
            kinds.add(parsed[1])
    if not months or len(kinds) > 1:
        return None
    quarterly = kinds.pop()
    every = sorted(set(months.values()))
    when = as_of_date(as_of, today, every, quarterly)
    held, after, far = periods_read(every, when)
    if after or far:
        return None  # the two passes name them in a warning
    layout = Layout(held[-1] - held[0] + 1)
    revenue = long_revenue(rows, months, PLAIN, quick=True)
    timeline = Timeline(held, quarterly, held[-1], layout, revenue, when)
    totals = accounts.build(rows, timeline, _CHECKS)
    source.check(rows.con)
    months_ok = " AND ".join(
        f"coalesce(isfinite(m{k}) AND abs(m{k}) <= {amounts.MAX_AMOUNT:.0f}, true)"
        for k in range(layout.width)
    )
    missed, odd, *seen = rows.con.execute(
        f"SELECT sum(missed), sum(odd) + count(*) FILTER (WHERE NOT ({months_ok})), "
        + ", ".join(f"count(m{k})" for k in range(layout.width))
        + " FROM by_account"
    ).fetchone()
    present = sorted(timeline.anchor - k for k, n in enumerate(seen) if n)
    if missed or odd or not present:  # not present: totals only, which the two passes name
        rows.con.execute("DROP TABLE by_account; DROP TABLE periods")
        return None
    timeline = timeline._replace(present=present)
    warnings = accounts.check(rows, timeline, totals, True)  # credit lines may be in it
    return result(rows, timeline, warnings, start, end)
