"""What a read is: each pattern's score, level and evidence, the conflicts between answers
and figures, how much evidence the read rests on, and the benchmark bands it used.

Plain immutable values; `scoring` makes them and every face shows them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from quicktest.domain.bank import Band, Benchmark, Pattern
from quicktest.domain.metrics import Metrics
from quicktest.domain.response import Response


class Evidence(NamedTuple):
    source: str  # "answer" or "metric"
    ref: str  # question id or metric name
    text: str
    points: float = 0.0
    status: str = "held"  # "held", "not held", "unknown", or "conflict" (answer vs figures)

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class PatternRead(NamedTuple):
    pattern: Pattern
    score: float
    level: str  # as called: no stronger than its confidence allows
    points: float
    possible: float
    evidence: tuple[Evidence, ...]
    coverage: float = 1.0  # the share of the evidence the bank could give that was known
    confidence: str | None = None  # the bank's words for that share
    uncapped: str = ""  # the level the score alone reaches

    @property
    def moved_by(self) -> tuple[Evidence, ...]:
        """The evidence that changed the score, strongest first, and any conflicts."""
        return tuple(
            sorted(
                (e for e in self.evidence if e.points or e.status == "conflict"),
                key=lambda e: -abs(e.points),
            )
        )

    def capped_words(self) -> str | None:
        """Why the level called is below the one its score reaches, if it is, in words."""
        if self.level == self.uncapped:
            return None
        return (
            f"Its score alone reads {self.uncapped}; with {self.coverage:.0%} of its evidence "
            f"known this is {self.confidence}, so it is called {self.level}."
        )

    @property
    def unknown(self) -> tuple[str, ...]:
        """The metrics that would confirm or weaken it and were not given."""
        return tuple(e.ref for e in self.evidence if e.status == "unknown")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.pattern.id,
            "name": self.pattern.name,
            "score": self.score,
            "level": self.level,
            "caps": self.pattern.caps,
            "evidence": [e.as_json() for e in self.evidence],
            "coverage": round(self.coverage, 3),
            "confidence": self.confidence,
            "level_from_score": self.uncapped,
        }


class Conflict(NamedTuple):
    """An answer the figures contradict, both sides in words, and the side followed."""

    question: str
    option: str
    answer: str
    figures: str
    followed: str  # "figures" or "answers"

    def as_json(self) -> dict[str, str]:
        return dict(zip(self._fields, self, strict=True))

    def words(self) -> str:
        """Both sides and the side followed, in words."""
        if self.followed == "figures":
            why = "the read follows the figures: measured figures outrank recollection"
        else:
            why = "the read follows the answer, as the bank asks for this question"
        return f"Answered '{self.answer}', but {self.figures}; {why}."


class Coverage(NamedTuple):
    """How much of the evidence the bank could give a read actually had."""

    answered: int
    questions: int
    decided: int  # metric rules that could be decided
    rules: int
    share: float  # the share of its evidence the dominant pattern had (else all patterns')
    confidence: str | None

    def words(self) -> str:
        metrics = (
            "no metrics" if not self.decided else f"{self.decided} of {self.rules} metric checks"
        )
        lead = self.confidence or "a read"
        answers = f"{self.answered} of {self.questions} answers"
        return f"{lead[0].upper()}{lead[1:]} from {answers} and {metrics}"

    def as_json(self) -> dict[str, Any]:
        return {
            "answers": {"given": self.answered, "of": self.questions},
            "metric_rules": {"decided": self.decided, "of": self.rules},
            "share": round(self.share, 3),
            "confidence": self.confidence,
            "words": self.words(),
        }


class BandUsed(NamedTuple):
    benchmark: Benchmark
    band: Band


class Read(NamedTuple):
    given: Response
    basis: str  # "answers", "metrics" or "answers+metrics"
    patterns: tuple[PatternRead, ...]  # strongest first
    dominant: PatternRead | None
    unanswered: tuple[str, ...]
    bands: tuple[BandUsed, ...]
    coverage: Coverage | None = None
    conflicts: tuple[Conflict, ...] = ()

    @property
    def metrics(self) -> Metrics:
        return self.given.metrics

    @property
    def notes(self) -> list[str]:
        """What the reader must know about the input: replaced values, stale answers."""
        return [*self.metrics.notes, *(s.note() for s in self.given.stale)]

    def band_for(self, metric: str) -> BandUsed | None:
        """The band chosen for the benchmark of `metric`, if the bank has one."""
        return next((u for u in self.bands if u.benchmark.metric == metric), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "client": self.given.client,
            "respondent": self.given.respondent,
            "date": self.given.date,
            "basis": self.basis,
            "dominant": self.dominant.pattern.id if self.dominant else None,
            "patterns": [p.as_json() for p in self.patterns],
            "metrics": self.metrics.as_json(),
            "unanswered": list(self.unanswered),
            "benchmarks": {
                u.benchmark.id: {"band": u.band.label, "value": u.band.value} for u in self.bands
            },
            "notes": self.notes,
            "coverage": self.coverage.as_json() if self.coverage else None,
            "conflicts": [c.as_json() for c in self.conflicts],
        }
