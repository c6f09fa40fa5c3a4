"""A read as text for a terminal, with Rich: dominant pattern, strengths, evidence, progress."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from quicktest.engine import PatternRead, Read
from quicktest.metrics import ALL

LEVEL_STYLE = {"strong": "bold red", "moderate": "yellow", "weak": "cyan", "none": "dim"}


def bar(score: float, width: int = 12) -> str:
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled)


def basis_line(read: Read, total_questions: int) -> str:
    answered = total_questions - len(read.unanswered)
    words = {"answers": "answers", "metrics": "metrics", "answers+metrics": "answers and metrics"}
    return f"Read from {words[read.basis]} · {answered} of {total_questions} questions answered"


def _evidence(pattern: PatternRead) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", width=4)
    table.add_column(width=7, style="dim")
    table.add_column()
    for item in pattern.evidence:
        if item.status == "not held":
            continue
        points = f"{item.points:+g}" if item.points else "·"
        style = "green" if item.points < 0 else "dim" if not item.points else ""
        table.add_row(
            points, item.source, Text.assemble((item.text, style), (f"  {item.ref}", "dim"))
        )
    return table


def render(read: Read, total_questions: int, console: Console) -> None:
    who = " · ".join(x for x in (read.given.client, read.given.respondent, read.given.date) if x)
    if who:
        console.print(Text(who, style="bold"))
    console.print(Text(basis_line(read, total_questions), style="dim"))
    console.print()
    if read.dominant:
        top = read.dominant
        console.print(
            Text.assemble(
                ("Dominant pattern: ", "bold"),
                (top.pattern.name, LEVEL_STYLE[top.level]),
                f"  ({top.level}, {top.score:.2f})",
            )
        )
        console.print(Padding(top.pattern.definition, (0, 2)))
        console.print(Padding(f"Caps: {ALL[top.pattern.caps].label}", (0, 2)), style="dim")
    else:
        console.print(
            Text("No dominant pattern: nothing reaches the threshold.", style="bold green")
        )
    console.print()

    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("Pattern", "Strength", "Score", "Level", "Caps"):
        table.add_column(name, no_wrap=name != "Caps")
    for p in read.patterns:
        table.add_row(
            p.pattern.name,
            Text(bar(p.score), style=LEVEL_STYLE[p.level]),
            f"{p.score:.2f}",
            Text(p.level, style=LEVEL_STYLE[p.level]),
            ALL[p.pattern.caps].label,
        )
    console.print(table)

    for p in read.patterns:
        if p.level == "none" and not p.moved_by:
            continue
        console.print()
        console.print(Text(f"Evidence: {p.pattern.name}", style="bold"))
        console.print(Padding(_evidence(p), (0, 2)))

    if read.dominant:
        console.print()
        console.print(
            Text(f"How to measure progress on {read.dominant.pattern.name}", style="bold")
        )
        console.print(Padding(Group(*(f"• {m}" for m in read.dominant.pattern.progress)), (0, 2)))
    if read.unanswered:
        console.print()
        console.print(Text("Unanswered: " + ", ".join(read.unanswered), style="dim"))
    for note in read.metrics.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
