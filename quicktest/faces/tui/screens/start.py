"""The start screen: who is answering (and in what role), a new test, or an unfinished one
to resume, each with how far it got."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Bank
from quicktest.domain.response import MAX_NAME, SUGGESTED_ROLES
from quicktest.domain.session import Session
from quicktest.faces.tui.messages import ResumeRequested, StartRequested


class StartScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+n", "new", "Start new test")]

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
                f"{len(self.bank.questions)} questions, about five minutes. Every answer "
                "is saved as you give it.",
                id="intro",
                markup=False,
            )
            with Horizontal(id="who"):
                with Vertical():
                    yield Label("Client")
                    yield Input(
                        self.client, placeholder="optional", id="client", max_length=MAX_NAME
                    )
                with Vertical():
                    yield Label("Respondent")
                    yield Input(
                        self.respondent,
                        placeholder="optional",
                        id="respondent",
                        max_length=MAX_NAME,
                    )
                with Vertical():
                    yield Label("Role")
                    yield Input(
                        placeholder="CEO, CFO, Sales…",
                        id="role",
                        max_length=MAX_NAME,
                        suggester=SuggestFromList(SUGGESTED_ROLES, case_sensitive=False),
                    )
            yield Button("Start new test", id="new", variant="primary")
            if self.unfinished:
                yield Label("Or resume an unfinished session", id="resume-label")
                total = len(self.bank.questions)
                yield OptionList(
                    *(
                        Option(
                            f"{s.client or 'unnamed client'}"
                            f"{' · ' + s.respondent if s.respondent else ''} · {s.date} · "
                            f"{s.progress(self.bank)}, {s.answered(self.bank)} of {total}",
                            id=s.id,
                        )
                        for s in self.unfinished[:20]
                    ),
                    id="unfinished",
                    markup=False,
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#client", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        self.post_message(
            StartRequested(
                self.query_one("#client", Input).value.strip(),
                self.query_one("#respondent", Input).value.strip(),
                self.query_one("#role", Input).value.strip(),
            )
        )

    @on(OptionList.OptionSelected, "#unfinished")
    def resume(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(ResumeRequested(event.option.id))
