"""Validation of a question bank folder: pydantic models of its four YAML files.

Each file is validated against its model, then cross-checked (a weight names a known
pattern, a rule a known metric, levels are ordered); every error carries file:line:col.
The result is plain JSON-shaped data, which `bankcache` keeps and `domain.bank.Bank` is
built from: pydantic is imported only when a bank is not in the cache.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from quicktest.domain import metrics as metric_specs
from quicktest.domain.bank import LEVEL_NAMES
from quicktest.domain.errors import InputError, InputErrors, did_you_mean
from quicktest.sources.bank import FILES
from quicktest.sources.yamlfile import Located, parse_yaml

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --- conditions over metrics: a small all/any tree with comparison leaves -------------------


class BenchmarkRef(_Model):
    """A benchmark figure from the band chosen for this read, instead of a fixed number."""

    benchmark: Id
    edge: Literal["value", "low", "high"] = "value"


Bound = float | BenchmarkRef


class Compare(_Model):
    metric: str
    lt: Bound | None = None
    lte: Bound | None = None
    gt: Bound | None = None
    gte: Bound | None = None


class AllOf(_Model):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Model):
    any: list[Condition] = Field(min_length=1)


def _condition_kind(raw: Any) -> str | None:
    if isinstance(raw, dict):
        return "all-of" if "all" in raw else "any-of" if "any" in raw else "compare"
    if isinstance(raw, BaseModel):
        return {AllOf: "all-of", AnyOf: "any-of", Compare: "compare"}.get(type(raw))
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all-of")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[Compare, Tag("compare")],
    Discriminator(_condition_kind),
]
_TAGS = {"all-of", "any-of", "compare"}
AllOf.model_rebuild()
AnyOf.model_rebuild()


# --- the four files -------------------------------------------------------------------------


class Levels(_Model):
    strong: float = Field(gt=0, le=1)
    moderate: float = Field(gt=0, le=1)
    weak: float = Field(gt=0, le=1)


class Confidence(_Model):
    """How sure a pattern's read can be, by the share of its evidence that is known."""

    from_: float = Field(alias="from", ge=0, le=1, description="share of evidence known")
    name: Text = Field(description="the words for it: 'a first signal'")
    at_most: Literal["strong", "moderate", "weak"] | None = Field(
        default=None, description="the strongest level a pattern may be called with this much"
    )
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Scoring(_Model):
    levels: Levels
    dominant: Literal["strong", "moderate", "weak"] = Field(
        description="the level a pattern must reach to be named dominant"
    )
    evidence_floor: float = Field(
        gt=0,
        description="possible points below which a score is scaled down: "
        "one small signal alone never reads as strong",
    )
    confidence: list[Confidence] = Field(
        default_factory=list,
        description="steps of evidence known, from 0 up; each may cap the level",
    )
    conflicts: Literal["figures", "answers"] = Field(
        default="figures",
        description="which side an answer contradicted by a metric follows, unless the "
        "contradiction says",
    )


class BankInfo(_Model):
    id: Id
    version: Text
    title: Text
    scoring: Scoring


class Contradiction(_Model):
    """Figures that say the opposite of an answer."""

    when: Condition
    says: Text = Field(description="what the figures show, in words; {metric} placeholders")
    follow: Literal["figures", "answers"] | None = None


class Option(_Model):
    id: Id
    label: Text
    reading: Text = Field(description="why this answer counts, in words, for the evidence")
    points: dict[Id, float] = Field(
        default_factory=dict, description="pattern id -> how much this answer points to it"
    )
    contradicted_by: list[Contradiction] = Field(
        default_factory=list, description="figures that would say this answer is not so"
    )


class Question(_Model):
    id: Id
    prompt: Text
    help: Text
    options: list[Option] = Field(min_length=2, max_length=9)


class QuestionsFile(_Model):
    questions: list[Question] = Field(min_length=1)


class MetricRule(_Model):
    when: Condition
    points: float = Field(ge=-10, le=10, description="positive confirms, negative weakens")
    says: Text = Field(description="why it counts; {metric} placeholders show values")


