"""One question per screen: pick with arrows and Enter, or the option's number."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Bank
from quicktest.domain.session import Session
from quicktest.faces.literal import literal
from quicktest.faces.tui.messages import AnswerChosen, Navigate, PositionChanged, SessionChanged
from quicktest.faces.tui.widgets.more import ScrollingList
from quicktest.faces.tui.widgets.rows import Hanging


class QuestionScreen(Screen[None]):
    BINDINGS = [
        Binding("1", "choose(0)", "Choose", key_display="1-9 ⏎"),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(2, 10)),
        # over the option list's own ← → (which scroll sideways), so the footer shows them
        Binding("left,backspace", "back", "Back", priority=True),
        Binding("right", "forward", "Skip", priority=True),
        Binding("ctrl+r", "review", "Review"),
    ]
    index: reactive[int] = reactive(0, init=False)

    def __init__(self, bank: Bank, session: Session, index: int = 0) -> None:
        super().__init__()
        self.bank = bank
        self.session = session  # read only: changes go to the app as messages
        self.set_reactive(QuestionScreen.index, index)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="question"):
            with Horizontal(id="progress-row"):
                yield Static(id="progress-label")
                yield ProgressBar(
                    total=len(self.bank.questions),
                    show_eta=False,
                    show_percentage=False,
                    id="progress",
                )
            yield Static(id="prompt")
            yield Static(id="help")
            yield ScrollingList(id="options", markup=False)
            yield Static(id="who")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    @on(SessionChanged)
    def changed(self, message: SessionChanged) -> None:
        self.session = message.session
        self.show_who()

    def show_who(self) -> None:
        answered = len(self.session.answers)
        self.query_one("#progress", ProgressBar).update(progress=answered)
        who = " · ".join(literal(x) for x in (self.session.client, self.session.respondent) if x)
        self.query_one("#who", Static).update(
            Text(f"{who + ' · ' if who else ''}{answered} answered · saved as you go", style="dim")
        )

    def watch_index(self) -> None:
        self.show()

    def show(self) -> None:
        questions = self.bank.questions
        question = questions[self.index]
        self.query_one("#progress-label", Static).update(
            f"Question {self.index + 1} of {len(questions)}"
        )
        self.query_one("#prompt", Static).update(Text(question.prompt))
        self.query_one("#help", Static).update(Text(question.help))
        options = self.query_one("#options", OptionList)
        options.clear_options()
        options.add_options(
            [
                Option(Hanging((f"{n}. ", o.label)), id=o.id)
                for n, o in enumerate(question.options, 1)
            ]
        )
        chosen = self.session.answers.get(question.id)
        ids = [o.id for o in question.options]
        options.highlighted = ids.index(chosen) if chosen in ids else 0
        options.focus()
        self.show_who()

    @on(OptionList.OptionSelected, "#options")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option_index)

    def action_choose(self, number: int) -> None:
        question = self.bank.questions[self.index]
        if number >= len(question.options):
            return
        last = self.index + 1 >= len(self.bank.questions)
        self.app.post_message(
            AnswerChosen(
                question.id,
                question.options[number].id,
                self.index if last else self.index + 1,
            )
        )
        if last:
            self.action_review()
        else:
            self.index += 1

    def action_back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.app.post_message(PositionChanged(self.index))

    def action_forward(self) -> None:
        if self.index + 1 < len(self.bank.questions):
            self.index += 1
            self.app.post_message(PositionChanged(self.index))
        else:
            self.action_review()

    def action_review(self) -> None:
        # the metrics are offered once, on the way to the review, unless some were given
        self.post_message(Navigate("review", 0 if self.session.metrics else 1))
