"""What the bank's models alone cannot see: references between its files (a weight names a
known pattern, a rule a known metric), levels in order, and what would break or mislead a
face at run time. Every problem is reported at its file, line and column."""

from __future__ import annotations

import string
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

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


def cross_check(
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
