"""Evidence in plain words for a metric rule that gave no points: what it checked, what it
found, and what that means. A rule that held speaks with the bank's own words (`says`);
these sentences are made from the rule's condition and the client's figures, so every
number in them is a bound of the bank or a figure as given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from quicktest.domain.bank import Band
from quicktest.domain.conditions import AllOf, AnyOf, BenchmarkRef, Condition
from quicktest.domain.metrics import ALL, Metrics
from quicktest.domain.units import format_value

_OPERATORS = (("lt", "under"), ("lte", "at or under"), ("gt", "over"), ("gte", "at or over"))

# (the client's figures, the bands chosen for this read) -> a sentence
Words = Callable[[Metrics, Mapping[str, Band]], str]


def label(metric: str) -> str:
    """A metric's label inside a sentence: "gross margin", but "NRR per quarter"."""
    text = ALL[metric].label
    return text if text[1:2].isupper() else text[0].lower() + text[1:]


def _condition(condition: Condition, bands: Mapping[str, Band]) -> str:
    """A condition in words, its benchmark bounds read from this read's bands."""
    if isinstance(condition, AllOf | AnyOf):
        joiner = " and " if isinstance(condition, AllOf) else " or "
        children = condition.all if isinstance(condition, AllOf) else condition.any
        return joiner.join(_condition(c, bands) for c in children)
    parts = []
    for op, words in _OPERATORS:
        bound = getattr(condition, op)
        if isinstance(bound, BenchmarkRef):
            band = bands.get(bound.benchmark)
            if band is None:
                continue
            bound = band.edge(bound.edge)
            words += " the benchmark of"
        if bound is not None:
            parts.append(f"{words} {format_value(ALL[condition.metric], bound)}")
    return f"{label(condition.metric)} {' and '.join(parts)}"


def _found(metrics: tuple[str, ...], given: Metrics) -> str:
    """The figures known among `metrics`, in words."""
    return " and ".join(
        f"{label(name)} {given.display(name)}" for name in metrics if given.value(name) is not None
    )


def neutral_words(condition: Condition, metrics: tuple[str, ...]) -> Words:
    """The words for a rule checked whose figures fell in its neutral band."""

    def words(given: Metrics, bands: Mapping[str, Band]) -> str:
        found = _found(metrics, given)
        return (
            f"Checked for {_condition(condition, bands)}; found {found}: neither for nor against."
        )

    return words


def set_aside_words(metrics: tuple[str, ...]) -> Callable[[Metrics], str]:
    """The words for a rule whose figure an answer overrules (the bank follows the answer)."""

    def words(given: Metrics) -> str:
        return (
            f"Set aside: {_found(metrics, given)} contradicts an answer the bank asks the read "
            "to follow, so it counts neither for nor against."
        )

    return words
