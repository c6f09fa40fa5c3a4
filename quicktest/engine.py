"""The rule engine: answers plus metrics to a read. Pure: no I/O, no eval, deterministic.

Every answer and every metric rule is evaluated; none stops the others. Each records what it
saw and whether it held, and that trace is the evidence shown beside the score.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from quicktest.bank import AllOf, AnyOf, Band, Bank, Benchmark, BenchmarkRef, Compare, Pattern
from quicktest.metrics import ALL, Metrics

Status = Literal["held", "not held", "unknown"]
Level = Literal["strong", "moderate", "weak", "none"]


@dataclass(frozen=True)
class Evidence:
    source: Literal["answer", "metric"]
    ref: str
    text: str
    points: float = 0.0
    status: Status = "held"

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ref": self.ref,
            "text": self.text,
            "points": self.points,
            "status": self.status,
        }


@dataclass(frozen=True)
class PatternRead:
    pattern: Pattern
    score: float
    level: Level
    points: float
    possible: float
    evidence: tuple[Evidence, ...]

    @property
    def moved_by(self) -> tuple[Evidence, ...]:
        """The evidence that changed the score, strongest first."""
        return tuple(sorted((e for e in self.evidence if e.points), key=lambda e: -abs(e.points)))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.pattern.id,
            "name": self.pattern.name,
            "score": self.score,
            "level": self.level,
            "caps": self.pattern.caps,
            "evidence": [e.as_json() for e in self.evidence],
        }


@dataclass(frozen=True)
class BandUsed:
    benchmark: Benchmark
    band: Band


@dataclass(frozen=True)
class Answers:
    """What a respondent gave: answers by question id, metrics, and who and when."""

    answers: Mapping[str, str] = field(default_factory=dict)
    metrics: Metrics = field(default_factory=Metrics)
    client: str | None = None
    respondent: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Read:
    given: Answers
    basis: Literal["answers", "metrics", "answers+metrics"]
    patterns: tuple[PatternRead, ...]  # strongest first
    dominant: PatternRead | None
    unanswered: tuple[str, ...]
    bands: tuple[BandUsed, ...]

    @property
    def metrics(self) -> Metrics:
        return self.given.metrics

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
            "notes": list(self.metrics.notes),
        }


# --- conditions -----------------------------------------------------------------------------

_OPS = {"lt": float.__lt__, "lte": float.__le__, "gt": float.__gt__, "gte": float.__ge__}


@dataclass
class _Trace:
    """What one condition saw: the metrics it needed that were missing."""

    missing: list[str] = field(default_factory=list)


def _holds(
    condition: Any, metrics: Metrics, bands: Mapping[str, Band], trace: _Trace
) -> bool | None:
    """True, False, or None when a metric it needs is unknown (three-valued logic)."""
    if isinstance(condition, AllOf):
        results = [_holds(c, metrics, bands, trace) for c in condition.all]
        return False if False in results else None if None in results else True
    if isinstance(condition, AnyOf):
        results = [_holds(c, metrics, bands, trace) for c in condition.any]
        return True if True in results else None if None in results else False
    assert isinstance(condition, Compare)
    value = metrics.value(condition.metric)
    if value is None:
        trace.missing.append(condition.metric)
        return None
    held = True
    for op, compare in _OPS.items():
        bound = getattr(condition, op)
        if isinstance(bound, BenchmarkRef):
            band = bands.get(bound.benchmark)
            bound = None if band is None else band.edge(bound.edge)
            if band is None:
                return None
        if bound is not None:
            held = held and compare(float(value), float(bound))
    return held


def choose_bands(bank: Bank, metrics: Metrics) -> tuple[BandUsed, ...]:
    """For each benchmark, the first band whose condition holds, else its fallback band."""
    chosen = []
    for benchmark in bank.benchmarks:
        band = next(
            (
                b
                for b in benchmark.bands
                if b.when is not None and _holds(b.when, metrics, {}, _Trace())
            ),
            next(b for b in benchmark.bands if b.when is None),
        )
        chosen.append(BandUsed(benchmark, band))
    return tuple(chosen)


class _Values(dict):
    """Placeholders in a rule's text, filled with metric values as a person reads them."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self.metrics = metrics

    def __missing__(self, name: str) -> str:
        return self.metrics.display(name)


