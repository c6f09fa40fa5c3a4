"""Changes to a response that the way out and the hinges try: another answer to a question, or
another value of a metric given. Every change is tried by scoring the changed response again;
none is a guess.

Metric values come from the bank's own rules and contradictions: each comparison they make
proposes the values just either side of its bound, read with the bands of this read. A
comparison on a derived figure moves the input behind it (`metrics.LEVERS`: NRR minus GRR
moves GRR; a margin trend moves the latest quarter of gross margin).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from quicktest.domain.bank import Band, Bank
from quicktest.domain.conditions import BenchmarkRef, Compare, leaves
from quicktest.domain.metrics import INPUTS, LEVERS, Metrics
from quicktest.domain.read import Read, joined
from quicktest.domain.response import Response
from quicktest.domain.units import Value, format_value

# The step past a rule's bound, by unit: a tenth of a point, one month, one unit.
_STEP = {"percent": 0.001, "points": 0.001, "months": 1.0, "count": 1.0, "currency": 1.0}


class Change(NamedTuple):
    """One change to a response: an answer, or a metric's value (a series: its latest)."""

    kind: str  # "answer" or "metric"
    ref: str  # question id or metric name
    value: str | float  # the option id, or the value in base units
    was: str  # in words: the answer given or the value known
    to: str  # in words: the other answer or value

    def as_json(self) -> dict[str, Any]:
        return self._asdict()


class Call(NamedTuple):
    """What a read calls: the dominant pattern and its level, or the patterns tied."""

    dominant: str | None
    level: str | None
    tied: tuple[str, ...]

    @classmethod
    def of(cls, read: Read) -> Call:
        top = read.dominant or (read.tied[0] if read.tied else None)
        return cls(
            read.dominant.pattern.id if read.dominant else None,
            top.level if top else None,
            tuple(p.pattern.id for p in read.tied),
        )

    def as_json(self) -> dict[str, Any]:
        return {"dominant": self.dominant, "level": self.level, "tied": list(self.tied)}

    def words(self, bank: Bank) -> str:
        """The call in words: "Borrowed NRR (strong)", "a tie of A and B (strong)", or none."""
        names = {p.id: p.name for p in bank.patterns}
        if self.dominant:
            return f"{names[self.dominant]} ({self.level})"
        if self.tied:
            return f"a tie of {joined([names[t] for t in self.tied])} ({self.level})"
        return "no dominant pattern"


def applied(response: Response, changes: Iterable[Change]) -> Response:
    """The response with the changes made."""
    answers = dict(response.answers)
    values: dict[str, Value] = dict(response.metrics.given)
    for change in changes:
        if change.kind == "answer":
            answers[change.ref] = str(change.value)
        else:
            now = values[change.ref]
            value = float(change.value)
            values[change.ref] = (*now[:-1], value) if isinstance(now, tuple) else value
    metrics = response.metrics
    return response._replace(
        answers=answers, metrics=Metrics(values, metrics.computed, metrics.notes)
    )


def answer_changes(bank: Bank, read: Read) -> Iterator[Change]:
    """Every other answer to every question answered."""
    for question in bank.questions:
        current = read.given.answers.get(question.id)
        if current is None:
            continue
        was = question.option_by_id[current].label
        for option in question.options:
            if option.id != current:
                yield Change("answer", question.id, option.id, was, option.label)


def metric_changes(bank: Bank, read: Read) -> Iterator[Change]:
    """Values either side of every bound the bank's rules and contradictions set, on the
    metrics given (a derived figure through the input behind it); never a set of figures
    that could not hold together (GRR above NRR)."""
    given = read.metrics.given
    bands = {u.benchmark.id: u.band for u in read.bands}
    conditions = [r.when for p in bank.patterns for r in p.metric_rules] + [
        c.when for q in bank.questions for o in q.options for c in o.contradicted_by
    ]
    seen: dict[tuple[str, float], str] = {}
    for condition in conditions:
        for leaf in leaves(condition):
            for name, value, words in _values(leaf, bands, given):
                seen.setdefault((name, round(value, 6)), words)
    for (name, value), words in seen.items():
        now = given[name]
        latest = now[-1] if isinstance(now, tuple) else now
        if value == latest or not _consistent(given, name, value):
            continue
        yield Change("metric", name, value, format_value(INPUTS[name], latest), words)


def _values(
    leaf: Compare, bands: Mapping[str, Band], given: Mapping[str, Value]
) -> Iterator[tuple[str, float, str]]:
    """For each bound a comparison sets, the input it moves and the values on either side of
    it, within the input's bounds, each with its words: the bound itself ("80%"), or the
    value a step past it as "under 30%" or "over 16%"."""
    name, to_input = leaf.metric, None
    if name in LEVERS:
        name, to_input = LEVERS[name]
    spec = INPUTS.get(name)
    if spec is None or name not in given:
        return
    step = _STEP[spec.unit]
    for op in ("lt", "lte", "gt", "gte"):
        bound = getattr(leaf, op)
        if isinstance(bound, BenchmarkRef):
            band = bands.get(bound.benchmark)
            bound = None if band is None else band.edge(bound.edge)
        if bound is None:
            continue
        exact = bound if to_input is None else to_input(given, bound)
        sides = (bound - step, bound) if op in ("lt", "gte") else (bound, bound + step)
        for side in sides:
            value = side if to_input is None else to_input(given, side)
            if exact is None or value is None or not spec.low <= value <= spec.high:
                continue
            if spec.low_open and value <= spec.low:
                continue
            words = format_value(spec, exact)
            if side != bound:
                words = f"{'under' if value < exact else 'over'} {words}"
            yield name, value, words


def _consistent(given: Mapping[str, Value], name: str, value: float) -> bool:
    """Whether the figures still hold together with `name` at `value` (GRR never above NRR)."""
    nrr, grr = given.get("nrr"), given.get("grr")
    if name == "nrr":
        nrr = value
    if name == "grr":
        grr = value
    return not (isinstance(nrr, float) and isinstance(grr, float) and grr > nrr + 1e-9)


def distance(read: Read, change: Change) -> float:
    """How far a metric change goes from the value known, relative to it."""
    now = read.metrics.value(change.ref)
    if now is None:
        return float("inf")
    return abs(float(change.value) - now) / max(abs(now), 1e-9)
