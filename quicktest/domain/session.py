"""A saved session: who answered, when, with which bank, how far they got, and what they gave.

Immutable: a change makes a new session (`with_answer`, `with_metric`, ...), so a screen or
a thread holding one never sees it change under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.metrics import Metrics
from quicktest.domain.response import Response, split_stale
from quicktest.domain.units import Value

IN_PROGRESS, DONE = "in progress", "done"
STATES = (IN_PROGRESS, DONE)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Session(NamedTuple):
    id: str
    client: str | None
    respondent: str | None
    date: str
    state: str
    bank_id: str
    bank_version: str
    position: int = 0  # the question to show on resume
    bank_digest: str = ""
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
            valid, Metrics(dict(self.metrics)), self.client, self.respondent, self.date, stale
        )

    def bank_record(self) -> dict[str, str]:
        """Which bank the answers were given with, as an exported file records it."""
        return {"id": self.bank_id, "version": self.bank_version, "digest": self.bank_digest}

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client": self.client,
            "respondent": self.respondent,
            "date": self.date,
            "state": self.state,
            "answered": len(self.answers),
        }

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
