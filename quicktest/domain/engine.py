"""The rule engine: a response to a read. Pure: no I/O, no eval, deterministic.

Every answer and every metric rule is evaluated; none stops the others. Each records what it
saw and whether it held, and that trace is the evidence shown beside the score. The bank is
compiled once (`Tables`): per question, the best points each pattern can get from it and the
evidence each option gives; each rule as a prepared predicate; a read then only looks values
up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.conditions import Predicate, compile_condition, leaf_metrics
from quicktest.domain.metrics import ALL, Metrics, fill
from quicktest.domain.response import Response

if TYPE_CHECKING:
    from quicktest.domain.bank import Band, Bank, Benchmark, MetricRule, MetricWarning, Pattern


class Evidence(NamedTuple):
    source: str  # "answer" or "metric"
    ref: str  # question id or metric name
    text: str
    points: float = 0.0
    status: str = "held"  # "held", "not held" or "unknown"

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class PatternRead(NamedTuple):
    pattern: Pattern
    score: float
    level: str
    points: float
    possible: float
    evidence: tuple[Evidence, ...]

    @property
    def moved_by(self) -> tuple[Evidence, ...]:
        """The evidence that changed the score, strongest first."""
        return tuple(sorted((e for e in self.evidence if e.points), key=lambda e: -abs(e.points)))

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
            "warnings": list(self.metrics.warnings),
        }


# --- the compiled bank ----------------------------------------------------------------------


class _Rule(NamedTuple):
    rule: MetricRule
    holds: Predicate
    ref: str  # the metric the evidence names: the first leaf's
    seen: tuple[tuple[str, str], ...]  # (name, label) a "not held" line reports, each once
    leaves: tuple[str, ...]  # every leaf's metric, in order: what it lacks when none is known
    needs: frozenset[str]


class Tables(NamedTuple):
    """A bank prepared for scoring: built once, when the bank is loaded.

    Answers are read in one pass for all patterns: per question, the best points each pattern
    could get from it, and per option the (pattern index, evidence) pairs it gives.
    """

    questions: tuple[
        tuple[str, tuple[float, ...], dict[str, tuple[tuple[int, Evidence], ...]]], ...
    ]
    rules: tuple[tuple[_Rule, ...], ...]  # per pattern, in bank order
    bands: tuple[tuple[Benchmark, tuple[tuple[Predicate, Band], ...], Band], ...]
    order: Mapping[str, int]
    warnings: tuple[tuple[Predicate, MetricWarning], ...]
    band_metrics: frozenset[str]  # what any band's condition looks at (acv, arr)
    fallback_bands: tuple[BandUsed, ...]  # the bands chosen when none of those is known


def compile_bank(bank: Bank) -> Tables:
    ids = [p.id for p in bank.patterns]
    questions = tuple(
        (
            q.id,
            tuple(max(0.0, *(o.points.get(pid, 0.0) for o in q.options)) for pid in ids),
            {
                o.id: tuple(
                    (i, Evidence("answer", q.id, o.reading, o.points[pid]))
                    for i, pid in enumerate(ids)
                    if o.points.get(pid, 0.0)
                )
                for o in q.options
            },
        )
        for q in bank.questions
    )
    rules = tuple(tuple(_compile_rule(r) for r in p.metric_rules) for p in bank.patterns)
    bands = tuple(
        (
            benchmark,
            tuple((compile_condition(b.when), b) for b in benchmark.bands if b.when is not None),
            next(b for b in benchmark.bands if b.when is None),
        )
        for benchmark in bank.benchmarks
    )
    return Tables(
        questions,
        rules,
        bands,
        {p.id: i for i, p in enumerate(bank.patterns)},
        tuple((compile_condition(w.when), w) for w in bank.metric_warnings),
        frozenset(
            m
            for b in bank.benchmarks
            for band in b.bands
            if band.when
            for m in leaf_metrics(band.when)
        ),
        tuple(BandUsed(b, fallback) for b, _, fallback in bands),
    )


def _compile_rule(rule: MetricRule) -> _Rule:
    leaves = tuple(leaf_metrics(rule.when))
    return _Rule(
        rule,
        compile_condition(rule.when),
        leaves[0],
        tuple((n, ALL[n].label) for n in dict.fromkeys(leaves)),
        leaves,
        frozenset(leaves),
    )


def choose_bands(bank: Bank, metrics: Metrics) -> tuple[BandUsed, ...]:
    """For each benchmark, the first band whose condition holds, else its fallback band."""
    current = metrics.current
    tables = bank.tables
    if tables.band_metrics.isdisjoint(current):
        return tables.fallback_bands
    chosen = []
    for benchmark, conditional, fallback in tables.bands:
        band = next((b for holds, b in conditional if holds(current, {}, [])), fallback)
        chosen.append(BandUsed(benchmark, band))
    return tuple(chosen)


def metric_warnings(bank: Bank, metrics: Metrics) -> list[str]:
    """The bank's warnings about these figures (a high NRR on a base that is leaving) whose
    condition holds, in words; one that cannot be decided says nothing."""
    bands = {u.benchmark.id: u.band for u in choose_bands(bank, metrics)}
    return [
        fill(warning.says, metrics)
        for holds, warning in bank.tables.warnings
        if holds(metrics.current, bands, [])
    ]


def _checked(seen: tuple[tuple[str, str], ...], metrics: Metrics) -> str:
    """A rule that did not hold, in words: what it looked for and what it saw."""
    display = metrics.display
    return (
        "Checked and not found: "
        + ", ".join([f"{label} {display(name)}" for name, label in seen])
        + "."
    )


_new = tuple.__new__  # builds an Evidence from its fields at C speed: the hot loop's many

# A metric not given reads the same in every read: made once.
_NOT_PROVIDED = {
    name: Evidence("metric", name, f"{spec.label} not provided.", 0.0, "unknown")
    for name, spec in ALL.items()
}


def _finish(
    bank: Bank,
    pattern: Pattern,
    rules: tuple[_Rule, ...],
    points: float,
    possible: float,
    evidence: list[Evidence],
    metrics: Metrics,
    bands: Mapping[str, Band],
) -> PatternRead:
    """A pattern's read: its answers' points (summed already), then its metric rules."""
    current = metrics.current
    missing: list[str] = []
    for rule, holds, ref, seen, leaves, needs in rules if current else ():
        if needs.isdisjoint(current):  # none of its metrics known: unknown, each leaf missing
            missing += leaves
            continue
        mark = len(missing)
        held = holds(current, bands, missing)
        if held is None:
            continue
        del missing[mark:]  # a rule decided without them: they are not what it lacked
        points_if_held = rule.points
        if points_if_held > 0:
            possible += points_if_held
        if held:
            points += points_if_held
            item = ("metric", ref, fill(rule.says, metrics), points_if_held, "held")
        else:
            item = ("metric", ref, _checked(seen, metrics), 0.0, "not held")
        evidence.append(_new(Evidence, item))
    if metrics and missing:
        evidence.extend(_NOT_PROVIDED[name] for name in dict.fromkeys(missing))
    if possible:
        floor = bank.evidence_floor
        score = round(min(1.0, max(0.0, points / (possible if possible > floor else floor))), 3)
    else:
        score = 0.0
    level = bank.level_of(score)
    return _new(PatternRead, (pattern, score, level, points, possible, tuple(evidence)))


def score(bank: Bank, given: Response) -> Read:
    """The read of one respondent's answers and metrics against a bank."""
    compiled = bank.tables
    bands = choose_bands(bank, given.metrics)
    by_id = {u.benchmark.id: u.band for u in bands}
    count = len(bank.patterns)
    points = [0.0] * count
    evidence: list[list[Evidence]] = [[] for _ in range(count)]
    answers = given.answers
    answered_bests = [(0.0,) * count]
    for question_id, bests, options in compiled.questions:
        chosen = answers.get(question_id)
        if chosen is None:
            continue
        answered_bests.append(bests)
        for index, item in options[chosen]:
            points[index] += item.points
            evidence[index].append(item)
    # summed left to right, question by question, as the points are
    possible = [sum(column) for column in zip(*answered_bests, strict=True)]
    reads = [
        _finish(
            bank,
            pattern,
            compiled.rules[i],
            points[i],
            possible[i],
            evidence[i],
            given.metrics,
            by_id,
        )
        for i, pattern in enumerate(bank.patterns)
    ]
    order = compiled.order
    ranked = tuple(sorted(reads, key=lambda r: (-r.score, -r.points, order[r.pattern.id])))
    top = ranked[0] if ranked else None
    dominant = top if top and bank.is_dominant(top.score) else None
    unanswered = tuple(q.id for q in bank.questions if q.id not in answers)
    answered = len(unanswered) < len(bank.questions)
    basis = (
        "answers+metrics"
        if answered and given.metrics
        else "metrics"
        if given.metrics
        else "answers"
    )
    return Read(given, basis, ranked, dominant, unanswered, bands)
