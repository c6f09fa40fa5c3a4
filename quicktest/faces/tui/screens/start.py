"""The start screen: who is answering (and in what role), a new test, or an unfinished one
to resume, each with how far it got. The list takes the room left and scrolls."""

from __future__ import annotations

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Bank
from quicktest.domain.session import Session
from quicktest.faces.literal import literal
from quicktest.faces.tui.messages import ResumeRequested, StartRequested
from quicktest.faces.tui.widgets.more import ScrollingList
from quicktest.faces.tui.widgets.names import NameFields, Names


class StartScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+n", "new", "Start new test"),
        Binding("tab", "app.focus_next", "Next"),
        # Enter on the list resumes; in a field it starts (the field's own Enter)
        Binding("enter", "resume", "Resume", priority=True),
    ]

    def __init__(
        self,
        bank: Bank,
        unfinished: list[Session],
        client: str | None = None,
        respondent: str | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.unfinished = unfinished
        self.client = client or ""
        self.respondent = respondent or ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="start"):
            yield Static(
                f"{len(self.bank.questions)} questions, about five minutes; each answer is "
                "saved as given.",
                id="intro",
                markup=False,
            )
            yield NameFields(Names(self.client, self.respondent, ""), id="who")
            yield Button("Start new test", id="new", variant="primary")
            if self.unfinished:
                count = len(self.unfinished)
                yield Label(
                    "Or resume the unfinished session"
                    if count == 1
                    else f"Or resume one of {count} unfinished sessions",
                    id="resume-label",
                )
                total = len(self.bank.questions)
                yield ScrollingList(
                    *(
                        Option(
                            f"{literal(s.client or 'unnamed client')}"
                            f"{' · ' + literal(s.respondent) if s.respondent else ''} · {s.date} · "
                            f"{s.progress(self.bank)}, {s.answered(self.bank)} of {total}",
                            id=s.id,
                        )
                        for s in self.unfinished
                    ),
                    id="unfinished",
                    markup=False,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#client").focus()

    def _on_list(self) -> bool:
        return self.focused is not None and self.focused.id == "unfinished"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter says "Resume" only where it resumes: on the list of unfinished sessions."""
        return self._on_list() if action == "resume" else True

    @on(Input.Submitted)
    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        self.post_message(StartRequested(*self.query_one(NameFields).values()))

    def action_resume(self) -> None:
        if not self._on_list():
            raise SkipAction()  # Enter in a field: the field starts the test
        listing = self.query_one("#unfinished", OptionList)
        if listing.highlighted is not None:
            self._resume(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected, "#unfinished")
    def resume(self, event: OptionList.OptionSelected) -> None:
        self._resume(event.option.id)

    def _resume(self, session_id: str | None) -> None:
        if session_id:
            self.post_message(ResumeRequested(session_id))
