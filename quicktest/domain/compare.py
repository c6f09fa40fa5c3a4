"""Compare two reads: one client over time (which patterns rose, fell or appeared, and why).
Several respondents of one client are compared in `clientread`."""

from __future__ import annotations

from dataclasses import dataclass
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
