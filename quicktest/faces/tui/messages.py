"""The typed messages screens post: what changes a session, and where to go next.

Screens never change the session or open another screen themselves; the app handles these,
saves in the background and moves between screens in one place.

A change to save (an answer, a metric, the position, finishing) is posted straight to the app's
queue, not bubbled from the screen's: a screen shows the next question at once, and a quit
that arrives just after (a browser tab closed) would otherwise reach the app before the
answer, which would then never be saved.
"""

from __future__ import annotations

from typing import Literal

from textual.message import Message

from quicktest.app.reading import FullRead
from quicktest.domain.session import Session
from quicktest.domain.units import Value


class StartRequested(Message):
    """A new session for this client, respondent and role (any may be empty)."""

    def __init__(self, client: str, respondent: str, role: str = "") -> None:
        super().__init__()
        self.client, self.respondent, self.role = client, respondent, role


class NamesChanged(Message):
    """The client, respondent and role corrected (each as typed; empty clears it)."""

    def __init__(self, client: str, respondent: str, role: str) -> None:
        super().__init__()
        self.client, self.respondent, self.role = client, respondent, role


class ResumeRequested(Message):
    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id


class AnswerChosen(Message):
    """An answer given (or cleared, with None); `position` is the question to resume at."""

    def __init__(self, question_id: str, option_id: str | None, position: int | None) -> None:
        super().__init__()
        self.question_id, self.option_id, self.position = question_id, option_id, position


class PositionChanged(Message):
    def __init__(self, position: int) -> None:
        super().__init__()
        self.position = position


class MetricChanged(Message):
    """A valid metric value typed (None: the field was emptied)."""

    def __init__(self, name: str, value: Value | None) -> None:
        super().__init__()
        self.name, self.value = name, value


class Finished(Message):
    """The respondent says they are done: the session is stored as finished."""


# Where the app can go: a screen of the test, or one shown over it (the metrics form, the
# what-if, the review's answer picker and its names form), which closes itself.
Place = Literal["start", "question", "review", "result", "metrics", "what_if", "pick", "names"]


class Navigate(Message):
    """Go to a place; `index` is the question (for "question" and "pick"), or 1 to offer the
    metrics form on the way to the review."""

    def __init__(self, to: Place, index: int = 0) -> None:
        super().__init__()
        self.to, self.index = to, index


class SessionChanged(Message):
    """Sent by the app to its screens after it changed the session: the new session and the
    app's one read of it."""

    def __init__(self, session: Session, read: FullRead) -> None:
        super().__init__()
        self.session, self.read = session, read


class SaveState(Message):
    """The saver's news: "saving", "saved", or "not saved" with the reason."""

    def __init__(self, state: str, reason: str = "") -> None:
        super().__init__()
        self.state, self.reason = state, reason


class ExportRequested(Message):
    """Render the session's read as a PDF into the current folder."""
