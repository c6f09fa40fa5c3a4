"""Try the read: change an answer or nudge a metric and see every pattern's score move at
once. Nothing is saved; Esc goes back to the saved read.

Rows are the questions, then the metrics the bank's rules read that a respondent can give.
Left and right change the highlighted row: the previous or next option, or the metric down
or up by a step (a percentage point, a month, a tenth of a value in currency).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Bank
from quicktest.domain.changes import Call
from quicktest.domain.conditions import leaf_metrics
from quicktest.domain.metrics import INPUTS, Metrics, format_value
from quicktest.domain.read import Read
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.faces.levels import LEVEL_STYLE, bar
from quicktest.faces.tui.widgets.more import ScrollingList
from quicktest.faces.tui.widgets.rows import Hanging

STEPS = {"percent": 0.01, "points": 0.01, "months": 1.0, "count": 1.0}


class WhatIfScreen(Screen[None]):
    BINDINGS = [
        # over the list's own ← → (which scroll sideways), so the footer shows them
        Binding("left", "move(-1)", "Previous", priority=True),
        Binding("right", "move(1)", "Next", priority=True),
        Binding("r", "reset", "Reset"),
        Binding("escape", "close", "Saved read"),
    ]

    def __init__(self, bank: Bank, saved: Read) -> None:
        super().__init__()
        self.bank = bank
        self.saved = saved
        self.answers = dict(saved.given.answers)
        self.values = dict(saved.metrics.given)
        self.metric_names = [
            name
            for name in dict.fromkeys(
                m for p in bank.patterns for r in p.metric_rules for m in leaf_metrics(r.when)
            )
            if name in INPUTS and not INPUTS[name].series
        ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="what-if"):
            yield Static(id="scores")
            changes = ScrollingList(*self.rows(), id="changes", markup=False)
            changes.border_title = "← → try another answer or value; nothing is saved"
            yield changes
        yield Footer()

    def on_mount(self) -> None:
        changes = self.query_one("#changes", OptionList)
        changes.highlighted = 0
        changes.focus()
        self.show_scores()

    def response(self) -> Response:
        given = self.saved.given
        metrics = self.saved.metrics
        trial = Metrics(self.values, metrics.computed, metrics.notes)
        return given._replace(answers=self.answers, metrics=trial)

    def rows(self) -> list[Option]:
        """A row per question, then per metric: the answer or value tried, marked when it is
        not the saved one."""
        rows = []
        for question in self.bank.questions:
            chosen = self.answers.get(question.id)
            label = question.option_by_id[chosen].label if chosen else "not answered"
            moved = chosen != self.saved.given.answers.get(question.id)
            rows.append(
                Option(
                    Hanging(
                        ("", Text(question.prompt, "bold")),
                        (
                            Text("* ", "bold yellow") if moved else Text("→ ", "dim"),
                            Text(label, "bold yellow" if moved else ""),
                        ),
                    ),
                    id=f"q:{question.id}",
                )
            )
        for name in self.metric_names:
            spec = INPUTS[name]
            value = self.values.get(name)
            shown = "not given" if value is None else format_value(spec, value)  # type: ignore[arg-type]
            moved = value != self.saved.metrics.given.get(name)
            rows.append(
                Option(
                    Hanging(
                        (
                            Text("* ", "bold yellow") if moved else Text("  "),
                            Text.assemble(
                                (f"{spec.label}: ", "bold"),
                                (shown, "bold yellow" if moved else ""),
                            ),
                        )
                    ),
                    id=f"m:{name}",
                )
            )
        return rows

    def refresh_rows(self) -> None:
        """Each row is rewritten in place: the list keeps its place and every row its lines."""
        changes = self.query_one("#changes", OptionList)
        for index, row in enumerate(self.rows()):
            changes.replace_option_prompt_at_index(index, row.prompt)
        changes.scroll_to_highlight()
        self.show_scores()

    def show_scores(self) -> None:
        """The call and a line per pattern: its bar, score and level, and what moved."""
        trial = score(self.bank, self.response(), texts=False)
        before = {p.pattern.id: p for p in self.saved.patterns}
        width = max(len(p.pattern.name) for p in trial.patterns)
        text = Text.assemble(("The call: ", "bold"), (Call.of(trial).words(self.bank), "bold"))
        for p in trial.patterns:
            was = before[p.pattern.id]
            delta = p.score - was.score
            text.append(f"\n{p.pattern.name:<{width}} ", style="bold")
            text.append(bar(p.score, 8), style=LEVEL_STYLE[p.level])
            text.append(f" {p.score:.2f} ")
            text.append(f"{p.level:<8}", style=LEVEL_STYLE[p.level])
            if abs(delta) >= 0.005:
                text.append(f" {delta:+.2f}", style="bold yellow")
            if p.level != was.level:
                text.append(f" was {was.level}", style="yellow")
        self.query_one("#scores", Static).update(text)

    def action_move(self, step: int) -> None:
        changes = self.query_one("#changes", OptionList)
        if changes.highlighted is None:
            return
        kind, _, ref = changes.get_option_at_index(changes.highlighted).id.partition(":")
        if kind == "q":
            question = self.bank.question_by_id[ref]
            ids = [o.id for o in question.options]
            chosen = self.answers.get(ref)
            index = ids.index(chosen) + step if chosen else (0 if step > 0 else len(ids) - 1)
            self.answers[ref] = ids[index % len(ids)]
        else:
            spec = INPUTS[ref]
            size = STEPS.get(spec.unit) or max(abs(float(self.values.get(ref) or 0)) * 0.1, 1.0)
            now = self.values.get(ref)
            start = float(now) if isinstance(now, (int, float)) else spec.low
            value = min(max(start + step * size, spec.low), spec.high)
            self.values[ref] = round(value, 6)
        self.refresh_rows()

    def action_reset(self) -> None:
        self.answers = dict(self.saved.given.answers)
        self.values = dict(self.saved.metrics.given)
        self.refresh_rows()

    def action_close(self) -> None:
        self.dismiss(None)
