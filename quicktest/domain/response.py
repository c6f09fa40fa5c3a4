"""What a respondent gave: answers by question id, metrics, who and when, and the answers
that the bank no longer has (kept, shown, never counted)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from quicktest.domain.metrics import Metrics

MAX_NAME = 200  # characters in a client or respondent name: a report's header must hold it
# Roles a respondent is offered (any other text is kept as written).
SUGGESTED_ROLES = (
    "CEO",
    "CFO",
    "COO",
    "Sales",
    "Customer success",
    "Product",
    "Marketing",
    "Finance",
)

if TYPE_CHECKING:
    from quicktest.domain.bank import Bank


class StaleAnswer(NamedTuple):
    """An answer given against an earlier bank whose question or option this bank lacks."""

    question_id: str
    option_id: str
    question_gone: bool  # the whole question is gone, not just the option

    def note(self) -> str:
        if self.question_gone:
            return (
                f"question {self.question_id!r} is no longer in the bank: its answer "
                f"{self.option_id!r} is left out of this read"
            )
        return (
            f"{self.question_id}: answer {self.option_id!r} is no longer in the bank: "
            "left out of this read"
        )


class Response(NamedTuple):
    """One respondent's answers (each a valid option of the bank) and metrics."""

    answers: Mapping[str, str] = {}
    metrics: Metrics = Metrics()
    client: str | None = None
    respondent: str | None = None
    date: str | None = None
    stale: tuple[StaleAnswer, ...] = ()
    role: str | None = None  # the respondent's role (CFO, Sales, ...), free text

    @property
    def given_answers(self) -> dict[str, str]:
        """Every answer as given, stale ones included (what an export keeps)."""
        return {**dict(self.answers), **{s.question_id: s.option_id for s in self.stale}}


def split_stale(
    bank: Bank, answers: Mapping[str, str]
) -> tuple[dict[str, str], tuple[StaleAnswer, ...]]:
    """Answers the bank still has, and those it no longer has (a question or option gone)."""
    valid: dict[str, str] = {}
    stale: list[StaleAnswer] = []
    for question_id, option_id in answers.items():
        question = bank.question_by_id.get(question_id)
        if question is not None and question.option(option_id) is not None:
            valid[question_id] = option_id
        else:
            stale.append(StaleAnswer(question_id, option_id, question is None))
    return valid, tuple(stale)
