"""The review: every answer listed, any of them changed in place, the read updated live."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Bank, Question
from quicktest.domain.read import Read
from quicktest.domain.session import Session
from quicktest.faces.tui.messages import AnswerChosen, Navigate, SessionChanged


class OptionPicker(ModalScreen[str | None]):
    """Pick a new answer for one question; dismisses with the option id, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: Question, chosen: str | None) -> None:
        super().__init__()
        self.question = question
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.question.prompt), id="picker-prompt")
            yield OptionList(
                *(
                    Option(f"{n}. {o.label}", id=o.id)
                    for n, o in enumerate(self.question.options, 1)
                ),
                id="picker-options",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [o.id for o in self.question.options]
        options.highlighted = ids.index(self.chosen) if self.chosen in ids else 0

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "change", "Change answer", show=True),
        Binding("m", "metrics", "Metrics"),
        Binding("r", "result", "See the read"),
    ]

    def __init__(
        self,
        bank: Bank,
        session: Session,
        read: Read,
        offer_metrics: bool = False,
        held: bool = False,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.session = session  # read only: changes go to the app as messages
        self.read = read  # the app's read of it, never a copy of our own
        self.offer_metrics = offer_metrics
        self.held = held  # the read waits for the debrief: not even a glimpse of it here

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review"):
            yield Static(
                "Review your answers. Enter changes one; r shows the read.", id="review-intro"
            )
            yield OptionList(id="answers", markup=False)
            yield Static(id="live-read")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_answers()
        self.query_one("#answers", OptionList).focus()
        if self.offer_metrics:
            self.action_metrics()

    @on(SessionChanged)
    def changed(self, message: SessionChanged) -> None:
        self.session, self.read = message.session, message.read
        listing = self.query_one("#answers", OptionList)
        self.refresh_answers(listing.highlighted or 0)

    def refresh_answers(self, highlight: int = 0) -> None:
        listing = self.query_one("#answers", OptionList)
        listing.clear_options()
        for n, question in enumerate(self.bank.questions, 1):
            option = question.option(self.session.answers.get(question.id, ""))
            answer = option.label if option else "(not answered)"
            listing.add_option(
                Option(
                    Text.assemble(
                        (f"{n}. {question.prompt}\n", "bold"),
                        ("   → ", "dim"),
                        (answer, "" if option else "dim italic"),
                    ),
                    id=question.id,
                )
            )
        listing.highlighted = highlight
        metrics = f" · {len(self.session.metrics)} metrics" if self.session.metrics else ""
        given = (
            f"{len(self.session.answers)} of {len(self.bank.questions)} answered{metrics}",
            "dim",
        )
        if self.held:
            self.query_one("#live-read", Static).update(Text.assemble(given))
            return
        top = self.read.dominant
        self.query_one("#live-read", Static).update(
            Text.assemble(
                ("Read so far: ", "bold"),
                f"{top.pattern.name} ({top.level})" if top else "no dominant pattern",
                (f" · {given[0]}", "dim"),
            )
        )

    @on(OptionList.OptionSelected, "#answers")
    def action_change(self) -> None:
        listing = self.query_one("#answers", OptionList)
        index = listing.highlighted or 0
        question = self.bank.questions[index]

        def changed(option_id: str | None) -> None:
            if option_id:
                self.app.post_message(AnswerChosen(question.id, option_id, None))

        self.app.push_screen(OptionPicker(question, self.session.answers.get(question.id)), changed)

    def action_metrics(self) -> None:
        self.post_message(Navigate("metrics"))

    def action_result(self) -> None:
        self.post_message(Navigate("result"))
