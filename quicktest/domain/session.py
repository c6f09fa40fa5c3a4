"""A saved session: who answered (and in what role), when, with which bank, how far they got,
and what they gave.

A session's state is one of four, in the order a respondent goes through them: `invited` (a
private link made, nothing given yet), `in progress`, `answered` (every question of the bank
answered) and `finished` (the respondent or the consultant said so). Only `finished` is
stored: it is an act, which nothing else records. The other three are read from what the
session holds (its answers, and whether an invite made it), so they can never disagree
with it: an answer written by the app, the web form or an import moves the state with it.

Immutable: a change makes a new session (`with_answer`, `with_metric`, ...), so a screen or
a thread holding one never sees it change under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.metrics import Metrics
from quicktest.domain.response import Response, split_stale
from quicktest.domain.units import Value

if TYPE_CHECKING:
    from quicktest.domain.bank import Bank

# What the store keeps: whether the session was finished.
IN_PROGRESS, FINISHED = "in progress", "finished"
STORED_STATES = (IN_PROGRESS, FINISHED)
# What a face shows: the stored state, refined by what the session holds.
INVITED, ANSWERED = "invited", "answered"
STATES = (INVITED, IN_PROGRESS, ANSWERED, FINISHED)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Session(NamedTuple):
    id: str
    client: str | None  # as typed in this session; the client record holds the display name
    respondent: str | None
    date: str
    state: str  # stored: IN_PROGRESS or FINISHED (see `progress` for what is shown)
    bank_id: str
    bank_version: str
    position: int = 0  # the question to show on resume
    bank_digest: str = ""
    role: str | None = None  # the respondent's role (CFO, Sales, ...), free text
    invited: bool = False  # made by a private link
    answers: Mapping[str, str] = _EMPTY  # as given, stale ones included
    metrics: Mapping[str, Value] = _EMPTY

    @classmethod
    def of(cls, *fields: Any, answers: Mapping[str, str], metrics: Mapping[str, Value]) -> Session:
        """A session whose answers and metrics are read-only copies of those given."""
        session: Session = cls(*fields)
        return session._replace(
            answers=MappingProxyType(dict(answers)), metrics=MappingProxyType(dict(metrics))
        )

    def response(self, bank: Bank) -> Response:
        """The session read against `bank`: answers it no longer has are set apart as stale."""
        valid, stale = split_stale(bank, self.answers)
        return Response(
            valid,
            Metrics(dict(self.metrics)),
            self.client,
            self.respondent,
            self.date,
            stale,
            self.role,
        )

    def bank_record(self) -> dict[str, str]:
        """Which bank the answers were given with, as an exported file records it."""
        return {"id": self.bank_id, "version": self.bank_version, "digest": self.bank_digest}

    def answered(self, bank: Bank) -> int:
        """How many of the bank's questions it answers (stale answers are not counted)."""
        return sum(1 for q in bank.questions if q.option(self.answers.get(q.id, "")) is not None)

    def progress(self, bank: Bank) -> str:
        """The state a face shows: finished as stored, else invited, in progress or answered
        from what the session holds."""
        if self.state == FINISHED:
            return FINISHED
        if self.invited and not self.answers and not self.metrics:
            return INVITED
        return ANSWERED if self.answered(bank) == len(bank.questions) else IN_PROGRESS

    @property
    def counts(self) -> bool:
        """Whether it counts as a respondent's: only a session with answers does (an
        invitation never answered is pending; its figures, if any, still are the client's)."""
        return bool(self.answers)

    def summary(self, bank: Bank, client: str | None = None) -> dict[str, Any]:
        """The session as `sessions list` shows it; `client` is the client's display name."""
        return {
            "id": self.id,
            "client": client or self.client,
            "respondent": self.respondent,
            "date": self.date,
            "state": self.progress(bank),
            "answered": self.answered(bank),
            "role": self.role,
        }

    def first_unanswered(self, bank: Bank) -> int:
        """The position of the first question it leaves unanswered (the last when none)."""
        for index, question in enumerate(bank.questions):
            if question.option(self.answers.get(question.id, "")) is None:
                return index
        return max(0, len(bank.questions) - 1)

    def with_answer(self, question_id: str, option_id: str | None) -> Session:
        """This session with an answer given, or cleared with None."""
        answers = {k: v for k, v in self.answers.items() if k != question_id}
        if option_id is not None:
            answers[question_id] = option_id
        return self._replace(answers=MappingProxyType(answers))

    def with_metric(self, name: str, value: Value | None) -> Session:
        """This session with a metric value given, or cleared with None."""
        metrics = {k: v for k, v in self.metrics.items() if k != name}
        if value is not None:
            metrics[name] = value
        return self._replace(metrics=MappingProxyType(metrics))


class Damaged(NamedTuple):
    """A stored session this version cannot read: damaged, or written by a newer quicktest.
    It is left out of every listing and read, and named so that it can be dealt with."""

    id: str
    field: str  # state, date, answers.renewal_case, metrics.nrr, ...
    what: str

    def __str__(self) -> str:
        return f"session {self.id}: {self.field}: {self.what}"


class Listing(NamedTuple):
    """The sessions that were read, and those that could not be."""

    sessions: list[Session]
    damaged: list[Damaged]
