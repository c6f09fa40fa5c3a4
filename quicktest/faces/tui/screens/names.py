"""Correct the names, over the review: the client, the respondent and their role, as typed at
the start. Enter saves them (the app writes them to the store), Esc leaves them as they were."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from quicktest.domain.session import Session
from quicktest.faces.tui.messages import NamesChanged
from quicktest.faces.tui.widgets.names import NameFields, Names


class NamesForm(ModalScreen[None]):
    BINDINGS = [
        Binding("enter", "save", "Save", priority=True),
        Binding("tab", "app.focus_next", "Next field"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.names = Names(session.client or "", session.respondent or "", session.role or "")

    def compose(self) -> ComposeResult:
        with Vertical(id="names"):
            yield Static("Correct the names", id="names-title")
            yield NameFields(self.names)
            yield Static(
                "They are saved for this session; its answers stay as they are.",
                id="names-help",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#client", Input).focus()

    def action_save(self) -> None:
        names = self.query_one(NameFields).values()
        if names != self.names:
            self.app.post_message(NamesChanged(*names))
        self.dismiss(None)

    @on(Input.Submitted)
    def submitted(self) -> None:  # reached only if Enter is not taken by the binding
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)
