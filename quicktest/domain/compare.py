"""Compare reads: one client over time (which patterns rose, fell or appeared, and why),
and several respondents of one client (where they disagree, and the combined read)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean
from typing import Any

from quicktest.domain.bank import Bank
from quicktest.domain.read import Evidence, PatternRead, Read
from quicktest.domain.units import plain

# A change of score smaller than this is noise, not movement.
MOVE = 0.05


@dataclass(frozen=True)
class PatternChange:
    before: PatternRead
    after: PatternRead
    gained: tuple[Evidence, ...]
    lost: tuple[Evidence, ...]

    @property
    def status(self) -> str:
        if self.before.level == "none" and self.after.level != "none":
            return "appeared"
        if self.before.level != "none" and self.after.level == "none":
            return "faded"
        delta = self.after.score - self.before.score
        return "rose" if delta >= MOVE else "fell" if delta <= -MOVE else "unchanged"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.after.pattern.id,
            "name": self.after.pattern.name,
            "a": self.before.score,
            "b": self.after.score,
            "change": round(self.after.score - self.before.score, 3),
            "status": self.status,
            "levels": [self.before.level, self.after.level],
            "gained": [e.as_json() for e in self.gained],
            "lost": [e.as_json() for e in self.lost],
        }


@dataclass(frozen=True)
class Comparison:
    labels: tuple[str, str]
    before: Read
    after: Read
    patterns: tuple[PatternChange, ...]
    answers_changed: tuple[tuple[str, str | None, str | None], ...]  # question, a, b labels
    pairs: dict[str, tuple[Any, Any]]  # NRR and gross margin side by side

    def as_json(self) -> dict[str, Any]:
        def side(label: str, read: Read) -> dict[str, Any]:
            return {
                "label": label,
                "client": read.given.client,
                "date": read.given.date,
                "dominant": read.dominant.pattern.id if read.dominant else None,
                "tied": [p.pattern.id for p in read.tied],
            }

        return {
            "a": side(self.labels[0], self.before),
            "b": side(self.labels[1], self.after),
            "patterns": [p.as_json() for p in self.patterns],
            "answers_changed": [
                {"question": q, "a": a, "b": b} for q, a, b in self.answers_changed
            ],
            "metrics": {name: list(pair) for name, pair in self.pairs.items()},
        }


def _key(evidence: Evidence) -> tuple[str, str, str]:
    return evidence.source, evidence.ref, evidence.text


def _answer_label(bank: Bank, read: Read, question_id: str) -> str | None:
    option = bank.question_by_id[question_id].option(read.given.answers.get(question_id, ""))
    return option.label if option else None


def compare(bank: Bank, before: Read, after: Read, labels: tuple[str, str]) -> Comparison:
    old = {p.pattern.id: p for p in before.patterns}
    changes = []
    for new in after.patterns:
        was = old[new.pattern.id]
        had = {_key(e) for e in was.moved_by}
        has = {_key(e) for e in new.moved_by}
        changes.append(
            PatternChange(
                was,
                new,
                tuple(e for e in new.moved_by if _key(e) not in had),
                tuple(e for e in was.moved_by if _key(e) not in has),
            )
        )
    changes.sort(key=lambda c: -abs(c.after.score - c.before.score))
    answers_changed = tuple(
        (q.id, _answer_label(bank, before, q.id), _answer_label(bank, after, q.id))
        for q in bank.questions
        if before.given.answers.get(q.id) != after.given.answers.get(q.id)
    )
    pairs = {}
    for name in ("nrr", "grr", "gross_margin"):
        a, b = before.metrics.given.get(name), after.metrics.given.get(name)
        if a is not None or b is not None:
            pairs[name] = (plain(a), plain(b))
    return Comparison(labels, before, after, tuple(changes), answers_changed, pairs)


@dataclass(frozen=True)
class CombinedPattern:
    id: str
    name: str
    score: float  # the mean of the respondents' scores
    level: str
    scores: tuple[float, ...]  # each respondent's own, in the order of Respondents.names


@dataclass(frozen=True)
class Respondents:
    """Several respondents of one client: their disagreements and the combined read."""

    client: str
    names: tuple[str, ...]
    reads: tuple[Read, ...]
    disagreements: tuple[tuple[str, dict[str, str | None]], ...]  # question id -> answers
    combined: tuple[CombinedPattern, ...]  # strongest first
    dominant: str | None
    tied: tuple[str, ...] = ()  # patterns alike at the top of the combined read

    def as_json(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "respondents": list(self.names),
            "disagreements": [
                {"question": q, "answers": answers} for q, answers in self.disagreements
            ],
            "combined": {
                "dominant": self.dominant,
                "tied": list(self.tied),
                "patterns": [
                    {
                        "id": c.id,
                        "name": c.name,
                        "score": c.score,
                        "level": c.level,
                        "scores": dict(zip(self.names, c.scores, strict=True)),
                    }
                    for c in self.combined
                ],
            },
        }


def respondents(bank: Bank, client: str, reads: list[Read]) -> Respondents:
    """Where respondents disagree, question by question, and the read their scores average to.

    A disagreement is a finding: a CFO and a CS lead who see the business differently.
    """

    names = tuple(r.given.respondent or f"respondent {i}" for i, r in enumerate(reads, 1))
    disagreements = []
    for question in bank.questions:
        given = {
            name: _answer_label(bank, read, question.id)
            for name, read in zip(names, reads, strict=True)
        }
        if len({v for v in given.values() if v is not None}) > 1:
            disagreements.append((question.id, given))
    combined = []
    for pattern in bank.patterns:
        scores = tuple(
            next(p.score for p in r.patterns if p.pattern.id == pattern.id) for r in reads
        )
        mean = round(fmean(scores), 3)
        combined.append(
            CombinedPattern(pattern.id, pattern.name, mean, bank.level_of(mean), scores)
        )
    combined.sort(key=lambda c: -c.score)
    top = [c.id for c in combined if combined[0].score == c.score]
    called = bool(combined) and bank.is_dominant(combined[0].score)
    dominant = top[0] if called and len(top) == 1 else None
    tied = tuple(top) if called and len(top) > 1 else ()
    return Respondents(
        client, names, tuple(reads), tuple(disagreements), tuple(combined), dominant, tied
    )
