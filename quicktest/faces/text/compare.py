"""A comparison as text: what moved between two reads (a client's respondents compared are
its read: `client.py`)."""

from __future__ import annotations

from quicktest.domain.bank import Bank
from quicktest.domain.changes import Call
from quicktest.domain.compare import Comparison
from quicktest.domain.metrics import ALL
from quicktest.domain.units import show_value
from quicktest.faces.text.style import Out

STATUS_STYLE = {
    "rose": "red",
    "appeared": "bold red",
    "fell": "green",
    "faded": "bold green",
    "unchanged": "dim",
}


def _value(name: str, value) -> str:
    return "—" if value is None else show_value(ALL[name], value, " → ")


def render(bank: Bank, result: Comparison, out: Out) -> None:
    a, b = result.labels
    out.line((f"A: {a}   B: {b}", "bold"))
    for label, read in (("A", result.before), ("B", result.after)):
        out.line(f"  {label} calls: {Call.of(read).words(bank)}")
    out.blank()
    out.table(
        [
            (
                change.after.pattern.name,
                f"{change.before.score:.2f}",
                f"{change.after.score:.2f}",
                f"{change.after.score - change.before.score:+.2f}",
                (change.status, STATUS_STYLE[change.status]),
            )
            for change in result.patterns
        ],
        header=("Pattern", "A", "B", "Change", ""),
        right=(1, 2, 3),
    )
    for change in result.patterns:
        if change.status == "unchanged" or not (change.gained or change.lost):
            continue
        out.blank()
        out.line((f"{change.after.pattern.name}: {change.status}", "bold"))
        for item in change.gained:
            out.paragraph(f"{item.text}  ({item.ref})", indent=2, bullet="+ ")
        for item in change.lost:
            out.paragraph(f"{item.text}  ({item.ref})", indent=2, bullet="− ", style="dim")
    if result.answers_changed:
        out.blank()
        out.line(("Answers that changed", "bold"))
        for question, before, after in result.answers_changed:
            out.paragraph(bank.question_by_id[question].prompt, indent=2)
            out.paragraph(f"A: {before or '(not answered)'}", indent=4, style="dim")
            out.paragraph(f"B: {after or '(not answered)'}", indent=4)
    if result.pairs:
        out.blank()
        out.line(("Measuring progress: the NRR and gross margin pair", "bold"))
        out.table(
            [
                (ALL[name].label, _value(name, before), _value(name, after))
                for name, (before, after) in result.pairs.items()
            ],
            header=("Metric", "A", "B"),
        )
