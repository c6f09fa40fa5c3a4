"""Which columns of a revenue file hold what, by name or by flag, and so which shape it has.

Three shapes:
- long: one row per account and period (account, period, revenue);
- wide: one row per account with its start and end revenue (account, start, end);
- subscriptions: one row per subscription (customer, start_date, end_date, mrr), the end
  date exclusive and empty while the subscription runs, as billing systems export them.
"""

from __future__ import annotations

from typing import NamedTuple

from quicktest.sources.revenue.files import Source

ACCOUNT = ("account", "customer", "customer_id", "account_id", "customer_name", "account_name")
PERIOD = ("period", "month")
REVENUE = ("revenue", "amount", "mrr")
WIDE = (("start", "end"), ("start_mrr", "end_mrr"), ("start_arr", "end_arr"))
STARTS = ("start_date", "started_at", "starts_at", "start date")
ENDS = ("end_date", "ended_at", "ends_at", "canceled_at", "cancelled_at", "end date")
MONTHLY = ("mrr", "monthly_amount", "monthly_revenue", "amount")
CURRENCY = ("currency", "currency_code")
SHAPES = ("long", "wide", "subscriptions")


class Flags(NamedTuple):
    """Column names a user gave for a file that names its columns its own way."""

    account: str | None = None
    period: str | None = None
    amount: str | None = None
    start: str | None = None  # wide: start revenue; subscriptions: start date
    end: str | None = None
    by: str | None = None
    shape: str | None = None


class Plan(NamedTuple):
    """The shape, and the index of each column it reads (None where absent)."""

    shape: str
    account: int
    amount: int  # long: revenue; subscriptions: monthly amount; wide: start revenue
    period: int | None = None  # long
    end_amount: int | None = None  # wide
    start: int | None = None  # subscriptions: start date
    end: int | None = None  # subscriptions: end date
    by: int | None = None
    currency: int | None = None

    @property
    def read(self) -> list[int]:
        """Every column the engine reads."""
        roles = (self.account, self.amount, self.period, self.end_amount, self.start, self.end)
        return [c for c in (*roles, self.by, self.currency) if c is not None]


def _find(source: Source, flag: str | None, flag_name: str, names: tuple[str, ...]) -> int | None:
    if flag is not None:
        return source.column(flag, "", flag_name)
    return next((source.keys.index(n) for n in names if n in source.keys), None)


def plan(source: Source, flags: Flags) -> Plan:
    """The shape of the file and its columns; a missing one is named with a near match."""
    keys = source.keys
    account = _find(source, flags.account, "--account", ACCOUNT)
    by = _find(source, flags.by, "--by", ())
    currency = _find(source, None, "", CURRENCY)
    shape = flags.shape or _shape(keys, flags)
    need = {
        "long": "expected the columns account,period,revenue",
        "wide": "expected the columns account,start,end",
        "subscriptions": "expected the columns customer,start_date,end_date,mrr",
    }[shape]
    if account is None:
        source.column("account", need)
    assert account is not None
    common = {"account": account, "by": by, "currency": currency}
    if shape == "long":
        period = _find(source, flags.period, "--period", PERIOD)
        amount = _find(source, flags.amount, "--amount", REVENUE)
        period = source.column("period", need) if period is None else period
        amount = source.column("revenue", need) if amount is None else amount
        return Plan("long", amount=amount, period=period, **common)
    if shape == "wide":
        pair = next(((s, e) for s, e in WIDE if s in keys and e in keys), ("start", "end"))
        start = _find(source, flags.start, "--start-column", (pair[0],))
        end = _find(source, flags.end, "--end-column", (pair[1],))
        start = source.column(pair[0], need) if start is None else start
        end = source.column(pair[1], need) if end is None else end
        return Plan("wide", amount=start, end_amount=end, **common)
    start = _find(source, flags.start, "--start-column", STARTS)
    end = _find(source, flags.end, "--end-column", ENDS)
    amount = _find(source, flags.amount, "--amount", MONTHLY)
    start = source.column("start_date", need) if start is None else start
    end = source.column("end_date", need) if end is None else end
    amount = source.column("mrr", need) if amount is None else amount
    return Plan("subscriptions", amount=amount, start=start, end=end, **common)


def _shape(keys: list[str], flags: Flags) -> str:
    """The shape a header shows; where none is complete, the nearest, for its error."""
    if flags.period or any(p in keys for p in PERIOD):
        return "long"
    if any(s in keys and e in keys for s, e in WIDE):
        return "wide"
    if any(s in keys for s in STARTS) or any(e in keys for e in ENDS):
        return "subscriptions"
    if {"revenue", "amount"} & set(keys):
        return "long"
    return "wide"
