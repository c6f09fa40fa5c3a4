"""What the bank's models alone cannot see: references between its files (a weight names a
known pattern, a rule a known metric), levels in order, and what would break or mislead a
face at run time. Every problem is reported at its file, line and column."""

from __future__ import annotations

import string
from collections.abc import Hashable, Iterator, Sequence
from itertools import pairwise
from typing import Any, NamedTuple

from quicktest.domain import metrics as metric_specs
from quicktest.domain.bank import LEVEL_NAMES
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.sources.bankmodels import (
    AllOf,
    AnyOf,
    BankInfo,
    BenchmarkRef,
    BenchmarksFile,
    Compare,
    PatternsFile,
    QuestionsFile,
)
from quicktest.sources.yamlfile import Located

Path = tuple[str | int, ...]


def _duplicates(ids: Sequence[Hashable]) -> Iterator[int]:
    """The index of every item seen before."""
    seen: set[Hashable] = set()
    for index, item in enumerate(ids):
        if item in seen:
            yield index
        seen.add(item)


def _conditions(condition: Any, path: Path) -> Iterator[tuple[Compare, Path]]:
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


class _Bank(NamedTuple):
    """The four files as validated, and where each stands for reporting a fault."""

    info: BankInfo
    questions: QuestionsFile
    patterns: PatternsFile
    benchmarks: BenchmarksFile
    files: dict[str, Located]

    def at(self, name: str) -> Located:
        return self.files[name]


def cross_check(
    info: BankInfo,
    questions: QuestionsFile,
    patterns: PatternsFile,
    benchmarks: BenchmarksFile,
    files: dict[str, Located],
) -> Iterator[InputError]:
    """What the models alone cannot see: references between files, and what would break or
    mislead a face at run time."""
    bank = _Bank(info, questions, patterns, benchmarks, files)
    yield from _scoring(bank)
    yield from _questions(bank)
    yield from _patterns(bank)
    yield from _benchmarks(bank)
    yield from _readings(bank)


def _scoring(bank: _Bank) -> Iterator[InputError]:
    """Levels falling from strong to weak, confidence steps rising from 0."""
    where = bank.at("bank.yaml")
    levels = [getattr(bank.info.scoring.levels, name) for name in LEVEL_NAMES]
    if any(high <= low for high, low in pairwise(levels)):
        yield where.error(
            ("scoring", "levels"),
            f"levels must fall strictly from {LEVEL_NAMES[0]} to {LEVEL_NAMES[-1]}, got "
            + ", ".join(f"{n} {v:g}" for n, v in zip(LEVEL_NAMES, levels, strict=True)),
        )
    steps = bank.info.scoring.confidence
    if steps and steps[0].from_ != 0:
        yield where.error(
            ("scoring", "confidence", 0, "from"), "the first confidence step must start from 0"
        )
    for index, (low, high) in enumerate(pairwise(steps), start=1):
        if high.from_ <= low.from_:
            yield where.error(
                ("scoring", "confidence", index, "from"),
                f"confidence steps must rise: {high.from_:g} after {low.from_:g}",
            )


def _metric(where: Located, path: Path, name: str) -> Iterator[InputError]:
    if name not in metric_specs.ALL:
        yield where.error(
            path,
            f"unknown metric {name!r}",
            did_you_mean(name, list(metric_specs.ALL)) or "see patterns.md for names",
        )


def _text(where: Located, path: Path, text: str) -> Iterator[InputError]:
    """A text's {placeholders}: each a known metric's name."""
    for name, problem in _placeholders(text):
        if problem:
            yield where.error(path, problem)
        else:
            yield from _metric(where, path, name)


def _condition(bank: _Bank, where: Located, condition: Any, path: Path) -> Iterator[InputError]:
    """A condition's leaves: known metrics, a bound each, known benchmarks."""
    benchmark_ids = {b.id for b in bank.benchmarks.benchmarks}
    for leaf, leaf_path in _conditions(condition, path):
        yield from _metric(where, (*leaf_path, "metric"), leaf.metric)
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


