"""The Textual app: holds the bank and the session store; screens do the rest."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import App
from textual.binding import Binding

from quicktest.bank import Bank
from quicktest.engine import Read, score
from quicktest.errors import InputError
from quicktest.store import DONE, Session, Store


class QuickTestApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "quicktest"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        bank: Bank,
        store: Store,
        client: str | None = None,
        respondent: str | None = None,
        resume: str | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.client_name = client
        self.respondent_name = respondent
        self.resume_id = resume

    def on_mount(self) -> None:
        self.sub_title = self.bank.info.title
        if self.resume_id:
            self.open_session(self.store.get(self.resume_id))
        elif self.client_name or self.respondent_name:  # who is known: straight to question 1
            self.start_session(self.client_name, self.respondent_name)
        else:
            from quicktest.tui.start import StartScreen

            self.push_screen(StartScreen(self.client_name, self.respondent_name))

    def on_resize(self, event: events.Resize) -> None:
        """Cover the app with a note while the terminal is too small; lift it once it fits."""
        from quicktest.tui.too_small import TooSmallScreen, fits

        covering = isinstance(self.screen, TooSmallScreen)
        if fits(event.size):
            if covering:
                self.pop_screen()
        elif covering:
            self.screen.show(event.size)
        else:
            self.push_screen(TooSmallScreen(event.size))

    def saved(self, write: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """Run one store write; when it fails, say so and return False so the screen stays put.

        The answer stays on screen to be given again; what was saved before stays saved.
        """
        try:
            write(*args, **kwargs)
        except InputError as exc:
            self.not_saved(exc)
            return False
        return True

    def not_saved(self, exc: InputError) -> None:
        self.notify(
            f"{exc.message}. Nothing on screen is lost: give it again once the store is "
            "writable, or quit with Ctrl+Q (earlier answers stay saved).",
            title="Not saved",
            severity="error",
            timeout=20,
        )

    def read(self, session: Session) -> Read:
        return score(self.bank, session.as_answers())

    def start_session(self, client: str | None, respondent: str | None) -> None:
        try:
            session = self.store.create(
                self.bank.info.id, self.bank.info.version, client, respondent
            )
        except InputError as exc:
            self.not_saved(exc)
            return
        self.open_session(session)

    def open_session(self, session: Session) -> None:
        """Show a session where it stopped: its next question, or its result when done."""
        if session.state == DONE:
            from quicktest.tui.result import ResultScreen

            self.switch_or_push(ResultScreen(session))
            return
        from quicktest.tui.question import QuestionScreen

        position = min(session.position, len(self.bank.questions) - 1)
        self.switch_or_push(QuestionScreen(session, position))

    def switch_or_push(self, screen) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