class Pattern(_Model):
    id: Id
    name: Text
    definition: Text
    why: Text
    caps: str = Field(description="the one metric this pattern holds down")
    signs: list[Text] = Field(min_length=3, max_length=5)
    fix: Text = Field(description="what changes when it is fixed")
    progress: list[Text] = Field(min_length=3, max_length=5)
    watch: Text = Field(description="what to keep an eye on when the pattern is not present")
    metric_rules: list[MetricRule] = Field(default_factory=list)


class PatternsFile(_Model):
    patterns: list[Pattern] = Field(min_length=1)


class Band(_Model):
    label: Text
    when: Condition | None = None
    value: float
    low: float | None = None
    high: float | None = None


class Benchmark(_Model):
    id: Id
    metric: str
    label: Text
    source: Text
    bands: list[Band] = Field(min_length=1)


class NrrReading(_Model):
    at_least: float | None = Field(None, description="lower edge; none for the lowest reading")
    says: Text


class MetricWarning(_Model):
    when: Condition
    says: Text = Field(description="the warning; {metric} placeholders show values")


class BenchmarksFile(_Model):
    benchmarks: list[Benchmark] = Field(default_factory=list)
    nrr_readings: list[NrrReading] = Field(min_length=1, description="NRR ranges in words")
    metric_warnings: list[MetricWarning] = Field(
        default_factory=list,
        description="revenue figures worth a warning beside them, such as a high NRR on a "
        "base that is leaving",
    )


MODELS: dict[str, type[_Model]] = dict(
    zip(FILES, (BankInfo, QuestionsFile, PatternsFile, BenchmarksFile), strict=True)
)


def validate_bank(texts: dict[str, str], folder: Path) -> dict[str, Any]:
    """Check a bank's four files (name -> text) and return its data; raise InputErrors
    listing every problem found."""
    errors: list[InputError] = []
    parsed: dict[str, tuple[Located, Any]] = {}
    for name in FILES:
        try:
            located = parse_yaml(texts[name], str(folder / name))
        except InputError as exc:
            errors.append(exc)
            continue
        try:
            parsed[name] = (located, MODELS[name].model_validate(located.data, strict=False))
        except ValidationError as exc:
            errors.extend(_explain(located, exc))
    if errors:
        raise InputErrors(errors)
    info, questions, patterns, benchmarks = (parsed[name][1] for name in FILES)
    data = {
        "info": info.model_dump(mode="json", by_alias=True),
        "questions": [q.model_dump(mode="json") for q in questions.questions],
        "patterns": [p.model_dump(mode="json") for p in patterns.patterns],
        "benchmarks": [b.model_dump(mode="json") for b in benchmarks.benchmarks],
        "nrr_readings": [r.model_dump(mode="json") for r in benchmarks.nrr_readings],
        "metric_warnings": [w.model_dump(mode="json") for w in benchmarks.metric_warnings],
    }
    located_files = {name: located for name, (located, _) in parsed.items()}
    errors = list(_cross_check(info, questions, patterns, benchmarks, located_files))
    if errors:
        raise InputErrors(errors)
    return data


_KNOWN_KEYS = sorted(
    {
        key
        for model in (
            *MODELS.values(),
            Question,
            Option,
            Pattern,
            MetricRule,
            Benchmark,
            Band,
            Compare,
            AllOf,
            AnyOf,
            BenchmarkRef,
            Levels,
            Scoring,
            Confidence,
            Contradiction,
            NrrReading,
            MetricWarning,
        )
        for key in model.model_fields
    }
)


def _explain(located: Located, exc: ValidationError) -> Iterator[InputError]:
    """Pydantic's errors as InputErrors at their YAML place, in plain words."""
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if part not in _TAGS)
        kind, value = error["type"], error.get("input")
        if kind == "extra_forbidden":
            yield located.error(
                path, f"unknown key {path[-1]!r}", did_you_mean(path[-1], _KNOWN_KEYS)
            )
        elif kind == "missing":
            yield located.error(path[:-1], f"missing key {path[-1]!r}")
        elif kind == "too_short" and isinstance(value, list) and not value:
            yield located.error(path, "is empty, expected at least one item")
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            yield located.error(path, "expected a condition: all, any, or a metric comparison")
        else:
            message = error["msg"][0].lower() + error["msg"][1:]
            yield located.error(path, f"{message}, got {value!r}")


