"""The first pass over a file, and what it settles: the currency read and how amounts are
read (the decimal convention, checked on every amount that is not a plain number).

The pass counts rows per period as written and per currency, and the amounts that are not
plain numbers; only where such amounts exist is the decimal evidence counted and every
amount checked, so a plain file pays for one GROUP BY.
"""

from __future__ import annotations

from typing import NamedTuple

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.sources.revenue import amounts
from quicktest.sources.revenue.files import literal
from quicktest.sources.revenue.rows import Rows

PLAIN = "TRY_CAST(a AS DOUBLE)"  # SQL: the amount of a file whose amounts are all plain


class Census(NamedTuple):
    periods: dict[tuple[str | None, str | None], int]  # (period as written, currency) -> rows
    currencies: dict[str | None, int]  # currency (trimmed, upper case) -> rows
    odd: dict[str | None, int]  # currency -> amounts that are not plain numbers


class Amounts(NamedTuple):
    """How a file's amounts are read."""

    convention: str = "point"
    settled: bool = True  # chosen, or shown by a value only one convention reads
    sql: str = PLAIN  # SQL: a row's amount as a number
    odd: bool = False  # some amounts are not plain numbers (credits among them, maybe)


def take_census(rows: Rows) -> Census:
    found = rows.con.execute(
        f"SELECT per, cur, count(*), count(*) FILTER (WHERE NOT {amounts.fast('a', 'x')}), "
        f"count(*) FILTER (WHERE x IS NOT NULL) FROM {rows.sql} GROUP BY ALL"
    ).fetchall()
    periods: dict[tuple[str | None, str | None], int] = {}
    currencies: dict[str | None, int] = {}
    odd: dict[str | None, int] = {}
    for per, cur, count, slow, typed in found:
        periods[per, cur] = count
        currencies[cur] = currencies.get(cur, 0) + count
        odd[cur] = odd.get(cur, 0) + slow + typed
    return Census(periods, currencies, odd)


def choose_currency(rows: Rows, census: Census, chosen: str | None) -> tuple[Rows, str | None]:
    """Keep one currency's rows: the only one, or the one --currency names; and its code."""
    if rows.plan.currency is None:
        if chosen:
            raise InputError(
                "--currency picks the rows of one currency, and this file has no "
                f"currency column ({', '.join(rows.source.keys)})",
                rows.name,
            )
        return rows, None
    written = sorted(census.currencies, key=lambda c: (c is None, c or ""))
    if chosen is None:
        if len(written) > 1:
            listed = ", ".join(f"{c or '(blank)'} ({census.currencies[c]:,} rows)" for c in written)
            example = next((c for c in written if c), "EUR")
            raise InputError(
                f"amounts in several currencies: {listed}. Ratios across currencies mean "
                f"nothing: choose one with --currency {example}",
                rows.name,
            )
        return rows, None
    key = chosen.strip().upper()
    if key not in census.currencies:
        raise InputError(
            f"no rows in currency {chosen!r}; the file has "
            + ", ".join(c or "(blank)" for c in written),
            rows.name,
            field="--currency",
            hint=did_you_mean(key, [c for c in written if c]),
        )
    return rows._replace(keep=f"cur = {literal(key)}"), key


def settle_amounts(
    rows: Rows, census: Census, currency: str | None, decimal: str | None
) -> Amounts:
    """The decimal convention, and every amount checked where any is not a plain number."""
    odd = any(n for cur, n in census.odd.items() if currency in (None, cur))
    counts, signs = _evidence(rows) if odd else ({"point_evidence": 0, "comma_evidence": 0}, {})
    _one_sign(rows, signs)
    convention, settled = amounts.convention_of(counts, decimal, rows.name)
    if not odd:
        return Amounts(convention, settled)
    _check(rows, convention, settled)
    return Amounts(convention, settled, amounts.value("a", "x", convention), True)


def _evidence(rows: Rows) -> tuple[dict[str, int], dict[str, int]]:
    """How many amounts only a decimal point, or only a decimal comma, reads; and how many
    carry each currency sign."""
    slow = f"NOT {amounts.fast('a', 'x')}"
    clean = amounts.digits(amounts.cleaned("a"))

    def count(found: str) -> str:  # CASE, not AND: DuckDB would run the regex on all
        return f"count(*) FILTER (WHERE CASE WHEN {slow} THEN {found} ELSE false END)"

    signs = "".join(f", {count(f'contains(a, {literal(sign)})')}" for sign in amounts.SIGNS)
    point, plain, comma, *signed = rows.con.execute(
        f"SELECT {count(amounts.matches(clean, amounts.EVIDENCE['point']))}, "
        f"count(*) FILTER (WHERE x IS NULL AND NOT ({slow}) AND contains(a, '.')), "
        f"{count(amounts.matches(clean, amounts.EVIDENCE['comma']))}{signs} "
        f"FROM {rows.sql} WHERE {rows.keep}"
    ).fetchone()
    evidence = {"point_evidence": point + plain, "comma_evidence": comma}
    return evidence, dict(zip(amounts.SIGNS, signed, strict=True))


def _one_sign(rows: Rows, signs: dict[str, int]) -> None:
    """Refuse amounts written with different currency signs ($100.50 in some rows, €150.25
    in others): the signs are stripped to read the numbers, so they would be summed as one
    currency. Named at the first amount not in the sign most of them carry."""
    found = {sign: n for sign, n in signs.items() if n}
    if len(found) < 2:
        return
    main = max(found, key=lambda sign: found[sign])
    others = " OR ".join(f"contains(a, {literal(sign)})" for sign in found if sign != main)
    [(line, (cell, period))] = rows.locate(others, "(a, per)")
    column = rows.plan.end_amount if period == "end" else rows.plan.amount
    assert column is not None
    listed = ", ".join(f"{n:,} in {sign}" for sign, n in sorted(found.items(), key=lambda f: -f[1]))
    what = (
        "check the currency column against the amounts' signs"
        if rows.plan.currency is not None
        else "export one currency's rows, or add a currency column and choose one with --currency"
    )
    raise InputError(
        f"amounts in several currencies, by their signs: {listed}; this is the first not in "
        f"{main}, got {cell!r}. Ratios across currencies mean nothing: {what}",
        rows.name,
        line,
        column + 1,
        rows.source.keys[column],
    )


def _check(rows: Rows, convention: str, settled: bool) -> None:
    credit = rows.plan.shape == "long"  # credit lines belong to billing line items
    bad = amounts.bad("a", "x", convention, credit, settled)
    if not rows.exists(bad):
        return
    [(line, (cell, period))] = rows.locate(bad, "(coalesce(a, CAST(x AS VARCHAR)), per)")
    column = rows.plan.end_amount if period == "end" else rows.plan.amount
    assert column is not None
    raise InputError(
        amounts.explain(cell, convention, credit, settled),
        rows.name,
        line,
        column + 1,
        rows.source.keys[column],
    )
