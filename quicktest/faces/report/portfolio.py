"""What the portfolio template shows, prepared from a portfolio: words and numbers only."""

from __future__ import annotations

from typing import NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand
from quicktest.domain.portfolio import ROUND_GAP, Portfolio
from quicktest.faces.report.brandview import BrandView, brand_view


class Frequency(NamedTuple):
    name: str
    clients: int
    share: str
    percent: int


class ClientRow(NamedTuple):
    name: str
    tags: str
    date: str
    respondents: int
    dominant: str
    level: str
    direction: str
    change: str  # the dominant pattern's change since the previous read
    place: str  # its percentile among the clients, where shown


class PortfolioView(NamedTuple):
    title: str
    scope: str
    date: str
    paper: str
    clients: int
    frequencies: list[Frequency]
    rows: list[ClientRow]
    ranked: bool
    min_clients: int
    withheld: list[str]
    held_back: list[str]  # what anonymity thresholds hold back, in words
    round_gap: int  # days between two sessions of one round, at most
    firm: str
    footer: str
    brand: BrandView | None


def build(
    bank: Bank, found: Portfolio, paper: str, date: str, brand: Brand | None
) -> PortfolioView:
    names = {p.id: p.name for p in bank.patterns} | {
        "tie": "Tied at the top",
        "none": "No dominant pattern",
    }
    total = len(found.rows) or 1
    rows = []
    for row in found.rows:
        read = row.now.combined
        top = read.dominant
        changes = row.changes(bank)
        change = changes.get(top.pattern.id) if top else None
        place = row.standing.percentiles[top.pattern.id] if row.standing and top else None
        rows.append(
            ClientRow(
                row.client.name,
                ", ".join(row.client.tags),
                read.given.date or "",
                len(row.now.people),
                top.pattern.name if top else f"tie: {read.tie_names}" if read.tied else "none",
                top.level if top else read.tied[0].level if read.tied else "none",
                row.direction(bank),
                "" if change is None else f"{change[0]:+.2f}",
                "" if place is None else f"{place}",
            )
        )
    return PortfolioView(
        title="Portfolio: every client's latest read",
        scope=found.scope,
        date=date,
        paper=paper,
        clients=len(found.rows),
        frequencies=[
            Frequency(names[pid], count, f"{count / total:.0%}", round(100 * count / total))
            for pid, count in sorted(found.dominant.items(), key=lambda kv: -kv[1])
        ],
        rows=rows,
        ranked=found.ranked,
        min_clients=found.min_clients,
        withheld=[
            f"{client.name} ({counted} answered; its anonymity threshold is {client.threshold})"
            for client, counted in found.withheld
        ],
        held_back=found.held_back(),
        round_gap=ROUND_GAP,
        firm=brand.firm if brand else "quicktest",
        footer=(brand.footer or f"Confidential · prepared by {brand.firm}")
        if brand
        else "Confidential · prepared with quicktest",
        brand=brand_view(brand) if brand else None,
    )