def _duplicates(ids: list[str]) -> Iterator[int]:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield index
        seen.add(item)


def _conditions(condition: Any, path: tuple) -> Iterator[tuple[Compare, tuple]]:
    """Every comparison leaf of a condition tree, with its path."""
    if isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        for index, child in enumerate(getattr(condition, key)):
            yield from _conditions(child, (*path, key, index))
    elif condition is not None:
        yield condition, path


def _placeholders(text: str) -> Iterator[tuple[str, str]]:
    """Each {placeholder} of a text as (name, what is wrong with it or "")."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        yield "", f"a placeholder does not parse ({exc}); write {{{{ and }}}} for braces"
        return
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion:
            yield name, "a placeholder takes a metric name only, no format or conversion"
        else:
            yield name, ""


def _cross_check(
    info: BankInfo,
    questions_file: QuestionsFile,
    patterns_file: PatternsFile,
    benchmarks_file: BenchmarksFile,
    files: dict[str, Located],
) -> Iterator[InputError]:
    """What the models alone cannot see: references between files, and what would break or
    mislead a face at run time."""
    questions, patterns, benchmarks = (
        files["questions.yaml"],
        files["patterns.yaml"],
        files["benchmarks.yaml"],
    )
    all_questions = questions_file.questions
    all_patterns = patterns_file.patterns
    all_benchmarks = benchmarks_file.benchmarks
    pattern_ids = [p.id for p in all_patterns]
    benchmark_ids = {b.id for b in all_benchmarks}
    metric_names = list(metric_specs.ALL)

    levels = [getattr(info.scoring.levels, name) for name in LEVEL_NAMES]
    if any(high <= low for high, low in pairwise(levels)):
        yield files["bank.yaml"].error(
            ("scoring", "levels"),
            f"levels must fall strictly from {LEVEL_NAMES[0]} to {LEVEL_NAMES[-1]}, got "
            + ", ".join(f"{n} {v:g}" for n, v in zip(LEVEL_NAMES, levels, strict=True)),
        )

    steps = info.scoring.confidence
    if steps and steps[0].from_ != 0:
        yield files["bank.yaml"].error(
            ("scoring", "confidence", 0, "from"), "the first confidence step must start from 0"
        )
    for index, (low, high) in enumerate(pairwise(steps), start=1):
        if high.from_ <= low.from_:
            yield files["bank.yaml"].error(
                ("scoring", "confidence", index, "from"),
                f"confidence steps must rise: {high.from_:g} after {low.from_:g}",
            )

    def check_metric(where: Located, path: tuple, name: str) -> Iterator[InputError]:
        if name not in metric_specs.ALL:
            yield where.error(
                path,
                f"unknown metric {name!r}",
                did_you_mean(name, metric_names) or "see patterns.md for names",
            )

    def check_text(where: Located, path: tuple, text: str) -> Iterator[InputError]:
        for name, problem in _placeholders(text):
            if problem:
                yield where.error(path, problem)
            else:
                yield from check_metric(where, path, name)

    def check_leaves(where: Located, condition: Any, path: tuple) -> Iterator[InputError]:
        for leaf, leaf_path in _conditions(condition, path):
            yield from check_metric(where, (*leaf_path, "metric"), leaf.metric)
            bounds = {op: getattr(leaf, op) for op in ("lt", "lte", "gt", "gte")}
            if all(b is None for b in bounds.values()):
                yield where.error(leaf_path, "a comparison needs one of lt, lte, gt, gte")
            for op, bound in bounds.items():
                if isinstance(bound, BenchmarkRef) and bound.benchmark not in benchmark_ids:
                    yield where.error(
                        (*leaf_path, op, "benchmark"),
                        f"unknown benchmark {bound.benchmark!r}",
                        did_you_mean(bound.benchmark, benchmark_ids),
                    )

    for index in _duplicates([q.id for q in all_questions]):
        yield questions.error(("questions", index, "id"), "question id given twice")
    for index in _duplicates(pattern_ids):
        yield patterns.error(("patterns", index, "id"), "pattern id given twice")
    for index in _duplicates([b.id for b in all_benchmarks]):
        yield benchmarks.error(("benchmarks", index, "id"), "benchmark id given twice")

    reached: set[str] = set()
    for qi, question in enumerate(all_questions):
        for oi in _duplicates([o.id for o in question.options]):
            yield questions.error(
                ("questions", qi, "options", oi, "id"),
                f"option id given twice in question {question.id!r}",
            )
        for oi in _duplicates([o.label.strip().casefold() for o in question.options]):
            yield questions.error(
                ("questions", qi, "options", oi, "label"),
                f"two options of question {question.id!r} have the same label; a response "
                "file that gives the label could not say which",
            )
        for oi, option in enumerate(question.options):
            for ci, contradiction in enumerate(option.contradicted_by):
                path = ("questions", qi, "options", oi, "contradicted_by", ci)
                yield from check_leaves(questions, contradiction.when, (*path, "when"))
                yield from check_text(questions, (*path, "says"), contradiction.says)
            for pattern_id, weight in option.points.items():
                if pattern_id not in pattern_ids:
                    yield questions.error(
                        ("questions", qi, "options", oi, "points", pattern_id),
                        f"unknown pattern {pattern_id!r}",
                        did_you_mean(pattern_id, pattern_ids),
                    )
                elif weight:
                    reached.add(pattern_id)

    for pi, pattern in enumerate(all_patterns):
        yield from check_metric(patterns, ("patterns", pi, "caps"), pattern.caps)
        for ri, rule in enumerate(pattern.metric_rules):
            path = ("patterns", pi, "metric_rules", ri)
            yield from check_leaves(patterns, rule.when, (*path, "when"))
            yield from check_text(patterns, (*path, "says"), rule.says)
            reached.add(pattern.id)
        if pattern.id not in reached:
            yield patterns.error(
                ("patterns", pi, "id"),
                f"pattern {pattern.id!r} can never score: no answer or rule points to it",
            )

    for bi, benchmark in enumerate(all_benchmarks):
        yield from check_metric(benchmarks, ("benchmarks", bi, "metric"), benchmark.metric)
        for ni, band in enumerate(benchmark.bands):
            path = ("benchmarks", bi, "bands", ni)
            yield from check_leaves(benchmarks, band.when, (*path, "when"))
            if band.low is not None and band.high is not None and band.low > band.high:
                yield benchmarks.error(path, f"low {band.low:g} is above high {band.high:g}")
        fallbacks = [ni for ni, band in enumerate(benchmark.bands) if band.when is None]
        if not fallbacks:
            yield benchmarks.error(
                ("benchmarks", bi, "bands"),
                "needs one band without 'when', used when no other applies",
            )
        elif fallbacks[0] != len(benchmark.bands) - 1:
            yield benchmarks.error(
                ("benchmarks", bi, "bands", fallbacks[0]),
                "the band without 'when' must come last: the bands after it could never be chosen",
            )
    for index in _duplicates([b.metric for b in all_benchmarks]):
        yield benchmarks.error(
            ("benchmarks", index, "metric"),
            "a second benchmark for the same metric; a read compares a metric with one",
        )

    readings = benchmarks_file.nrr_readings
    lowest = [ri for ri, r in enumerate(readings) if r.at_least is None]
    if len(lowest) != 1:
        yield benchmarks.error(
            ("nrr_readings",),
            "needs exactly one reading without 'at_least' (the lowest), so that every NRR "
            f"has a reading; found {len(lowest)}",
        )
    edges = [r.at_least for r in readings]
    for ri in _duplicates(edges):
        if edges[ri] is not None:
            yield benchmarks.error(
                ("nrr_readings", ri, "at_least"), "two readings start at the same value"
            )
    for wi, warning in enumerate(benchmarks_file.metric_warnings):
        path = ("metric_warnings", wi)
        yield from check_leaves(benchmarks, warning.when, (*path, "when"))
        yield from check_text(benchmarks, (*path, "says"), warning.says)
