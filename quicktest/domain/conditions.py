"""Conditions over metrics: a small all/any tree with comparison leaves, in three-valued logic.

A leaf whose metric is not known is neither true nor false but unknown (None), and says which
metric it missed; `all` is false when any child is false, `any` true when any child is true,
and otherwise unknown when any child is. Every child is evaluated, so the trace is complete.
Trees are compiled once into plain functions, so a read only looks values up.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # a Protocol class costs a millisecond of every start-up: for mypy only
    from typing import Protocol

    class Edges(Protocol):
        """What a comparison needs of a benchmark band: its figure by name (value, low,
        high)."""

        def edge(self, name: str) -> float: ...

    # (current metric values, chosen bands by benchmark id, missing metrics so far) -> verdict
    Predicate = Callable[[Mapping[str, float], Mapping[str, Edges], list[str]], bool | None]

OPERATORS = ("lt", "lte", "gt", "gte")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


class BenchmarkRef(NamedTuple):
    """A benchmark figure from the band chosen for this read, instead of a fixed number."""

    benchmark: str
    edge: str = "value"  # value, low or high


Bound = float | BenchmarkRef | None


class Compare(NamedTuple):
    metric: str
    lt: Bound = None
    lte: Bound = None
    gt: Bound = None
    gte: Bound = None


class AllOf(NamedTuple):
    all: tuple[Condition, ...]


class AnyOf(NamedTuple):
    any: tuple[Condition, ...]


Condition = AllOf | AnyOf | Compare


def condition_from_data(data: Mapping[str, Any]) -> Condition:
    """A condition from its validated data: {all: [...]}, {any: [...]} or a comparison."""
    if "all" in data:
        return AllOf(tuple(condition_from_data(c) for c in data["all"]))
    if "any" in data:
        return AnyOf(tuple(condition_from_data(c) for c in data["any"]))

    def bound(value: Any) -> Bound:
        if isinstance(value, Mapping):
            return BenchmarkRef(value["benchmark"], value.get("edge", "value"))
        return None if value is None else float(value)

    return Compare(data["metric"], *(bound(data.get(op)) for op in OPERATORS))


def leaves(condition: Condition) -> list[Compare]:
    """Every comparison of a condition tree, in order."""
    if isinstance(condition, AllOf | AnyOf):
        children = condition.all if isinstance(condition, AllOf) else condition.any
        return [leaf for c in children for leaf in leaves(c)]
    return [condition]


def leaf_metrics(condition: Condition) -> list[str]:
    """The metric of every comparison leaf, in order (a metric may appear twice)."""
    return [leaf.metric for leaf in leaves(condition)]


def compile_condition(condition: Condition) -> Predicate:
    """The condition as a function of (current values, chosen bands, missing list)."""
    if isinstance(condition, AllOf | AnyOf):
        is_all = isinstance(condition, AllOf)
        parts = condition.all if isinstance(condition, AllOf) else condition.any
        children = [compile_condition(c) for c in parts]
        decisive = not is_all  # all: one False decides; any: one True decides

        def tree(
            current: Mapping[str, float], bands: Mapping[str, Edges], missing: list[str]
        ) -> bool | None:
            results = [child(current, bands, missing) for child in children]
            if decisive in results:
                return decisive
            return None if None in results else not decisive

        return tree

    name = condition.metric
    checks: list[tuple[Callable[[float, float], bool], float | BenchmarkRef]] = [
        (_COMPARE[op], bound) for op in OPERATORS if (bound := getattr(condition, op)) is not None
    ]
    first = checks[0][1] if len(checks) == 1 else None
    if isinstance(first, float):  # the common case, made direct: one fixed bound
        compare, fixed = checks[0][0], first

        def simple(
            current: Mapping[str, float], bands: Mapping[str, Edges], missing: list[str]
        ) -> bool | None:
            value = current.get(name)
            if value is None:
                missing.append(name)
                return None
            return compare(value, fixed)

        return simple

    def leaf(
        current: Mapping[str, float], bands: Mapping[str, Edges], missing: list[str]
    ) -> bool | None:
        value = current.get(name)
        if value is None:
            missing.append(name)
            return None
        held = True
        for compare, bound in checks:
            if isinstance(bound, BenchmarkRef):
                band = bands.get(bound.benchmark)
                if band is None:
                    return None
                bound = band.edge(bound.edge)
            held = held and compare(float(value), float(bound))
        return held

    return leaf
