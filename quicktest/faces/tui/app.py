"""The Textual app: owns the session being answered, saves it in the background, and is the
one place that moves between screens. Screens post messages (`messages.py`) and show what
they are given; none imports another.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError, SetupError
from quicktest.domain.metrics import Metrics
from quicktest.domain.read import Read
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.domain.session import DONE, IN_PROGRESS, Session
from quicktest.faces.tui import messages
from quicktest.faces.tui.saving import LOCK_WAIT, Saver
from quicktest.sources.store import Store

if TYPE_CHECKING:
    from quicktest.domain.compare import Respondents

SAVE_WORDS = {"saving": "saving…", "saved": "all saved", "not saved": "NOT SAVED"}


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
        render_pdf: Callable[..., None] | None = None,
        revenue: Metrics | None = None,
        firm: str | None = None,
        invited: bool = False,
        hold: bool = False,
    ) -> None:
        """`render_pdf(bank, read, path, respondents=...)` writes the PDF export; the command
        line hands it in (a face never imports another), and without it `e` says so.
        `revenue` holds the metrics computed from a revenue file, with its warnings: each
        session opened takes them as its metrics."""
        super().__init__()
        self.revenue = revenue
        # an invited respondent (a private link): their one session, no list of others, no
        # start over, no export; with `hold`, their read waits for the consultant's debrief
        self.invited, self.hold = invited, hold
        if firm:  # a consultant's brand: their firm in the header
            self.title = firm
        self.render_pdf = render_pdf
        self.bank = bank
        self.store = store  # read on this thread; written only through the saver
        self.client_name = client
        self.respondent_name = respondent
        self.resume_id = resume
        self.session: Session | None = None
        self.save_state = "saved"
        self.quit_warned = False
        self.saver = Saver(store.path, self._report_save)

    # --- start and end ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = self.bank.title
        if self.resume_id:
            self.open_session(self.store.get(self.resume_id))
        elif self.client_name or self.respondent_name:  # who is known: straight to question 1
            self.post_message(
                messages.StartRequested(self.client_name or "", self.respondent_name or "")
            )
        else:
            self.go("start")

    def on_unmount(self) -> None:
        self.saver.close()

    async def action_quit(self) -> None:
        """Quit; while answers wait to be saved, the first Ctrl+Q says so and tries again."""
        if self.saver.pending and not self.quit_warned:
            self.quit_warned = True
            self.saver.retry()
            self.notify(
                "Some answers are not saved yet (the store cannot be written). Press Ctrl+Q "
                "again to quit anyway and lose them, or wait for 'all saved'.",
                title="Not saved",
                severity="warning",
                timeout=20,
            )
            return
        self.exit()

    def on_resize(self, event: events.Resize) -> None:
        """Cover the app with a note while the terminal is too small; lift it once it fits."""
        from quicktest.faces.tui.screens.too_small import TooSmallScreen, fits

        covering = isinstance(self.screen, TooSmallScreen)
        if fits(event.size):
            if covering:
                self.pop_screen()
        elif covering:
            self.screen.show(event.size)
        else:
            self.push_screen(TooSmallScreen(event.size))

    # --- the session ------------------------------------------------------------------------

    def read(self) -> Read:
        response = self._current().response(self.bank)
        if self.revenue is not None:  # the file's warnings, on the values still the file's
            given = response.metrics.given
            computed = frozenset(
                n for n in self.revenue.computed if given.get(n) == self.revenue.given[n]
            )
            metrics = Metrics(given, computed, response.metrics.notes, self.revenue.warnings)
            response = response._replace(metrics=metrics)
        return score(self.bank, response)

    def open_session(self, session: Session) -> None:
        """Show a session where it stopped: its next question, or its result when done."""
        for name, value in (self.revenue.given if self.revenue else {}).items():
            if session.metrics.get(name) != value:
                session = session.with_metric(name, value)
                self.saver.submit("set_metric", session.id, name, value)
        self.session = session
        self.go("result" if session.state == DONE else "question", session.position)

    @on(messages.StartRequested)
    def start(self, message: messages.StartRequested) -> None:
        session = self.store.new_session(
            Response(client=message.client or None, respondent=message.respondent or None),
            self.bank,
            IN_PROGRESS,
        )
        self.saver.submit("insert", session)
        self.open_session(session)

    @on(messages.ResumeRequested)
    def resume(self, message: messages.ResumeRequested) -> None:
        self.open_session(self.store.get(message.session_id))

    @on(messages.AnswerChosen)
    def answer(self, message: messages.AnswerChosen) -> None:
        session = self._current().with_answer(message.question_id, message.option_id)
        if message.position is not None:
            session = session._replace(position=message.position)
        self.session = session
        self.saver.submit(
            "set_answer", session.id, message.question_id, message.option_id, message.position
        )
        self._changed()

    @on(messages.PositionChanged)
    def position(self, message: messages.PositionChanged) -> None:
        session = self.session = self._current()._replace(position=message.position)
        self.saver.submit("set_position", session.id, message.position)

    @on(messages.MetricChanged)
    def metric(self, message: messages.MetricChanged) -> None:
        session = self.session = self._current().with_metric(message.name, message.value)
        self.saver.submit("set_metric", session.id, message.name, message.value)
        self._changed()

    @on(messages.MarkedDone)
    def done(self) -> None:
        session = self.session = self._current()._replace(state=DONE)
        self.saver.submit("set_state", session.id, DONE)
        self.notify(f"Session {session.id} marked done.")

    @on(messages.ExportRequested)
    def export(self) -> None:
        if self.render_pdf is None or self.invited:
            self.notify("PDF export is not available here.", severity="warning")
            return
        self.notify("Rendering the PDF…")
        self._render(self.read(), self._current())

    def _respondents(self, session: Session) -> Respondents | None:
        """The client's respondents, read once every queued write has landed (so this session
        is among them), on a connection of the calling thread's own."""
        from quicktest.services import Workspace

        self.saver.flush()
        with Store(self.store.path, lock_wait=LOCK_WAIT, today=self.store.today) as store:
            return Workspace(bank=self.bank, store=store).respondents_of_session(session)

    @work(thread=True, exclusive=True)
    def _render(self, read: Read, session: Session) -> None:
        assert self.render_pdf is not None
        try:
            others = self._respondents(session)
        except InputError:
            others = None  # the store cannot be read now: the PDF goes without that page
        name = (session.client or "quicktest").lower()
        slug = "".join(c if c.isalnum() else "-" for c in name).strip("-")[:60] or "quicktest"
        path = Path.cwd() / f"{slug}-{session.date}-{session.id}.pdf"
        try:
            self.render_pdf(self.bank, read, path, respondents=others)
        except (InputError, SetupError) as exc:
            self.call_from_thread(
                self.notify, f"Could not write the PDF: {exc}", severity="error", markup=False
            )
            return
        self.call_from_thread(self.notify, f"PDF saved: {path}", timeout=8, markup=False)

    def _current(self) -> Session:
        assert self.session is not None, "a session message before any session was opened"
        return self.session

    def _changed(self) -> None:
        changed = messages.SessionChanged(self._current(), self.read())
        for screen in self.screen_stack:  # a screen under a modal shows it once uncovered
            screen.post_message(changed)

    # --- saving -----------------------------------------------------------------------------

    def _report_save(self, state: str, reason: str) -> None:
        """Called on the saver's thread; post_message is thread-safe and never waits (the
        UI thread may itself be waiting for the saver, when the app closes)."""
        self.post_message(messages.SaveState(state, reason))

    @on(messages.SaveState)
    def show_save_state(self, message: messages.SaveState) -> None:
        """The header says whether everything given is saved; a failure is told once, and
        tried again every few seconds until it lands."""
        failing = self.save_state == "not saved"
        if message.state == "saving" and failing:
            return  # a retry: still not saved until it succeeds
        self.save_state = message.state
        self.sub_title = f"{self.bank.title} · {SAVE_WORDS[message.state]}"
        if message.state == "not saved":
            if not failing:
                self.notify(
                    f"{message.reason}. Nothing is lost: your answers are kept here and saved "
                    "as soon as the store can be written (tried again every few seconds).",
                    title="Not saved",
                    severity="error",
                    timeout=20,
                    markup=False,  # the reason names a path, which may hold [ and ]
                )
            self.set_timer(3, self.saver.retry)
        elif message.state == "saved" and failing:
            self.notify("Saved: everything given so far is in the store.")

    # --- moving between screens -------------------------------------------------------------

    @on(messages.Navigate)
    def navigate(self, message: messages.Navigate) -> None:
        self.go(message.to, message.index)

    def go(self, to: str, index: int = 0) -> None:
        """The one place that opens screens. Each screen's module loads when it is first
        opened: the first question appears without the others' widgets being imported."""
        from quicktest.faces.tui.screens.too_small import TooSmallScreen

        if isinstance(self.screen, TooSmallScreen):  # keep the note over whatever opens
            self.pop_screen()
            self.go(to, index)
            self.push_screen(TooSmallScreen(self.size))
            return
        screen: Screen
        if self.invited and to == "start":
            to = "review"  # an invited respondent's one session: nothing else to start
        if self.invited and self.hold and to == "result":
            from quicktest.faces.tui.screens import held

            screen = held.HeldScreen()
        elif to == "start":
            from quicktest.faces.tui.screens import start

            self.session = None
            unfinished = self.store.list(state=IN_PROGRESS)
            screen = start.StartScreen(
                self.bank, unfinished, self.client_name, self.respondent_name
            )
        elif to == "metrics":
            from quicktest.faces.tui.screens import metrics

            self.push_screen(metrics.MetricsScreen(self._current()))
            return
        elif to == "what_if":  # over the result; it saves nothing and closes itself
            from quicktest.faces.tui.screens import whatif

            self.push_screen(whatif.WhatIfScreen(self.bank, self.read()))
            return
        else:
            session = self._current()
            if to == "question":
                from quicktest.faces.tui.screens import question

                position = max(0, min(index, len(self.bank.questions) - 1))
                screen = question.QuestionScreen(self.bank, session, position)
            elif to == "review":
                from quicktest.faces.tui.screens import review

                screen = review.ReviewScreen(
                    self.bank,
                    session,
                    self.read(),
                    offer_metrics=index == 1,
                    held=self.invited and self.hold,
                )
            else:
                from quicktest.faces.tui.screens import result

                screen = result.ResultScreen(self.bank, session, self.read(), self.invited)
        if len(self.screen_stack) > 1:
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(screen)
        else:
            self.push_screen(screen)
