"""The Textual app: owns the session being answered and its one read, saves it in the
background, and is the one place that opens screens. Screens are given immutable snapshots
(the session, the app's read) and post typed messages (`messages.py`); none imports another.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from quicktest.app import sessions
from quicktest.app.reading import FullRead, full_read
from quicktest.app.revenue import RevenueReport
from quicktest.app.saving import Saver
from quicktest.app.workspace import Workspace
from quicktest.domain.brand import Brand
from quicktest.domain.errors import InputError, SetupError
from quicktest.domain.session import ANSWERED, FINISHED, Session
from quicktest.faces.tui import messages

if TYPE_CHECKING:  # the export's parts load on the first export
    from quicktest.app.report import Renderer

SAVE_WORDS = {"saving": "saving…", "saved": "all saved", "not saved": "NOT SAVED"}


class QuickTestApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "quicktest"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        workspace: Workspace,
        client: str | None = None,
        respondent: str | None = None,
        resume: str | None = None,
        render: Renderer | None = None,
        revenue: RevenueReport | None = None,
        brand: Brand | None = None,
        role: str | None = None,
    ) -> None:
        """`render` is the report face for the PDF export (the command line hands it in: a
        face never imports another); without it `e` says so. `revenue` is a revenue file
        read against the bank: every read takes its figures, by the same rule as `score`."""
        super().__init__()
        self.workspace = workspace  # its store is read on this thread, written by the saver
        self.bank = workspace.bank
        self.revenue = revenue
        self.renderer, self.brand = render, brand
        if brand:  # a consultant's brand: their firm in the header
            self.title = brand.firm
        self.client_name = client
        self.respondent_name = respondent
        self.role_name = role
        self.resume_id = resume
        self.session: Session | None = None
        self.current: FullRead | None = None  # the one read of the session, made on change
        self.save_state = "saved"
        self.quit_warned = False
        self.saver = Saver(workspace.db_path, self._report_save)

    # --- start and end ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.sub_title = self.bank.title
        if self.resume_id:
            self.open_session(sessions.opened(self.workspace, self.resume_id))
        elif self.client_name or self.respondent_name:  # who is known: straight to question 1
            self.post_message(
                messages.StartRequested(
                    self.client_name or "", self.respondent_name or "", self.role_name or ""
                )
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

        screen = self.screen
        if fits(event.size):
            if isinstance(screen, TooSmallScreen):
                self.pop_screen()
        elif isinstance(screen, TooSmallScreen):
            screen.show(event.size)
        else:
            self.push_screen(TooSmallScreen(event.size))

    # --- the session and its read -----------------------------------------------------------

    def read(self) -> FullRead:
        """The session's one read: every screen that shows a read shows this one."""
        if self.current is None:
            session = self._current()
            self.current = full_read(
                self.bank, session.response(self.bank), self.revenue, with_way_out=False
            )
        return self.current

    def _replace(self, session: Session) -> None:
        """Hold a changed session; its read is made again when next asked for."""
        self.session, self.current = session, None

    def open_session(self, session: Session) -> None:
        """Show a session where it stopped: its next question, or its result once every
        question is answered or it is finished."""
        self._replace(session)
        done = session.progress(self.bank) in (ANSWERED, FINISHED)
        self.go("result" if done else "question", session.position)

    @on(messages.StartRequested)
    def start(self, message: messages.StartRequested) -> None:
        session = sessions.started(self.workspace, message.client, message.respondent, message.role)
        self.saver.submit("insert", session)
        self.open_session(session)

    @on(messages.ResumeRequested)
    def resume(self, message: messages.ResumeRequested) -> None:
        self.open_session(sessions.opened(self.workspace, message.session_id))

    @on(messages.AnswerChosen)
    def answer(self, message: messages.AnswerChosen) -> None:
        session = self._current().with_answer(message.question_id, message.option_id)
        if message.position is not None:
            session = session._replace(position=message.position)
        self._replace(session)
        self.saver.submit(
            "set_answer", session.id, message.question_id, message.option_id, message.position
        )
        self._changed()

    @on(messages.NamesChanged)
    def rename(self, message: messages.NamesChanged) -> None:
        """The names corrected on the review: kept for the session and written to the store."""
        session = sessions.renamed(
            self._current(), message.client, message.respondent, message.role
        )
        self._replace(session)
        self.saver.submit("set_names", session.id, session.client, session.respondent, session.role)
        self._changed()

    @on(messages.PositionChanged)
    def position(self, message: messages.PositionChanged) -> None:
        session = self._current()._replace(position=message.position)
        self.session = session  # the read does not depend on where the respondent stands
        self.saver.submit("set_position", session.id, message.position)

    @on(messages.MetricChanged)
    def metric(self, message: messages.MetricChanged) -> None:
        session = self._current().with_metric(message.name, message.value)
        self._replace(session)
        self.saver.submit("set_metric", session.id, message.name, message.value)
        self._changed()

    @on(messages.Finished)
    def finish(self) -> None:
        """Store the session as finished (its answers are saved already, as they are given)."""
        session = self._current()._replace(state=FINISHED)
        self.session = session
        self.saver.submit("set_state", session.id, FINISHED)
        self._changed()
        self.notify(f"Session {session.id} finished.")

    @on(messages.ExportRequested)
    def export(self) -> None:
        if self.renderer is None:
            self.notify("PDF export is not available here.", severity="warning")
            return
        self.notify("Rendering the PDF…")
        self._export(self._current())

    @work(thread=True, exclusive=True)
    def _export(self, session: Session) -> None:
        """The PDF of the session's client's read (the combined read of its respondents,
        `exported_read`), made once every queued write has landed (so this session is among
        them), on a store connection of this thread's own."""
        from quicktest.app.reading import exported_read
        from quicktest.app.report import slug, write_report

        assert self.renderer is not None
        self.saver.flush()
        here = self.workspace.on_this_thread()
        try:
            read = exported_read(here, session, self.revenue)
        finally:
            here.close()
        name = slug(session.client or "") or "quicktest"
        path = Path.cwd() / f"{name}-{session.date}-{session.id}.pdf"
        try:
            write_report(self.bank, read, self.renderer, str(path), brand=self.brand)
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

    def go(self, to: messages.Place, index: int = 0) -> None:
        """The one place that opens screens. Each screen's module loads when it is first
        opened: the first question appears without the others' widgets being imported."""
        from quicktest.faces.tui.screens.too_small import TooSmallScreen

        if isinstance(self.screen, TooSmallScreen):  # keep the note over whatever opens
            self.pop_screen()
            self.go(to, index)
            self.push_screen(TooSmallScreen(self.size))
            return
        if to in ("metrics", "what_if", "pick", "names"):  # over the screen, closing itself
            self.push_screen(self._overlay(to, index))
            return
        screen = self._screen(to, index)
        if len(self.screen_stack) > 1:
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _screen(self, to: messages.Place, index: int) -> Screen[None]:
        if to == "start":
            from quicktest.faces.tui.screens import start

            self.session, self.current = None, None
            return start.StartScreen(
                self.bank,
                sessions.unfinished(self.workspace),
                self.client_name,
                self.respondent_name,
            )
        session = self._current()
        if to == "question":
            from quicktest.faces.tui.screens import question

            position = max(0, min(index, len(self.bank.questions) - 1))
            return question.QuestionScreen(self.bank, session, position)
        if to == "review":
            from quicktest.faces.tui.screens import review

            return review.ReviewScreen(
                self.bank,
                session,
                self.read(),
                offer_metrics=index == 1,
            )
        from quicktest.faces.tui.screens import result

        return result.ResultScreen(self.bank, session, self.read())

    def _overlay(self, to: messages.Place, index: int) -> Screen[None]:
        if to == "metrics":
            from quicktest.faces.tui.screens import metrics

            return metrics.MetricsScreen(self._current())
        if to == "what_if":  # it saves nothing
            from quicktest.faces.tui.screens import whatif

            return whatif.WhatIfScreen(self.bank, self.read().read)
        if to == "names":
            from quicktest.faces.tui.screens import names

            return names.NamesForm(self._current())
        from quicktest.faces.tui.screens import picker

        question = self.bank.questions[index]
        return picker.OptionPicker(question, self._current().answers.get(question.id))
