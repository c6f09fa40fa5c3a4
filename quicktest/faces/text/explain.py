"""`validate --explain` as text: what a bank can do, pattern by pattern."""

from __future__ import annotations

from quicktest.domain.bank import Bank
from quicktest.domain.explain import Explanation
from quicktest.faces.text.style import Out

RARE, COMMON = 0.02, 0.6  # below or above these shares of answer sets, a pattern is flagged


def render(bank: Bank, explained: Explanation, out: Out) -> None:
    how = "every one scored" if explained.exhaustive else f"a sample of {explained.scored:,} scored"
    out.line((f"{bank.title} {bank.version}: what the answers alone can do", "bold"))
    out.paragraph(
        f"{explained.combinations:,} combinations of answers, {how}. Metrics can move a "
        "read further; these figures are the questions' own reach.",
        style="dim",
    )
    out.blank()
    out.table(
        [
            (
                p.name,
                f"{p.low:.2f} to {p.high:.2f}",
                f"{p.dominant_share:.1%}",
                f"{p.strong_share:.1%}",
                ", ".join(f"{q.question} ({q.spread:.0%})" for q in p.deciding[:3]) or "none",
            )
            for p in explained.patterns
        ],
        header=("Pattern", "Score range", "Dominant in", "Strong in", "Decided most by"),
        right=(2, 3),
    )
    out.blank()
    out.paragraph(
        f"Tied at the top in {explained.tie_share:.1%} of them; no dominant pattern in "
        f"{explained.no_dominant_share:.1%}."
    )
    for p in explained.patterns:
        if p.strong_share == 0:
            out.paragraph(
                f"Warning: {p.name} is never called strong, even from a full set of answers; "
                "only metrics could make it strong.",
                style="bold yellow",
            )
        if p.dominant_share == 0:
            out.paragraph(
                f"Warning: {p.name} is never the dominant pattern on answers alone; only "
                "metrics could make it one.",
                style="bold yellow",
            )
        elif p.dominant_share < RARE:
            out.paragraph(
                f"Warning: {p.name} is dominant in only {p.dominant_share:.1%} of answer sets.",
                style="bold yellow",
            )
        elif p.dominant_share > COMMON:
            out.paragraph(
                f"Warning: {p.name} is dominant in {p.dominant_share:.0%} of answer sets: it "
                "says little about a client.",
                style="bold yellow",
            )
    if not bank.healthy:
        out.paragraph(
            "Warning: the bank gives no healthy_direction (benchmarks.yaml): the way out "
            "offers no change of a figure.",
            style="bold yellow",
        )
    if all(o.health is None for q in bank.questions for o in q.options):
        out.paragraph(
            "Warning: no option ranks its health (questions.yaml): the way out offers no "
            "change of answer.",
            style="bold yellow",
        )
    out.blank()
    out.paragraph(
        "Strong in: the sets in which a pattern is called strong, dominant or not. Decided "
        "by: how much the share of sets a pattern wins changes between the best and the "
        "worst answer to that question.",
        style="dim",
    )
