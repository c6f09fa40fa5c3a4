"""The bank compiled for scoring, once per bank: per question, the best points each pattern
can get and the evidence each option gives; each rule a prepared predicate; the benchmark
bands and contradictions likewise. The bank stays plain data; this module owns what is
derived from it for speed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from quicktest.domain.bank import (
    Band,
    Bank,
    Benchmark,
    Contradiction,
    MetricRule,
    MetricWarning,
    Option,
)
from quicktest.domain.conditions import compile_condition, leaf_metrics
from quicktest.domain.evidence import Words, neutral_words, set_aside_words
from quicktest.domain.metrics import Metrics
from quicktest.domain.read import BandUsed, Evidence

if TYPE_CHECKING:
    from quicktest.domain.conditions import Predicate


class Rule(NamedTuple):
    """A metric rule made ready: its predicate, the metrics it reads, and its words when it
    gives no points (checked and neutral, or set aside)."""

    rule: MetricRule
    holds: Predicate
    ref: str  # the metric the evidence names: the first leaf's
    neutral: Words
    set_aside: Callable[[Metrics], str]
    leaves: tuple[str, ...]  # every leaf's metric, in order: what it lacks when none is known
    needs: frozenset[str]


class Claim(NamedTuple):
    """A contradiction of one answer made ready: when the figures hold it, the patterns it
    bears on, and the metrics it reads (set aside when the read follows the answer)."""

    holds: Predicate
    contradiction: Contradiction
    concerned: tuple[int, ...]
    reads: frozenset[str]


class Tables(NamedTuple):
    """A bank prepared for scoring: built once, when the bank is loaded.

    Answers are read in one pass for all patterns: per question, the best points each pattern
    could get from it, and per option the (pattern index, evidence) pairs it gives.
    """

    questions: tuple[
        tuple[str, tuple[float, ...], dict[str, tuple[tuple[int, Evidence], ...]]], ...
    ]
    rules: tuple[tuple[Rule, ...], ...]  # per pattern, in bank order
    bands: tuple[tuple[Benchmark, tuple[tuple[Predicate, Band], ...], Band], ...]
    order: Mapping[str, int]
    warnings: tuple[tuple[Predicate, MetricWarning], ...]
    band_metrics: frozenset[str]  # what any band's condition looks at (acv, arr)
    fallback_bands: tuple[BandUsed, ...]  # the bands chosen when none of those is known
    rule_count: int
    claims: Mapping[tuple[str, str], tuple[Claim, ...]]  # (question, option) -> contradictions


def compile_bank(bank: Bank) -> Tables:
    """The bank prepared for scoring."""
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
        sum(len(r) for r in rules),
        {
            (q.id, o.id): tuple(
                Claim(
                    compile_condition(c.when),
                    c,
                    _concerned(o, c, ids, rules),
                    frozenset(leaf_metrics(c.when)),
                )
                for c in o.contradicted_by
            )
            for q in bank.questions
            for o in q.options
            if o.contradicted_by
        },
    )


def _concerned(
    option: Option,
    contradiction: Contradiction,
    ids: list[str],
    rules: tuple[tuple[Rule, ...], ...],
) -> tuple[int, ...]:
    """The patterns a contradiction bears on: those the answer points to, else those with
    rules on the metrics it looks at."""
    pointed = tuple(i for i, pid in enumerate(ids) if option.points.get(pid))
    if pointed:
        return pointed
    looked_at = set(leaf_metrics(contradiction.when))
    return tuple(i for i, own in enumerate(rules) if any(looked_at & r.needs for r in own))


def _compile_rule(rule: MetricRule) -> Rule:
    leaves = tuple(leaf_metrics(rule.when))
    seen = tuple(dict.fromkeys(leaves))  # each metric once, in order
    return Rule(
        rule,
        compile_condition(rule.when),
        leaves[0],
        neutral_words(rule.when, seen),
        set_aside_words(seen),
        leaves,
        frozenset(leaves),
    )


_COMPILED: dict[int, tuple[Bank, Tables]] = {}
_KEEP = 8  # banks kept compiled: a process rarely reads with more than one or two


def tables_of(bank: Bank) -> Tables:
    """The bank's tables, compiled on its first read and kept while the bank is in use.

    Keyed by identity (a bank holds mappings, so it has no hash); the bank itself is kept
    beside its tables, so its id cannot be reused by another bank while the entry lives.
    Two threads reading a new bank at once may each compile it: the results are the same,
    and no lock is loaded on every command's start-up for that.
    """
    entry = _COMPILED.get(id(bank))
    if entry is None or entry[0] is not bank:
        while len(_COMPILED) >= _KEEP:
            _COMPILED.pop(next(iter(_COMPILED)), None)
        entry = (bank, compile_bank(bank))
        _COMPILED[id(bank)] = entry
    return entry[1]