def _questions(bank: _Bank) -> Iterator[InputError]:
    """Ids and labels told apart; weights on known patterns; contradictions well formed."""
    where = bank.at("questions.yaml")
    pattern_ids = [p.id for p in bank.patterns.patterns]
    questions = bank.questions.questions
    for index in _duplicates([q.id for q in questions]):
        yield where.error(("questions", index, "id"), "question id given twice")
    for qi, question in enumerate(questions):
        for oi in _duplicates([o.id for o in question.options]):
            yield where.error(
                ("questions", qi, "options", oi, "id"),
                f"option id given twice in question {question.id!r}",
            )
        for oi in _duplicates([o.label.strip().casefold() for o in question.options]):
            yield where.error(
                ("questions", qi, "options", oi, "label"),
                f"two options of question {question.id!r} have the same label; a response "
                "file that gives the label could not say which",
            )
        for oi, option in enumerate(question.options):
            for ci, contradiction in enumerate(option.contradicted_by):
                path = ("questions", qi, "options", oi, "contradicted_by", ci)
                yield from _condition(bank, where, contradiction.when, (*path, "when"))
                yield from _text(where, (*path, "says"), contradiction.says)
            for pattern_id in option.points:
                if pattern_id not in pattern_ids:
                    yield where.error(
                        ("questions", qi, "options", oi, "points", pattern_id),
                        f"unknown pattern {pattern_id!r}",
                        did_you_mean(pattern_id, pattern_ids),
                    )


def _patterns(bank: _Bank) -> Iterator[InputError]:
    """Ids told apart; a known metric capped; rules well formed; every pattern reachable."""
    where = bank.at("patterns.yaml")
    patterns = bank.patterns.patterns
    for index in _duplicates([p.id for p in patterns]):
        yield where.error(("patterns", index, "id"), "pattern id given twice")
    weighted = {
        pattern_id
        for question in bank.questions.questions
        for option in question.options
        for pattern_id, weight in option.points.items()
        if weight
    }
    for pi, pattern in enumerate(patterns):
        yield from _metric(where, ("patterns", pi, "caps"), pattern.caps)
        for ri, rule in enumerate(pattern.metric_rules):
            path = ("patterns", pi, "metric_rules", ri)
            yield from _condition(bank, where, rule.when, (*path, "when"))
            yield from _text(where, (*path, "says"), rule.says)
        if pattern.id not in weighted and not pattern.metric_rules:
            yield where.error(
                ("patterns", pi, "id"),
                f"pattern {pattern.id!r} can never score: no answer or rule points to it",
            )


def _benchmarks(bank: _Bank) -> Iterator[InputError]:
    """One benchmark a metric, its bands well formed, a fallback band last."""
    where = bank.at("benchmarks.yaml")
    benchmarks = bank.benchmarks.benchmarks
    for index in _duplicates([b.id for b in benchmarks]):
        yield where.error(("benchmarks", index, "id"), "benchmark id given twice")
    for bi, benchmark in enumerate(benchmarks):
        yield from _metric(where, ("benchmarks", bi, "metric"), benchmark.metric)
        for ni, band in enumerate(benchmark.bands):
            path = ("benchmarks", bi, "bands", ni)
            yield from _condition(bank, where, band.when, (*path, "when"))
            if band.low is not None and band.high is not None and band.low > band.high:
                yield where.error(path, f"low {band.low:g} is above high {band.high:g}")
        fallbacks = [ni for ni, band in enumerate(benchmark.bands) if band.when is None]
        if not fallbacks:
            yield where.error(
                ("benchmarks", bi, "bands"),
                "needs one band without 'when', used when no other applies",
            )
        elif fallbacks[0] != len(benchmark.bands) - 1:
            yield where.error(
                ("benchmarks", bi, "bands", fallbacks[0]),
                "the band without 'when' must come last: the bands after it could never be chosen",
            )
    for index in _duplicates([b.metric for b in benchmarks]):
        yield where.error(
            ("benchmarks", index, "metric"),
            "a second benchmark for the same metric; a read compares a metric with one",
        )


def _readings(bank: _Bank) -> Iterator[InputError]:
    """NRR readings covering every figure, and warnings on the figures well formed."""
    where = bank.at("benchmarks.yaml")
    readings = bank.benchmarks.nrr_readings
    lowest = [ri for ri, r in enumerate(readings) if r.at_least is None]
    if len(lowest) != 1:
        yield where.error(
            ("nrr_readings",),
            "needs exactly one reading without 'at_least' (the lowest), so that every NRR "
            f"has a reading; found {len(lowest)}",
        )
    edges = [r.at_least for r in readings]
    for ri in _duplicates(edges):
        if edges[ri] is not None:
            yield where.error(
                ("nrr_readings", ri, "at_least"), "two readings start at the same value"
            )
    for wi, warning in enumerate(bank.benchmarks.metric_warnings):
        path = ("metric_warnings", wi)
        yield from _condition(bank, where, warning.when, (*path, "when"))
        yield from _text(where, (*path, "says"), warning.says)
