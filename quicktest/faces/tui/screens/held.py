"""What an invited respondent sees at the end when the consultant holds the read for the
debrief: their answers are saved, and nothing more."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quicktest.faces.tui.messages import Navigate


class HeldScreen(Screen[None]):
    BINDINGS = [Binding("b", "back", "Review my answers"), Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(
                "Thank you: every answer is saved.\n\nThe read will be gone through with you "
                "in the debrief. You can review or change your answers until then (b), or "
                "close this page.",
                id="held",
            )
        yield Footer()

    def action_back(self) -> None:
        self.post_message(Navigate("review"))