def _say(text: str, metrics: Metrics) -> str:
    return string.Formatter().vformat(text, (), _Values(metrics))


# --- scoring --------------------------------------------------------------------------------


def is_dominant(bank: Bank, score: float) -> bool:
    """Whether a score reaches the level the bank asks of a dominant pattern."""
    return score >= getattr(bank.info.scoring.levels, bank.info.scoring.dominant) - 1e-9


def level_of(bank: Bank, score: float) -> Level:
    levels = bank.info.scoring.levels
    for name in ("strong", "moderate", "weak"):
        if score >= getattr(levels, name) - 1e-9:
            return name  # type: ignore[return-value]
    return "none"


def _read_pattern(
    bank: Bank, pattern: Pattern, given: Answers, bands: Mapping[str, Band]
) -> PatternRead:
    evidence: list[Evidence] = []
    points = possible = 0.0
    for question in bank.questions:
        option = question.option(given.answers.get(question.id, ""))
        if option is None:
            continue
        possible += max(0.0, *(o.points.get(pattern.id, 0.0) for o in question.options))
        weight = option.points.get(pattern.id, 0.0)
        points += weight
        if weight:
            evidence.append(Evidence("answer", question.id, option.reading, weight))
    missing: list[str] = []
    for rule in pattern.metric_rules:
        trace = _Trace()
        held = _holds(rule.when, given.metrics, bands, trace)
        if held is None:
            missing.extend(m for m in trace.missing if m not in missing)
            continue
        possible += max(0.0, rule.points)
        leaf_metric = next(iter(_leaf_metrics(rule.when)))
        if held:
            points += rule.points
            evidence.append(
                Evidence("metric", leaf_metric, _say(rule.says, given.metrics), rule.points)
            )
        else:
            evidence.append(
                Evidence("metric", leaf_metric, _checked(rule.when, given.metrics), 0.0, "not held")
            )
    if given.metrics:
        evidence.extend(
            Evidence("metric", name, f"{ALL[name].label} not provided.", 0.0, "unknown")
            for name in missing
        )
    floor = bank.info.scoring.evidence_floor
    score = round(min(1.0, max(0.0, points / max(possible, floor))), 3) if possible else 0.0
    return PatternRead(pattern, score, level_of(bank, score), points, possible, tuple(evidence))


def _leaf_metrics(condition: Any) -> list[str]:
    if isinstance(condition, AllOf | AnyOf):
        children = condition.all if isinstance(condition, AllOf) else condition.any
        return [m for c in children for m in _leaf_metrics(c)]
    return [condition.metric]


def _checked(condition: Any, metrics: Metrics) -> str:
    """A rule that did not hold, in words: what it looked for and what it saw."""
    names = list(dict.fromkeys(_leaf_metrics(condition)))
    seen = ", ".join(f"{ALL[n].label} {metrics.display(n)}" for n in names)
    return f"Checked and not found: {seen}."


def score(bank: Bank, given: Answers) -> Read:
    """The read of one respondent's answers and metrics against a bank."""
    bands = choose_bands(bank, given.metrics)
    by_id = {u.benchmark.id: u.band for u in bands}
    reads = [_read_pattern(bank, p, given, by_id) for p in bank.patterns]
    order = {p.id: i for i, p in enumerate(bank.patterns)}
    ranked = tuple(sorted(reads, key=lambda r: (-r.score, -r.points, order[r.pattern.id])))
    top = ranked[0] if ranked else None
    dominant = top if top and is_dominant(bank, top.score) else None
    answered = [q.id for q in bank.questions if q.id in given.answers]
    basis = (
        "answers+metrics"
        if answered and given.metrics
        else "metrics"
        if given.metrics
        else "answers"
    )
    unanswered = tuple(q.id for q in bank.questions if q.id not in given.answers)
    return Read(given, basis, ranked, dominant, unanswered, bands)
