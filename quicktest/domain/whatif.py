"""What would change a read: for each pattern at the dominant level or above, the single
answer changes and metric values that would take it below its level; for a read with no
dominant pattern, those that would make one dominant. Every suggestion is found by scoring
the changed response again, so none is a guess.

Metric values come from the bank's own rules: each comparison a pattern's rules make on a
metric a respondent can give (not a derived one, not a series) proposes the value just on
its other side, read with the bands of this read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.conditions import AllOf, AnyOf, BenchmarkRef, Compare, Condition
from quicktest.domain.metrics import ALL, INPUTS, Metrics
from quicktest.domain.read import PatternRead, Read
from quicktest.domain.scoring import score
from quicktest.domain.units import format_value

if TYPE_CHECKING:
    from quicktest.domain.bank import Band, Bank

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
    with no dominant pattern, for the leading patterns (to dominance). Each change is
    scored once, and every pattern looked at in its read."""
    if read.dominant is None:
        targets = [(p, "dominant") for p in read.patterns[:3] if p.score > 0]
    else:
        targets = [(p, "below") for p in read.patterns if bank.at_least(p.level, bank.dominant)]
    if not targets:
        return ()
    trials = [*_answer_trials(bank, read), *_metric_trials(bank, read)]
    out = []
    for target, aim in targets:
        found = [
            change._replace(score=reached.score, level=reached.level)
            for change, after in trials
            if (reached := _reached(bank, after, target, aim)) is not None
        ]
        answers = sorted(
            (c for c in found if c.kind == "answer"), key=lambda c: abs(c.score - target.score)
        )
        nearest: dict[str, Change] = {}  # per question or metric, the smallest change
        for change in answers + sorted(
            (c for c in found if c.kind == "metric"), key=lambda c: _distance(read, c)
        ):
            nearest.setdefault(change.ref, change)
        kept = list(nearest.values())
        out.append(
            WhatIf(
                target.pattern.id,
                target.pattern.name,
                target.level,
                aim,
                tuple(c for c in kept if c.kind == "answer")[:limit],
                tuple(c for c in kept if c.kind == "metric")[:limit],
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


def _answer_trials(bank: Bank, read: Read) -> list[tuple[Change, Read]]:
    """Every other answer to every question, each with the read it gives."""
    given = read.given
    trials = []
    for question in bank.questions:
        current = given.answers.get(question.id)
        was = question.option_by_id[current].label if current else "not answered"
        for option in question.options:
            if option.id != current:
                after = score(
                    bank, given._replace(answers={**given.answers, question.id: option.id})
                )
                trials.append(
                    (Change("answer", question.id, option.id, was, option.label, 0, ""), after)
                )
    return trials


def _metric_trials(bank: Bank, read: Read) -> list[tuple[Change, Read]]:
    """Values on either side of each bound the bank's rules set on a metric a respondent can
    give, each with the read it gives."""
    metrics = read.metrics
    bands = {u.benchmark.id: u.band for u in read.bands}
    candidates: dict[tuple[str, float], None] = {}
    for pattern in bank.patterns:  # every pattern's rules can move another's rank or level
        for rule in pattern.metric_rules:
            for leaf in _leaves(rule.when):
                spec = INPUTS.get(leaf.metric)
                if spec is None or spec.series:
                    continue
                for value in _other_side(leaf, bands, _STEP.get(spec.unit, 0.001)):
                    if spec.low <= value <= spec.high and not (spec.low_open and value <= spec.low):
                        candidates[leaf.metric, round(value, 6)] = None
    trials = []
    for name, value in candidates:
        if metrics.given.get(name) == value:
            continue
        changed = Metrics(
            {**metrics.given, name: value}, metrics.computed, metrics.notes, metrics.warnings
        )
        spec = INPUTS[name]
        now = metrics.current.get(name)
        was = "not given" if now is None else format_value(spec, now)
        change = Change("metric", name, value, was, format_value(spec, value), 0, "")
        trials.append((change, score(bank, read.given._replace(metrics=changed))))
    return trials


def _leaves(condition: Condition) -> list[Compare]:
    if isinstance(condition, AllOf):
        return [leaf for c in condition.all for leaf in _leaves(c)]
    if isinstance(condition, AnyOf):
        return [leaf for c in condition.any for leaf in _leaves(c)]
    return [condition]


def _other_side(leaf: Compare, bands: Mapping[str, Band], step: float) -> list[float]:
    """For each bound a comparison makes, the nearest value on each side of it: one holds
    the comparison and the other breaks it."""
    values = []
    for op in ("lt", "lte", "gt", "gte"):
        bound = getattr(leaf, op)
        if isinstance(bound, BenchmarkRef):
            band = bands.get(bound.benchmark)
            bound = None if band is None else band.edge(bound.edge)
        if bound is None:
            continue
        if op in ("lt", "gte"):  # the line falls just under the bound
            values += [bound - step, bound]
        else:  # lte, gt: just over it
            values += [bound, bound + step]
    return values


def _distance(read: Read, change: Change) -> float:
    """How far a metric change goes from the value known: relative, and unknown last."""
    now = read.metrics.current.get(change.ref)
    if now is None:
        return float("inf")
    return abs(float(change.value) - now) / max(abs(now), 1e-9)
