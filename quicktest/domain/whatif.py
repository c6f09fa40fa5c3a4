"""What would change a read: for each pattern at the dominant level or above, the single
answer changes and metric values that would take it below its level; for a read with no
dominant pattern, those that would make one dominant. Every suggestion is found by scoring
the changed response again, so none is a guess.

Metric values come from the bank's own rules: each comparison a pattern's rules make on a
metric a respondent can give (not a derived one, not a series) proposes the value just on
its other side, read with the bands of this read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.conditions import AllOf, AnyOf, BenchmarkRef, Compare, Condition
from quicktest.domain.engine import PatternRead, Read, score
from quicktest.domain.metrics import ALL, INPUTS, Metrics, format_value

if TYPE_CHECKING:
    from quicktest.domain.bank import Bank

# The step past a rule's bound, by unit: a tenth of a point, one month, one unit.
_STEP = {"percent": 0.001, "points": 0.001, "months": 1.0, "count": 1.0, "currency": 1.0}


class Change(NamedTuple):
    """One change to a response, and the pattern's score and level after it."""

    kind: str  # "answer" or "metric"
    ref: str  # question id or metric name
    value: str | float  # the option id, or the metric's value in base units
    was: str  # in words: the answer given or the value known (or "not given")
    to: str  # in words: the other answer or value
    score: float
    level: str

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class WhatIf(NamedTuple):
    """A pattern's level now, what the changes aim at, and the changes, smallest first."""

    pattern: str
    name: str
    level: str
    aim: str  # "below" (its level) or "dominant"
    answers: tuple[Change, ...]
    metrics: tuple[Change, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "level": self.level,
            "aim": self.aim,
            "answers": [c.as_json() for c in self.answers],
            "metrics": [c.as_json() for c in self.metrics],
        }


def what_if(bank: Bank, read: Read, limit: int = 4) -> tuple[WhatIf, ...]:
    """The what-ifs of a read: per pattern at the dominant level or above (below it), or,
    with no dominant pattern, for the leading patterns (to dominance)."""
    if read.dominant is None:
        targets = [(p, "dominant") for p in read.patterns[:3] if p.score > 0]
    else:
        targets = [(p, "below") for p in read.patterns if bank.at_least(p.level, bank.dominant)]
    out = []
    for pattern, aim in targets:
        by_size = sorted(
            _answer_changes(bank, read, pattern, aim), key=lambda c: abs(c.score - pattern.score)
        )
        answers = [c for i, c in enumerate(by_size) if c.ref not in {d.ref for d in by_size[:i]}]
        metrics = sorted(
            _metric_changes(bank, read, pattern, aim), key=lambda c: _distance(read, c)
        )
        out.append(
            WhatIf(
                pattern.pattern.id,
                pattern.pattern.name,
                pattern.level,
                aim,
                tuple(answers[:limit]),
                tuple(metrics[:limit]),
            )
        )
    return tuple(out)


def describe(bank: Bank, change: Change) -> str:
    """One change in words: the answer or value, and where the pattern would land."""
    after = f"{change.score:.2f}, {change.level}"
    if change.kind == "answer":
        prompt = bank.question_by_id[change.ref].prompt
        return f"{prompt} Answering '{change.to}' (not '{change.was}'): {after}"
    label = ALL[change.ref].label
    now = "not given" if change.was == "not given" else f"it is {change.was}"
    return f"{label} at {change.to} ({now}): {after}"


def _reached(bank: Bank, after: Read, target: PatternRead, aim: str) -> PatternRead | None:
    """The target pattern in a changed read, if the change did what `aim` asks."""
    now = next(p for p in after.patterns if p.pattern.id == target.pattern.id)
    if aim == "below":
        return None if bank.at_least(now.level, target.level) else now
    top = after.dominant
    return now if top is not None and top.pattern.id == target.pattern.id else None


def _answer_changes(bank: Bank, read: Read, target: PatternRead, aim: str) -> list[Change]:
    given = read.given
    found = []
    for question in bank.questions:
        current = given.answers.get(question.id)
        was = question.option_by_id[current].label if current else "not answered"
        for option in question.options:
            if option.id == current:
                continue
            after = score(bank, given._replace(answers={**given.answers, question.id: option.id}))
            pattern = _reached(bank, after, target, aim)
            if pattern is not None:
                found.append(
                    Change(
                        "answer",
                        question.id,
                        option.id,
                        was,
                        option.label,
                        pattern.score,
                        pattern.level,
                    )
                )
    return found


def _metric_changes(bank: Bank, read: Read, target: PatternRead, aim: str) -> list[Change]:
    metrics = read.metrics
    bands = {u.benchmark.id: u.band for u in read.bands}
    candidates: dict[tuple[str, float], None] = {}
    for pattern in bank.patterns:  # every pattern's rules can move this one's rank or level
        for rule in pattern.metric_rules:
            for leaf in _leaves(rule.when):
                spec = INPUTS.get(leaf.metric)
                if spec is None or spec.series:
                    continue
                for value in _other_side(leaf, bands, _STEP.get(spec.unit, 0.001)):
                    if spec.low <= value <= spec.high and not (spec.low_open and value <= spec.low):
                        candidates[leaf.metric, round(value, 6)] = None
    found: dict[str, Change] = {}  # per metric, the value nearest the one known
    for name, value in candidates:
        if metrics.given.get(name) == value:
            continue
        changed = Metrics(
            {**metrics.given, name: value}, metrics.computed, metrics.notes, metrics.warnings
        )
        pattern = _reached(bank, score(bank, read.given._replace(metrics=changed)), target, aim)
        if pattern is not None:
            spec = INPUTS[name]
            now = metrics.current.get(name)
            was = "not given" if now is None else format_value(spec, now)
            change = Change(
                "metric", name, value, was, format_value(spec, value), pattern.score, pattern.level
            )
            if name not in found or _distance(read, change) < _distance(read, found[name]):
                found[name] = change
    return list(found.values())


def _leaves(condition: Condition) -> list[Compare]:
    if isinstance(condition, AllOf):
        return [leaf for c in condition.all for leaf in _leaves(c)]
    if isinstance(condition, AnyOf):
        return [leaf for c in condition.any for leaf in _leaves(c)]
    return [condition]


def _other_side(leaf: Compare, bands, step: float) -> list[float]:
    """Values on either side of each bound a comparison makes: one of them changes it."""
    values = []
    for bound in (leaf.lt, leaf.lte, leaf.gt, leaf.gte):
        if bound is None:
            continue
        if isinstance(bound, BenchmarkRef):
            band = bands.get(bound.benchmark)
            if band is None:
                continue
            bound = band.edge(bound.edge)
        values += [bound - step, bound, bound + step]
    return values


def _distance(read: Read, change: Change) -> float:
    """How far a metric change goes from the value known: relative, and unknown last."""
    now = read.metrics.current.get(change.ref)
    if now is None:
        return float("inf")
    return abs(float(change.value) - now) / max(abs(now), 1e-9)
