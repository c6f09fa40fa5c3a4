"""Comparisons as text: what moved between two reads, or where respondents disagree."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quicktest.bank import Bank
from quicktest.compare import Comparison, Respondents
from quicktest.metrics import ALL, show_value

STATUS_STYLE = {
    "rose": "red",
    "appeared": "bold red",
    "fell": "green",
    "faded": "bold green",
    "unchanged": "dim",
}


def _value(name: str, value) -> str:
    return "—" if value is None else show_value(ALL[name], value, " → ")


def render(bank: Bank, result: Comparison | Respondents, console: Console) -> None:
    if isinstance(result, Respondents):
        _respondents(bank, result, console)
        return
    a, b = result.labels
    console.print(Text(f"A: {a}   B: {b}", style="bold"))
    for label, read in (("A", result.before), ("B", result.after)):
        top = read.dominant
        console.print(
            f"  {label} dominant: {top.pattern.name + ' (' + top.level + ')' if top else 'none'}"
        )
    console.print()
    table = Table(box=None, header_style="bold")
    for name in ("Pattern", "A", "B", "Change", ""):
        table.add_column(name, justify="right" if name in ("A", "B", "Change") else "left")
    for change in result.patterns:
        table.add_row(
            change.after.pattern.name,
            f"{change.before.score:.2f}",
            f"{change.after.score:.2f}",
            f"{change.after.score - change.before.score:+.2f}",
            Text(change.status, style=STATUS_STYLE[change.status]),
        )
    console.print(table)
    for change in result.patterns:
        if change.status == "unchanged" or not (change.gained or change.lost):
            continue
        console.print()
        console.print(Text(f"{change.after.pattern.name}: {change.status}", style="bold"))
        for item in change.gained:
            console.print(f"  + {item.text}  ({item.ref})")
        for item in change.lost:
            console.print(Text(f"  − {item.text}  ({item.ref})", style="dim"))
    if result.answers_changed:
        console.print()
        console.print(Text("Answers that changed", style="bold"))
        for question, before, after in result.answers_changed:
            console.print(f"  {bank.question_by_id[question].prompt}")
            console.print(Text(f"    A: {before or '(not answered)'}", style="dim"))
            console.print(f"    B: {after or '(not answered)'}")
    if result.pairs:
        console.print()
        console.print(Text("Measuring progress: the NRR and gross margin pair", style="bold"))
        pair = Table(box=None, header_style="bold")
        for name in ("Metric", "A", "B"):
            pair.add_column(name)
        for name, (before, after) in result.pairs.items():
            pair.add_row(ALL[name].label, _value(name, before), _value(name, after))
        console.print(pair)


def _respondents(bank: Bank, result: Respondents, console: Console) -> None:
    console.print(
        Text(
            f"{result.client}: {len(result.names)} respondents ({', '.join(result.names)})",
            style="bold",
        )
    )
    console.print()
    if result.disagreements:
        console.print(
            Text(
                f"They disagree on {len(result.disagreements)} of "
                f"{len(bank.questions)} questions: each is worth a conversation.",
                style="bold yellow",
            )
        )
        for question, answers in result.disagreements:
            console.print(f"  {bank.question_by_id[question].prompt}")
            for name, answer in answers.items():
                console.print(Text(f"    {name}: {answer or '(not answered)'}", style="dim"))
    else:
        console.print("They agree on every question they both answered.")
    console.print()
    names = {p.id: p.name for p in bank.patterns}
    top = names.get(result.dominant or "", "none")
    console.print(Text(f"Combined read (mean of their scores): dominant {top}", style="bold"))
    for pattern in result.combined:
        console.print(f"  {pattern.name:<24} {pattern.score:.2f}  {pattern.level}")
