"""The question bank: typed models of questions, patterns and benchmarks, loaded from YAML.

A bank is a folder of four files. Each is validated against its model, then cross-checked
(a weight names a known pattern, a rule a known metric); every error carries file:line:col.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from quicktest import metrics as metric_specs
from quicktest.errors import InputError, InputErrors, did_you_mean
from quicktest.yamlfile import Located, load_yaml

FILES = ("bank.yaml", "questions.yaml", "patterns.yaml", "benchmarks.yaml")
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class BankInfo(_Model):
    id: Id
    version: Text
    title: Text
    scoring: Scoring


class Option(_Model):
    id: Id
    label: Text
    reading: Text = Field(description="why this answer counts, in words, for the evidence")
    points: dict[Id, float] = Field(
        default_factory=dict, description="pattern id -> how much this answer points to it"
    )


class Question(_Model):
    id: Id
    prompt: Text
    help: Text
    options: list[Option] = Field(min_length=2, max_length=9)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


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

    def edge(self, name: str) -> float:
        edge = {"low": self.low, "high": self.high}.get(name)
        return self.value if edge is None else edge


class Benchmark(_Model):
    id: Id
    metric: str
    label: Text
    source: Text
    bands: list[Band] = Field(min_length=1)


class NrrReading(_Model):
    at_least: float | None = Field(None, description="lower edge; none for the lowest reading")
    says: Text


class BenchmarksFile(_Model):
    benchmarks: list[Benchmark] = Field(default_factory=list)
    nrr_readings: list[NrrReading] = Field(min_length=1, description="NRR ranges in words")


MODELS: dict[str, type[_Model]] = dict(
    zip(FILES, (BankInfo, QuestionsFile, PatternsFile, BenchmarksFile), strict=True)
)


class Bank(_Model):
    """A validated question bank."""

    folder: str
    info: BankInfo
    questions: list[Question]
    patterns: list[Pattern]
    benchmarks: list[Benchmark]
    nrr_readings: list[NrrReading]

    def nrr_reading(self, nrr: float) -> str:
        """What an NRR figure means, in words, from the bank's reading table."""
        fitting = [r for r in self.nrr_readings if r.at_least is None or nrr >= r.at_least]
        return max(fitting, key=lambda r: r.at_least or float("-inf")).says

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def pattern_by_id(self) -> dict[str, Pattern]:
        return {p.id: p for p in self.patterns}

    @cached_property
    def benchmark_by_id(self) -> dict[str, Benchmark]:
        return {b.id: b for b in self.benchmarks}


# --- loading --------------------------------------------------------------------------------


def load_bank(folder: Path) -> Bank:
    """Load and check a bank folder; raise InputErrors listing every problem found."""
    if not folder.is_dir():
        raise InputErrors([InputError("no such question bank folder", str(folder))])
    errors: list[InputError] = []
    parsed: dict[str, tuple[Located, _Model]] = {}
    for name in FILES:
        try:
            located = load_yaml(folder / name)
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
    bank = Bank(
        folder=str(folder),
        info=info,
        questions=questions.questions,
        patterns=patterns.patterns,
        benchmarks=benchmarks.benchmarks,
        nrr_readings=benchmarks.nrr_readings,
    )
    errors = list(_cross_check(bank, {name: located for name, (located, _) in parsed.items()}))
    if errors:
        raise InputErrors(errors)
    return bank


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
            NrrReading,
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


def _cross_check(bank: Bank, files: dict[str, Located]) -> Iterator[InputError]:
    questions, patterns, benchmarks = (
        files["questions.yaml"],
        files["patterns.yaml"],
        files["benchmarks.yaml"],
    )
    pattern_ids = list(bank.pattern_by_id)
    metric_names = list(metric_specs.ALL)

    def check_metric(where: Located, path: tuple, name: str) -> Iterator[InputError]:
        if name not in metric_specs.ALL:
            yield where.error(
                path,
                f"unknown metric {name!r}",
                did_you_mean(name, metric_names) or "see patterns.md for names",
            )

    def check_leaves(where: Located, condition: Any, path: tuple) -> Iterator[InputError]:
        for leaf, leaf_path in _conditions(condition, path):
            yield from check_metric(where, (*leaf_path, "metric"), leaf.metric)
            bounds = {op: getattr(leaf, op) for op in ("lt", "lte", "gt", "gte")}
            if all(b is None for b in bounds.values()):
                yield where.error(leaf_path, "a comparison needs one of lt, lte, gt, gte")
            for op, bound in bounds.items():
                if isinstance(bound, BenchmarkRef) and bound.benchmark not in bank.benchmark_by_id:
                    yield where.error(
                        (*leaf_path, op, "benchmark"),
                        f"unknown benchmark {bound.benchmark!r}",
                        did_you_mean(bound.benchmark, bank.benchmark_by_id),
                    )

    for index in _duplicates([q.id for q in bank.questions]):
        yield questions.error(("questions", index, "id"), "question id given twice")
    for index in _duplicates([p.id for p in bank.patterns]):
        yield patterns.error(("patterns", index, "id"), "pattern id given twice")
    for index in _duplicates([b.id for b in bank.benchmarks]):
        yield benchmarks.error(("benchmarks", index, "id"), "benchmark id given twice")

    reached: set[str] = set()
    for qi, question in enumerate(bank.questions):
        for oi in _duplicates([o.id for o in question.options]):
            yield questions.error(
                ("questions", qi, "options", oi, "id"),
                f"option id given twice in question {question.id!r}",
            )
        for oi, option in enumerate(question.options):
            for pattern_id, weight in option.points.items():
                if pattern_id not in bank.pattern_by_id:
                    yield questions.error(
                        ("questions", qi, "options", oi, "points", pattern_id),
                        f"unknown pattern {pattern_id!r}",
                        did_you_mean(pattern_id, pattern_ids),
                    )
                elif weight:
                    reached.add(pattern_id)

    for pi, pattern in enumerate(bank.patterns):
        yield from check_metric(patterns, ("patterns", pi, "caps"), pattern.caps)
        for ri, rule in enumerate(pattern.metric_rules):
            path = ("patterns", pi, "metric_rules", ri)
            yield from check_leaves(patterns, rule.when, (*path, "when"))
            for _, name, _, _ in string.Formatter().parse(rule.says):
                if name is not None:
                    yield from check_metric(patterns, (*path, "says"), name)
            reached.add(pattern.id)
        if pattern.id not in reached:
            yield patterns.error(
                ("patterns", pi, "id"),
                f"pattern {pattern.id!r} can never score: no answer or rule points to it",
            )

    for bi, benchmark in enumerate(bank.benchmarks):
        yield from check_metric(benchmarks, ("benchmarks", bi, "metric"), benchmark.metric)
        for ni, band in enumerate(benchmark.bands):
            yield from check_leaves(benchmarks, band.when, ("benchmarks", bi, "bands", ni, "when"))
        if all(band.when is not None for band in benchmark.bands):
            yield benchmarks.error(
                ("benchmarks", bi, "bands"),
                "needs one band without 'when', used when no other applies",
            )
