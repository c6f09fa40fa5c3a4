"""The figures of a read, from the per-account table: the window's movement, the history of
trailing NRR and GRR, the --by breakdown and the warnings, as a RevenueRead."""

from __future__ import annotations

from typing import Any

from quicktest.domain.periods import LAG, choose_window, period_name
from quicktest.domain.retention import (
    DataWarning,
    HistoryPoint,
    Movement,
    RevenueRead,
    spelling_warning,
    window_warnings,
)
from quicktest.sources.revenue.cohort import Layout, figures, movement, paid
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.timeline import Timeline


def result(
    rows: Rows,
    timeline: Timeline,
    warnings: list[DataWarning],
    start: str | None,
    end: str | None,
) -> RevenueRead:
    """The read over the window --from/--to choose (or the default one)."""
    plan, layout, anchor = rows.plan, timeline.layout, timeline.anchor
    quarterly = timeline.quarterly
    if plan.shape == "wide":
        window, history = (0, 1), []
        total = movement(_movements(rows, layout, [0])[0][1:])
    else:
        window = choose_window(rows.name, timeline.present, quarterly, start, end, timeline.as_of)
        history, sums = _history(rows, timeline)
        back, lag = anchor - window[1], window[1] - window[0]
        if lag != LAG or back not in sums:
            sums[back] = _movements(rows, layout._replace(lag=lag), [back])[0][1:]
        total = movement(sums[back])
    by: dict[str, Movement] = {}
    if plan.by is not None:
        grouped = layout._replace(lag=window[1] - window[0])
        for label, _, *group in _movements(rows, grouped, [anchor - window[1]], "label"):
            by[(label or "").strip()] = movement(group)
    found = [*timeline.notes, *warnings]
    if plan.shape != "wide":
        found += window_warnings(
            timeline.present, quarterly, window, _paying(rows, timeline), bool(end)
        )
    return RevenueRead(
        rows.name,
        plan.shape,
        total,
        rows.source.keys[plan.by] if plan.by is not None else None,
        by,
        None
        if plan.shape == "wide"
        else (period_name(window[0], quarterly), period_name(window[1], quarterly)),
        history,
        tuple(found + _similar_names(rows)),
        rows.source.sheet,
        timeline.as_of,
    )


def _movements(rows: Rows, layout: Layout, backs: list[int], group: str | None = None) -> list[Any]:
    if not backs:
        return []
    sums = figures(layout, backs, group is not None)
    return rows.con.execute(
        f"WITH qt_paid AS ({paid('by_account', layout, group)}) {sums}"
    ).fetchall()


def _history(rows: Rows, timeline: Timeline) -> tuple[list[HistoryPoint], dict[int, list[Any]]]:
    """NRR and GRR over every twelve months the read holds, oldest first; and the sums by
    months back from the anchor, where the default window's are among them."""
    known, anchor = set(timeline.present), timeline.anchor
    backs = [anchor - m for m in timeline.present if m - LAG in known]
    sums = {back: rest for back, *rest in _movements(rows, timeline.layout, backs)}
    points = []
    for back in sorted(sums, reverse=True):
        moved = movement(sums[back])
        name = period_name(anchor - back, timeline.quarterly)
        points.append(HistoryPoint(name, moved.nrr, moved.grr))
    return points, sums


def _paying(rows: Rows, timeline: Timeline) -> dict[int, int]:
    """The accounts with revenue in each period held."""
    counts = rows.con.execute(
        "SELECT "
        + ", ".join(f"count(CASE WHEN m{k} > 0 THEN 1 END)" for k in range(timeline.layout.width))
        + " FROM by_account"
    ).fetchone()
    held = set(timeline.present)
    return {timeline.anchor - k: n for k, n in enumerate(counts) if timeline.anchor - k in held}


def _similar_names(rows: Rows) -> list[DataWarning]:
    """Names that differ only in case or in the spaces inside them (normalised already)."""
    groups = rows.con.execute(
        "SELECT list(account ORDER BY account) FROM by_account GROUP BY CASE WHEN "
        "contains(account, '  ') THEN regexp_replace(lower(account), ' +', ' ', 'g') "
        "ELSE lower(account) END HAVING count(*) > 1 ORDER BY 1"
    ).fetchall()
    return spelling_warning([list(names) for (names,) in groups])
