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
    from quicktest.domain.bank import (
        Band,
        Bank,
        Benchmark,
        Contradiction,
        MetricRule,
        MetricWarning,
        Option,
        Pattern,
    )


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
            "warnings": list(self.metrics.warnings),
            "coverage": self.coverage.as_json() if self.coverage else None,
            "conflicts": [c.as_json() for c in self.conflicts],
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
    totals: tuple[float, ...]  # per pattern, all the points the bank could give it
    rule_count: int
    # (question, option) -> its contradictions, each with the patterns it concerns
    claims: Mapping[tuple[str, str], tuple[tuple[Predicate, Contradiction, tuple[int, ...]], ...]]


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
    totals = tuple(
        sum(bests[i] for _, bests, _ in questions)
        + sum(r.rule.points for r in rules[i] if r.rule.points > 0)
        for i in range(len(ids))
    )
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
        totals,
        sum(len(r) for r in rules),
        {
            (q.id, o.id): tuple(
                (compile_condition(c.when), c, _concerned(o, c, ids, rules))
                for c in o.contradicted_by
            )
            for q in bank.questions
            for o in q.options
            if o.contradicted_by
        },
    )


def _concerned(
    option: Option, contradiction: Contradiction, ids: list[str], rules: tuple
) -> tuple[int, ...]:
    """The patterns a contradiction bears on: those the answer points to, else those with
    rules on the metrics it looks at."""
    pointed = tuple(i for i, pid in enumerate(ids) if option.points.get(pid))
    if pointed:
        return pointed
    looked_at = set(leaf_metrics(contradiction.when))
    return tuple(i for i, own in enumerate(rules) if any(looked_at & r.needs for r in own))


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
    total: float,
    decided: list[int],
) -> PatternRead:
    """A pattern's read: its answers' points (summed already), then its metric rules;
    `decided` counts the rules that could be decided."""
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
        decided[0] += 1
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
    uncapped = bank.level_of(score)
    coverage = min(1.0, possible / total) if total else 1.0
    step = bank.confidence_at(coverage)
    level = bank.capped(uncapped, step)
    return _new(
        PatternRead,
        (
            pattern,
            score,
            level,
            points,
            possible,
            tuple(evidence),
            coverage,
            step.name if step else None,
            uncapped,
        ),
    )


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
    conflicts: list[Conflict] = []
    for question_id, bests, options in compiled.questions:
        chosen = answers.get(question_id)
        if chosen is None:
            continue
        answered_bests.append(bests)
        claims = compiled.claims.get((question_id, chosen)) if given.metrics else None
        found = _contradicted(bank, question_id, chosen, claims, given.metrics, by_id)
        if found is not None:
            conflict, concerned = found
            conflicts.append(conflict)
            item = Evidence("answer", question_id, conflict.words(), 0.0, "conflict")
            for index in concerned:
                evidence[index].append(item)
            if conflict.followed == "figures":
                continue  # the answer's points give way to the figures
        for index, item in options[chosen]:
            points[index] += item.points
            evidence[index].append(item)
    # summed left to right, question by question, as the points are
    possible = [sum(column) for column in zip(*answered_bests, strict=True)]
    decided = [0]
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
            compiled.totals[i],
            decided,
        )
        for i, pattern in enumerate(bank.patterns)
    ]
    order = compiled.order
    ranked = tuple(sorted(reads, key=lambda r: (-r.score, -r.points, order[r.pattern.id])))
    top = ranked[0] if ranked else None
    dominant = top if top and bank.at_least(top.level, bank.dominant) else None
    unanswered = tuple(q.id for q in bank.questions if q.id not in answers)
    answered = len(unanswered) < len(bank.questions)
    basis = (
        "answers+metrics"
        if answered and given.metrics
        else "metrics"
        if given.metrics
        else "answers"
    )
    # the read is as sure as its verdict: the dominant pattern's share, else all patterns'
    total = sum(compiled.totals)
    share = (
        dominant.coverage if dominant else sum(r.possible for r in reads) / total if total else 1.0
    )
    step = bank.confidence_at(share)
    coverage = Coverage(
        len(bank.questions) - len(unanswered),
        len(bank.questions),
        decided[0],
        compiled.rule_count,
        min(1.0, share),
        step.name if step else None,
    )
    return Read(given, basis, ranked, dominant, unanswered, bands, coverage, tuple(conflicts))


def _contradicted(
    bank: Bank,
    question_id: str,
    option_id: str,
    claims: tuple | None,
    metrics: Metrics,
    bands: Mapping[str, Band],
) -> tuple[Conflict, tuple[int, ...]] | None:
    """The first contradiction of an answer that the figures hold, if any."""
    for holds, contradiction, concerned in claims or ():
        if holds(metrics.current, bands, []):
            option = bank.question_by_id[question_id].option_by_id[option_id]
            conflict = Conflict(
                question_id,
                option_id,
                option.label,
                fill(contradiction.says, metrics),
                contradiction.follow,
            )
            return conflict, concerned
    return None
