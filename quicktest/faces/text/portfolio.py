"""A portfolio as text: how often each pattern is dominant across the clients, then each
client's latest read, its change since the previous one and (with enough clients) its
place among them."""

from __future__ import annotations

from quicktest.domain.bank import Bank
from quicktest.domain.portfolio import Portfolio
from quicktest.faces.levels import LEVEL_STYLE, bar
from quicktest.faces.text.style import Out

DIRECTION_STYLE = {"better": "green", "worse": "red", "mixed": "yellow"}


def render(bank: Bank, found: Portfolio, out: Out) -> None:
    names = {p.id: p.name for p in bank.patterns} | {
        "tie": "Tied at the top",
        "none": "No dominant pattern",
    }
    out.line(("Portfolio: ", "bold"), found.scope)
    if not found.rows:
        hidden = found.withheld or found.held
        out.paragraph(
            "No client's read can be shown here yet (see below)."
            if hidden
            else "No client has answered sessions here yet.",
            style="dim",
        )
    total = len(found.rows) or 1
    out.blank()
    out.table(
        [
            (names[pid], bar(count / total), str(count), f"{count / total:.0%}")
            for pid, count in sorted(found.dominant.items(), key=lambda kv: -kv[1])
        ],
        header=("Dominant pattern", "", "Clients", "Share"),
        right=(2, 3),
    )
    out.blank()
    rows = []
    for row in found.rows:
        read = row.now.combined
        top = read.dominant
        place = ""
        if row.standing and top:
            place = f"above {row.standing.percentiles[top.pattern.id]}% of the others"
        rows.append(
            (
                row.client.name,
                read.given.date or "",
                str(len(row.now.people)),
                (f"{top.pattern.name} ({top.level})", LEVEL_STYLE[top.level])
                if top
                else f"tie: {read.tie_names}"
                if read.tied
                else "none",
                (row.direction(bank), DIRECTION_STYLE.get(row.direction(bank), "dim")),
                place,
            )
        )
    out.table(rows, header=("Client", "Latest", "Resp.", "Dominant", "Since previous", "Place"))
    if not found.ranked:
        out.paragraph(
            f"Each client's place among the others shows from {found.min_clients} clients "
            f"(--min-clients, or portfolio: min_clients in config.yaml).",
            style="dim",
        )
    for client, counted in found.withheld:
        out.paragraph(
            f"{client.name}: withheld, {counted} answered of the {client.threshold} its "
            "anonymity threshold needs.",
            style="dim",
        )
    for line in found.held_back():
        out.paragraph(line, style="dim")
