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
    Pattern,
    PatternsFile,
    ProgressMeasure,
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
    yield from _client_words(bank)


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
    refs = [*metric_specs.ALL, *(q.id for q in bank.questions.questions)]
    for pi, pattern in enumerate(patterns):
        yield from _metric(where, ("patterns", pi, "caps"), pattern.caps)
        for mi, name in enumerate(pattern.measured_by or ()):
            yield from _metric(where, ("patterns", pi, "measured_by", mi), name)
        for ri, rule in enumerate(pattern.metric_rules):
            path = ("patterns", pi, "metric_rules", ri)
            yield from _condition(bank, where, rule.when, (*path, "when"))
            yield from _text(where, (*path, "says"), rule.says)
            yield from _relevant(where, pattern, rule.when, (*path, "when"))
        yield from _neutral_band(where, pi, pattern)
        for mi, measure in enumerate(pattern.progress):
            for ti, ref in enumerate(
                measure.tracks if isinstance(measure, ProgressMeasure) else ()
            ):
                if ref not in refs:
                    yield where.error(
                        ("patterns", pi, "progress", mi, "tracks", ti),
                        f"unknown metric or question {ref!r}",
                        did_you_mean(ref, refs),
                    )
        if pattern.id not in weighted and not pattern.metric_rules:
            yield where.error(
                ("patterns", pi, "id"),
                f"pattern {pattern.id!r} can never score: no answer or rule points to it",
            )


def _relevant(where: Located, pattern: Pattern, condition: Any, path: Path) -> Iterator[InputError]:
    """A rule reads only metrics that measure what its pattern claims (its measured_by)."""
    measured = pattern.measured_by
    for leaf, leaf_path in _conditions(condition, path) if measured is not None else ():
        if leaf.metric in metric_specs.ALL and leaf.metric not in measured:
            yield where.error(
                (*leaf_path, "metric"),
                f"{leaf.metric!r} is not among the metrics that measure {pattern.id!r}: a rule "
                "counts for or against a pattern only on a metric that measures what it claims",
                f"add {leaf.metric} to its measured_by, or drop the rule",
            )


def _interval(leaf: Compare) -> tuple[float, bool, float, bool] | None:
    """Where a comparison with fixed bounds holds: (low, low included, high, high included);
    None for one with a benchmark bound, which moves with the band."""
    low, low_in, high, high_in = float("-inf"), False, float("inf"), False
    for op in ("lt", "lte", "gt", "gte"):
        bound = getattr(leaf, op)
        if isinstance(bound, BenchmarkRef):
            return None
        if bound is None:
            continue
        if op in ("gt", "gte") and bound >= low:
            low, low_in = bound, op == "gte"
        if op in ("lt", "lte") and bound <= high:
            high, high_in = bound, op == "lte"
    return low, low_in, high, high_in


def _neutral_band(where: Located, pi: int, pattern: Pattern) -> Iterator[InputError]:
    """No value of a metric counts both for and against a pattern: of two rules on one metric
    (one comparison each, fixed bounds), one for it and one against it, no value holds both."""
    single = [
        (ri, rule.when.metric, span, rule.points)
        for ri, rule in enumerate(pattern.metric_rules)
        if isinstance(rule.when, Compare) and (span := _interval(rule.when)) is not None
    ]
    for ri, metric, span, points in single:
        for other, other_metric, other_span, other_points in single:
            if points < 0 < other_points and metric == other_metric and _overlap(span, other_span):
                yield where.error(
                    ("patterns", pi, "metric_rules", ri, "when"),
                    f"this rule against {pattern.id!r} and rule {other + 1} for it both hold "
                    f"for some values of {metric}: no value may count both ways",
                    "leave a neutral band between them",
                )


def _overlap(a: tuple[float, bool, float, bool], b: tuple[float, bool, float, bool]) -> bool:
    """Whether two spans share a value."""
    low, high = max(a[0], b[0]), min(a[2], b[2])
    low_in = all(s[1] or s[0] < low for s in (a, b))
    high_in = all(s[3] or s[2] > high for s in (a, b))
    return low < high or (low == high and low_in and high_in)


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
    for ri, reading in enumerate(readings):
        if reading.warning is not None:
            yield from _text(where, ("nrr_readings", ri, "warning"), reading.warning)
    for wi, warning in enumerate(bank.benchmarks.metric_warnings):
        path = ("metric_warnings", wi)
        yield from _condition(bank, where, warning.when, (*path, "when"))
        yield from _text(where, (*path, "says"), warning.says)
        for mi, name in enumerate(warning.without):
            yield from _metric(where, (*path, "without", mi), name)
    codes = [
        *((("nrr_readings", i, "id"), r.id) for i, r in enumerate(readings)),
        *(
            (("metric_warnings", i, "id"), w.id)
            for i, w in enumerate(bank.benchmarks.metric_warnings)
        ),
    ]
    named = [(path, code) for path, code in codes if code is not None]
    for index in _duplicates([code for _, code in named]):
        yield where.error(named[index][0], f"reading id {named[index][1]!r} given twice")
    for name in bank.benchmarks.healthy_direction:
        if name in metric_specs.DERIVED:
            yield where.error(
                ("healthy_direction", name),
                f"{name!r} is derived: give the direction of the metric it comes from",
            )
        elif name not in metric_specs.INPUTS:
            yield where.error(
                ("healthy_direction", name),
                f"unknown metric {name!r}",
                did_you_mean(name, list(metric_specs.INPUTS)),
            )


VERDICT_PLACES = {
    "above": ("band", "range"),
    "within": ("band", "range"),
    "below": ("band", "range"),
}


def _client_words(bank: _Bank) -> Iterator[InputError]:
    """The verdicts' placeholders (only {band} and {range}, and none in `better` and `worse`)
    and the metric meanings' names."""
    where = bank.at("benchmarks.yaml")
    for key, text in bank.benchmarks.verdicts.model_dump().items():
        allowed = VERDICT_PLACES.get(key, ())
        for name, problem in _placeholders(text):
            if problem or name not in allowed:
                takes = " and ".join(f"{{{n}}}" for n in allowed) or "no placeholder"
                yield where.error(
                    ("verdicts", key),
                    problem or f"unknown placeholder {{{name}}}: {key} takes {takes}",
                )
    for name in bank.benchmarks.metric_meanings:
        yield from _metric(where, ("metric_meanings", name), name)
