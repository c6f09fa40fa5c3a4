"""The question bank at run time: plain immutable values built once from validated data.

These are NamedTuples, not dataclasses: they are frozen and slotted all the same, and they
keep `import dataclasses` (which imports `inspect`, a third of the start-up budget) off the
path of every command. `sources.bankfile` validates the YAML; `Bank.from_data` builds these
from the validated, JSON-shaped data, which is also what the bank cache stores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from quicktest.domain.conditions import Condition, condition_from_data, leaf_metrics

LEVEL_NAMES = ("strong", "moderate", "weak")  # strongest first; "none" is below the last
_RANK = {name: rank for rank, name in enumerate(LEVEL_NAMES)}


class Contradiction(NamedTuple):
    """Figures that say the opposite of an answer, and which side the read then follows."""

    when: Condition
    says: str  # what the figures show; {metric} placeholders
    follow: str  # "figures" or "answers"


class Option(NamedTuple):
    id: str
    label: str
    reading: str  # why this answer counts, shown as evidence
    points: Mapping[str, float]  # pattern id -> weight
    contradicted_by: tuple[Contradiction, ...] = ()
    health: int | None = None  # how healthy a practice, within its question; None: unranked

    def healthier_than(self, other: Option) -> bool:
        """Whether this answer is a healthier practice than `other` (both ranked, and higher):
        two answers ranked alike are different pathologies, never a way out of each other."""
        return self.health is not None and other.health is not None and self.health > other.health


class Question(NamedTuple):
    id: str
    prompt: str
    help: str
    options: tuple[Option, ...]
    option_by_id: Mapping[str, Option]

    def option(self, option_id: str) -> Option | None:
        return self.option_by_id.get(option_id)


class MetricRule(NamedTuple):
    when: Condition
    points: float  # positive confirms, negative weakens
    says: str  # why it counts; {metric} placeholders show values


class Progress(NamedTuple):
    """A way to measure progress on a pattern, and the metrics and questions it tracks."""

    says: str
    tracks: tuple[str, ...] = ()


class Pattern(NamedTuple):
    id: str
    name: str
    definition: str
    why: str
    caps: str  # the one metric this pattern holds down
    signs: tuple[str, ...]
    fix: str
    progress: tuple[Progress, ...]
    watch: str
    metric_rules: tuple[MetricRule, ...]
    measured_by: frozenset[str]  # the metrics that measure what it claims: its rules read no other


class Band(NamedTuple):
    label: str
    when: Condition | None
    value: float
    low: float | None
    high: float | None

    def edge(self, name: str) -> float:
        edge = {"low": self.low, "high": self.high}.get(name)
        return self.value if edge is None else edge


class Benchmark(NamedTuple):
    id: str
    metric: str
    label: str
    source: str
    bands: tuple[Band, ...]
    better: str | None = None  # "up" or "down": the healthier side of its bands; None: neither


class NrrReading(NamedTuple):
    at_least: float | None  # lower edge; None for the lowest reading
    says: str
    id: str  # the code a warning from this range carries
    warning: str | None = None  # shown beside the read whenever NRR falls in this range


class MetricWarning(NamedTuple):
    """A combination of revenue figures worth a warning beside them (a high NRR on a base
    that is leaving), with what to say, {metric} placeholders filled; `without` names
    metrics whose absence it is about (NRR read without GRR): it holds only when none of
    them is known."""

    id: str
    when: Condition
    says: str
    without: tuple[str, ...] = ()


class Level(NamedTuple):
    name: str
    threshold: float


class Confidence(NamedTuple):
    """A step of evidence known (`start` share and up), its words, and the strongest level a
    pattern may be called with it (None: any)."""

    start: float
    name: str
    at_most: str | None


class Bank(NamedTuple):
    """A validated question bank."""

    folder: str
    id: str
    version: str
    title: str
    digest: str  # a hash of the bank files' bytes: which exact bank a session was answered with
    levels: tuple[Level, ...]  # strongest first
    dominant: str  # the level a pattern must reach to be named dominant
    evidence_floor: float
    confidence: tuple[Confidence, ...]  # rising; empty: every level may be called
    questions: tuple[Question, ...]
    patterns: tuple[Pattern, ...]
    benchmarks: tuple[Benchmark, ...]
    nrr_readings: tuple[NrrReading, ...]
    metric_warnings: tuple[MetricWarning, ...]
    healthy: Mapping[str, str]  # metric -> "up" or "down": the direction a healthier company moves
    verdicts: Mapping[str, str]  # above, within, below, better, worse: a figure against its band
    meanings: Mapping[str, str]  # metric -> what the figure means, in a client's words
    question_by_id: Mapping[str, Question]
    pattern_by_id: Mapping[str, Pattern]

    def __repr__(self) -> str:
        return f"Bank({self.id!r}, version {self.version!r}, from {self.folder!r})"

    @classmethod
    def from_data(cls, data: Mapping[str, Any], folder: str, digest: str) -> Bank:
        """Build a bank from validated data (the shape `sources.bankfile` checks and caches)."""
        info, scoring = data["info"], data["info"]["scoring"]
        questions = tuple(
            Question(
                q["id"],
                q["prompt"],
                q["help"],
                options := tuple(
                    Option(
                        o["id"],
                        o["label"],
                        o["reading"],
                        dict(o["points"]),
                        tuple(
                            Contradiction(
                                condition_from_data(c["when"]),
                                c["says"],
                                c.get("follow") or scoring.get("conflicts") or "figures",
                            )
                            for c in o.get("contradicted_by", ())
                        ),
                        o.get("health"),
                    )
                    for o in q["options"]
                ),
                {o.id: o for o in options},
            )
            for q in data["questions"]
        )
        patterns = tuple(
            Pattern(
                p["id"],
                p["name"],
                p["definition"],
                p["why"],
                p["caps"],
                tuple(p["signs"]),
                p["fix"],
                tuple(
                    Progress(m, ())
                    if isinstance(m, str)
                    else Progress(m["says"], tuple(m["tracks"]))
                    for m in p["progress"]
                ),
                p["watch"],
                rules := tuple(
                    MetricRule(condition_from_data(r["when"]), float(r["points"]), r["says"])
                    for r in p["metric_rules"]
                ),
                # a bank without measured_by: every metric its rules read measures it
                frozenset(
                    p["measured_by"]
                    if p.get("measured_by") is not None
                    else (m for r in rules for m in leaf_metrics(r.when))
                ),
            )
            for p in data["patterns"]
        )
        benchmarks = tuple(
            Benchmark(
                b["id"],
                b["metric"],
                b["label"],
                b["source"],
                tuple(
                    Band(
                        band["label"],
                        None if band.get("when") is None else condition_from_data(band["when"]),
                        float(band["value"]),
                        band.get("low"),
                        band.get("high"),
                    )
                    for band in b["bands"]
                ),
                # a bank without `better`: its metric's healthy direction, where it has one
                b.get("better") or (data.get("healthy_direction") or {}).get(b["metric"]),
            )
            for b in data["benchmarks"]
        )
        return cls(
            folder=folder,
            id=info["id"],
            version=info["version"],
            title=info["title"],
            digest=digest,
            levels=tuple(Level(name, float(scoring["levels"][name])) for name in LEVEL_NAMES),
            dominant=scoring["dominant"],
            evidence_floor=float(scoring["evidence_floor"]),
            confidence=tuple(
                Confidence(float(c["from"]), c["name"], c.get("at_most"))
                for c in scoring.get("confidence", ())
            ),
            questions=questions,
            patterns=patterns,
            benchmarks=benchmarks,
            nrr_readings=tuple(
                NrrReading(
                    r.get("at_least"),
                    r["says"],
                    r.get("id") or f"nrr_reading_{n}",
                    r.get("warning"),
                )
                for n, r in enumerate(data["nrr_readings"], 1)
            ),
            metric_warnings=tuple(
                MetricWarning(
                    w.get("id") or f"metric_warning_{n}",
                    condition_from_data(w["when"]),
                    w["says"],
                    tuple(w.get("without", ())),
                )
                for n, w in enumerate(data.get("metric_warnings", ()), 1)
            ),
            healthy=dict(data.get("healthy_direction") or {}),
            verdicts=dict(data["verdicts"]),
            meanings=dict(data.get("metric_meanings") or {}),
            question_by_id={q.id: q for q in questions},
            pattern_by_id={p.id: p for p in patterns},
        )

    def nrr_reading(self, nrr: float) -> str:
        """What an NRR figure means, in words, from the bank's reading table."""
        return self.nrr_range(nrr).says

    def nrr_range(self, nrr: float) -> NrrReading:
        """The range of the bank's NRR reading table a figure falls in."""
        fitting = [r for r in self.nrr_readings if r.at_least is None or nrr >= r.at_least]
        return max(fitting, key=lambda r: r.at_least or float("-inf"))

    def rank(self, level: str) -> int:
        """A level's place, strongest first: 0 for the strongest, len(levels) for "none"."""
        return _RANK.get(level, len(LEVEL_NAMES))

    def level_of(self, score: float) -> str:
        for level in self.levels:
            if score >= level.threshold - 1e-9:
                return level.name
        return "none"

    def confidence_at(self, coverage: float) -> Confidence | None:
        """The confidence step a share of known evidence reaches, if the bank has steps."""
        for step in reversed(self.confidence):
            if coverage >= step.start - 1e-9:
                return step
        return None

    def capped(self, level: str, step: Confidence | None) -> str:
        """A level no stronger than a confidence step allows."""
        if step is None or step.at_most is None or level == "none":
            return level
        return level if self.at_least(step.at_most, level) else step.at_most

    def is_dominant(self, score: float) -> bool:
        """Whether a score reaches the level the bank asks of a dominant pattern."""
        return score >= self.threshold(self.dominant) - 1e-9

    def threshold(self, level: str) -> float:
        return next(lv.threshold for lv in self.levels if lv.name == level)

    def at_least(self, level: str, wanted: str) -> bool:
        """Whether `level` is `wanted` or stronger ("none" is below every level)."""
        rank = _RANK.get(level)
        return rank is not None and rank <= _RANK[wanted]
