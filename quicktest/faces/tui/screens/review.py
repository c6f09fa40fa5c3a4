"""The review: who answered, every answer listed, any of them changed in place (the names
too), the read updated live."""

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
from quicktest.faces.literal import literal
from quicktest.faces.tui.messages import Navigate, SessionChanged
from quicktest.faces.tui.widgets.more import ScrollingList
from quicktest.faces.tui.widgets.rows import Hanging


class ReviewScreen(Screen[None]):
    BINDINGS = [
        # over the list's own Enter, so the footer shows it
        Binding("enter", "change", "Change", priority=True),
        Binding("c", "names", "Names"),
        Binding("m", "metrics", "Metrics"),
        Binding("r", "result", "The read"),
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
            yield Static(id="review-who")
            yield ScrollingList(id="answers", markup=False)
            yield Static(id="live-read")
        yield Footer()

    def on_mount(self) -> None:
        listing = self.query_one("#answers", OptionList)
        listing.add_options(
            Option(self._answer(n), id=q.id) for n, q in enumerate(self.bank.questions)
        )
        listing.highlighted = 0
        listing.focus()
        self.show()
        if self.offer_metrics:
            self.action_metrics()

    @on(SessionChanged)
    def changed(self, message: SessionChanged) -> None:
        """Each row is rewritten in place: the list keeps its place and every row its lines."""
        self.session, self.read = message.session, message.read
        listing = self.query_one("#answers", OptionList)
        for n in range(len(self.bank.questions)):
            listing.replace_option_prompt_at_index(n, self._answer(n))
        listing.scroll_to_highlight()
        self.show()

    def _answer(self, n: int) -> Hanging:
        question = self.bank.questions[n]
        option = question.option(self.session.answers.get(question.id, ""))
        return Hanging(
            (Text(f"{n + 1}. ", "bold"), Text(question.prompt, "bold")),
            (
                Text("→ ", "dim"),
                Text(option.label) if option else Text("(not answered)", "dim italic"),
            ),
        )

    def show(self) -> None:
        """Who answered (names as typed) and the read so far."""
        session = self.session
        named = [
            (label, name)
            for label, name in (
                ("Client", session.client),
                ("Respondent", session.respondent),
                ("Role", session.role),
            )
            if name
        ]
        who = Text()
        for n, (label, name) in enumerate(named):
            who.append_text(
                Text.assemble(" · " if n else "", (f"{label} ", "dim"), (literal(name), "bold"))
            )
        if not named:
            who.append("No client or respondent named", style="dim")
        self.query_one("#review-who", Static).update(who)
        metrics = f" · {len(session.metrics)} metrics" if session.metrics else ""
        given = f"{len(session.answers)} of {len(self.bank.questions)} answered{metrics}"
        self.query_one("#live-read", Static).update(
            Text.assemble(
                ("Read so far: ", "bold"),
                Call.of(self.read.read).words(self.bank),
                (f" · {given}", "dim"),
            )
        )

    @on(OptionList.OptionSelected, "#answers")
    def action_change(self) -> None:
        self.post_message(Navigate("pick", self.query_one("#answers", OptionList).highlighted or 0))

    def action_names(self) -> None:
        self.post_message(Navigate("names"))

    def action_metrics(self) -> None:
        self.post_message(Navigate("metrics"))

    def action_result(self) -> None:
        self.post_message(Navigate("result"))
