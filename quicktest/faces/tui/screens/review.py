"""The review: every answer listed, any of them changed in place, the read updated live."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.changes import Call
from quicktest.domain.session import Session
from quicktest.faces.tui.messages import Navigate, SessionChanged


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
        read: FullRead,
        offer_metrics: bool = False,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.session = session  # read only: changes go to the app as messages
        self.read = read  # the app's read of it, never a copy of our own
        self.offer_metrics = offer_metrics

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
        self.query_one("#live-read", Static).update(
            Text.assemble(
                ("Read so far: ", "bold"),
                Call.of(self.read.read).words(self.bank),
                (f" · {given[0]}", "dim"),
            )
        )

    @on(OptionList.OptionSelected, "#answers")
    def action_change(self) -> None:
        self.post_message(Navigate("pick", self.query_one("#answers", OptionList).highlighted or 0))

    def action_metrics(self) -> None:
        self.post_message(Navigate("metrics"))

    def action_result(self) -> None:
        self.post_message(Navigate("result"))
