"""The way out, for the client: for each pattern called at the dominant level or above, the
changes that would take it below that level by getting healthier.

Only healthier moves are offered: a metric given moves only in its healthy direction (the
bank's `healthy_direction`), an answer only to one the bank ranks a healthier practice
(`health`): never to another pathology, and never to an answer the figures contradict. One
move where one is enough; otherwise two or three together, none of which would do alone.
Each way is found by scoring the changed response again, and names the pattern's progress
measures that track what it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations, product
from typing import Any, NamedTuple

from quicktest.domain.bank import Bank, Pattern
from quicktest.domain.changes import Change, answer_changes, applied, distance, metric_changes
from quicktest.domain.conditions import leaf_metrics
from quicktest.domain.metrics import DERIVED_FROM
from quicktest.domain.read import PatternRead, Read
from quicktest.domain.scoring import score

MOST_MOVES = 3  # moves in one way at most
WAYS = 3  # ways shown per pattern at most


class Way(NamedTuple):
    """Changes that together take a pattern below its level, and where it lands."""

    changes: tuple[Change, ...]
    score: float
    level: str
    progress: tuple[str, ...]  # the pattern's progress measures that track these changes

    def as_json(self) -> dict[str, Any]:
        return {
            "changes": [c.as_json() for c in self.changes],
            "score": self.score,
            "level": self.level,
            "progress": list(self.progress),
        }


class WayOut(NamedTuple):
    pattern: str
    name: str
    level: str  # the level called now; every way lands below it
    ways: tuple[Way, ...]  # fewest moves first, then the smallest

    def as_json(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "level": self.level,
            "ways": [w.as_json() for w in self.ways],
        }


def way_out(bank: Bank, read: Read) -> tuple[WayOut, ...]:
    """The way out of every pattern called at the dominant level or above."""
    targets = [p for p in read.patterns if bank.at_least(p.level, bank.dominant)]
    if not targets:
        return ()
    moves: dict[str, list[Change]] = {}  # per question or metric, nearest first
    for change in _healthier(bank, read):
        moves.setdefault(change.ref, []).append(change)
    for options in moves.values():
        options.sort(key=lambda c: _cost(bank, read, c))
    found: dict[str, list[Way]] = {t.pattern.id: [] for t in targets}
    tried: dict[tuple[Change, ...], Read] = {}

    def after(changes: tuple[Change, ...]) -> Read:  # each changed response scored once
        if changes not in tried:
            tried[changes] = score(bank, applied(read.given, changes), texts=False)
        return tried[changes]

    for target in targets:
        # Only what can move the target: a way with any other move would work without it,
        # and be found with fewer moves first.
        reach = reaching(bank, target.pattern)
        refs = [ref for ref in moves if ref in reach]
        for count in range(1, MOST_MOVES + 1):
            for chosen in combinations(refs, count):
                way = _cheapest(bank, after, target, [moves[ref] for ref in chosen])
                if way is not None:
                    found[target.pattern.id].append(way)
            if found[target.pattern.id]:
                break
    return tuple(
        WayOut(
            t.pattern.id,
            t.pattern.name,
            t.level,
            tuple(sorted(found[t.pattern.id], key=lambda w: _way_cost(bank, read, w))[:WAYS]),
        )
        for t in targets
    )


def reaching(bank: Bank, pattern: Pattern) -> frozenset[str]:
    """The questions and metrics whose change could move a pattern's score or level: the
    questions with an answer that points to it or that figures may contradict (an answer set
    aside changes how sure the read is), and the metrics behind its rules, behind every
    contradiction and behind the benchmark bands its rules may compare with."""
    questions = {
        q.id
        for q in bank.questions
        if any(o.points.get(pattern.id) or o.contradicted_by for o in q.options)
    }
    conditions = [
        *(r.when for r in pattern.metric_rules),
        *(c.when for q in bank.questions for o in q.options for c in o.contradicted_by),
        *(band.when for b in bank.benchmarks for band in b.bands if band.when is not None),
    ]
    read = {m for condition in conditions for m in leaf_metrics(condition)}
    return frozenset(questions | {i for m in read for i in DERIVED_FROM.get(m, (m,))})


def _healthier(bank: Bank, read: Read) -> list[Change]:
    """Every change to what was given that is a healthier practice or figure."""
    set_aside = {c.question for c in read.conflicts if c.followed == "figures"}
    healthier = []
    for change in answer_changes(bank, read):
        options = bank.question_by_id[change.ref].option_by_id
        was = options[read.given.answers[change.ref]]
        if change.ref not in set_aside and options[str(change.value)].healthier_than(was):
            healthier.append(change)
    for change in metric_changes(bank, read):
        direction = bank.healthy.get(change.ref)
        value = read.metrics.value(change.ref)
        up = value is not None and float(change.value) > value
        if (direction == "up" and up) or (direction == "down" and not up):
            healthier.append(change)
    return healthier


def _cheapest(
    bank: Bank,
    after: Callable[[tuple[Change, ...]], Read],
    target: PatternRead,
    choice: Sequence[list[Change]],
) -> Way | None:
    """The smallest moves, one per question or metric in `choice`, that together take the
    target below its level: tried first at the largest of each (for an answer, the
    healthiest the figures do not contradict), then each made as small as it can be while
    the others hold."""

    def below(changes: tuple[Change, ...]) -> PatternRead | None:
        changed = after(changes)
        answered = {c.ref for c in changes if c.kind == "answer"}
        if any(c.question in answered for c in changed.conflicts):
            return None  # an answer the figures contradict is no way out
        now = next(p for p in changed.patterns if p.pattern.id == target.pattern.id)
        return now if bank.rank(now.level) > bank.rank(target.level) else None

    # Each figure at its largest move; each answer from the healthiest down, since the
    # healthiest may be one the figures contradict where a nearer one is not.
    tried = product(
        *(options[::-1] if options[-1].kind == "answer" else options[-1:] for options in choice)
    )
    found = next((p for p in tried if below(p) is not None), None)
    if found is None:
        return None
    picked = found
    for index, options in enumerate(choice):
        for option in options:  # nearest first; the one picked works, so this stops there
            smaller = (*picked[:index], option, *picked[index + 1 :])
            if below(smaller):
                picked = smaller
                break
    landed = below(picked)
    assert landed is not None  # every step kept a set of changes that works
    return Way(picked, landed.score, landed.level, _tracking(target.pattern, picked))


def _tracking(pattern: Pattern, changes: Sequence[Change]) -> tuple[str, ...]:
    refs = {c.ref for c in changes}
    return tuple(m.says for m in pattern.progress if refs.intersection(m.tracks))


def _cost(bank: Bank, read: Read, change: Change) -> float:
    """How big a move is: a metric's relative distance; an answer's steps of health."""
    if change.kind == "metric":
        return distance(read, change)
    options = bank.question_by_id[change.ref].option_by_id
    now, to = options[read.given.answers[change.ref]], options[str(change.value)]
    return float((to.health or 0) - (now.health or 0))


def _way_cost(bank: Bank, read: Read, way: Way) -> tuple[int, int, float]:
    """Fewest moves first, figures before practices, then the smallest."""
    cost: Callable[[Change], float] = lambda c: _cost(bank, read, c)  # noqa: E731
    answers = sum(1 for c in way.changes if c.kind == "answer")
    return len(way.changes), answers, sum(map(cost, way.changes))
