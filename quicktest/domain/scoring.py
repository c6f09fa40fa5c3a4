"""The rule engine: a response to a read. Pure: no I/O, no eval, deterministic.

Every answer and every metric rule is evaluated; none stops the others. Each records what it
saw and whether it held, and that trace is the evidence shown beside the score. The bank is
compiled once (`compiled.tables_of`), so a read only looks values up.
"""

from __future__ import annotations

from collections.abc import Mapping

from quicktest.domain.bank import Band, Bank, Contradiction, Pattern
from quicktest.domain.compiled import Rule, tables_of
from quicktest.domain.conditions import Predicate
from quicktest.domain.metrics import ALL, Metrics, fill
from quicktest.domain.read import BandUsed, Conflict, Coverage, Evidence, PatternRead, Read
from quicktest.domain.response import Response


def choose_bands(bank: Bank, metrics: Metrics) -> tuple[BandUsed, ...]:
    """For each benchmark, the first band whose condition holds, else its fallback band."""
    current = metrics.current
    tables = tables_of(bank)
    if tables.band_metrics.isdisjoint(current):
        return tables.fallback_bands
    chosen = []
    for benchmark, conditional, fallback in tables.bands:
        band = next((b for holds, b in conditional if holds(current, {}, [])), fallback)
        chosen.append(BandUsed(benchmark, band))
    return tuple(chosen)


def metric_warnings(bank: Bank, metrics: Metrics) -> list[str]:
    """The bank's warnings about these figures (a high NRR on a base that is leaving) whose
    condition holds, in words; one that cannot be decided says nothing."""
    bands = {u.benchmark.id: u.band for u in choose_bands(bank, metrics)}
    return [
        fill(warning.says, metrics)
        for holds, warning in tables_of(bank).warnings
        if holds(metrics.current, bands, [])
    ]


def _checked(seen: tuple[tuple[str, str], ...], metrics: Metrics) -> str:
    """A rule that did not hold, in words: what it looked for and what it saw."""
    display = metrics.display
    return (
        "Checked and not found: "
        + ", ".join([f"{label} {display(name)}" for name, label in seen])
        + "."
    )


_new = tuple.__new__  # builds an Evidence from its fields at C speed: the hot loop's many

# A metric not given reads the same in every read: made once.
_NOT_PROVIDED = {
    name: Evidence("metric", name, f"{spec.label} not provided.", 0.0, "unknown")
    for name, spec in ALL.items()
}


def _finish(
    bank: Bank,
    pattern: Pattern,
    rules: tuple[Rule, ...],
    points: float,
    possible: float,
    evidence: list[Evidence],
    metrics: Metrics,
    bands: Mapping[str, Band],
    total: float,
    decided: list[int],
) -> PatternRead:
    """A pattern's read: its answers' points (summed already), then its metric rules;
    `decided` counts the rules that could be decided."""
    current = metrics.current
    missing: list[str] = []
    for rule, holds, ref, seen, leaves, needs in rules if current else ():
        if needs.isdisjoint(current):  # none of its metrics known: unknown, each leaf missing
            missing += leaves
            continue
        mark = len(missing)
        held = holds(current, bands, missing)
        if held is None:
            continue
        del missing[mark:]  # a rule decided without them: they are not what it lacked
        decided[0] += 1
        points_if_held = rule.points
        if points_if_held > 0:
            possible += points_if_held
        if held:
            points += points_if_held
            item = ("metric", ref, fill(rule.says, metrics), points_if_held, "held")
        else:
            item = ("metric", ref, _checked(seen, metrics), 0.0, "not held")
        evidence.append(_new(Evidence, item))
    if metrics and missing:
        evidence.extend(_NOT_PROVIDED[name] for name in dict.fromkeys(missing))
    if possible:
        floor = bank.evidence_floor
        score = round(min(1.0, max(0.0, points / (possible if possible > floor else floor))), 3)
    else:
        score = 0.0
    uncapped = bank.level_of(score)
    coverage = min(1.0, possible / total) if total else 1.0
    step = bank.confidence_at(coverage)
    level = bank.capped(uncapped, step)
    return _new(
        PatternRead,
        (
            pattern,
            score,
            level,
            points,
            possible,
            tuple(evidence),
            coverage,
            step.name if step else None,
            uncapped,
        ),
    )


def score(bank: Bank, given: Response) -> Read:
    """The read of one respondent's answers and metrics against a bank."""
    compiled = tables_of(bank)
    bands = choose_bands(bank, given.metrics)
    by_id = {u.benchmark.id: u.band for u in bands}
    count = len(bank.patterns)
    points = [0.0] * count
    evidence: list[list[Evidence]] = [[] for _ in range(count)]
    answers = given.answers
    answered_bests = [(0.0,) * count]
    conflicts: list[Conflict] = []
    for question_id, bests, options in compiled.questions:
        chosen = answers.get(question_id)
        if chosen is None:
            continue
        answered_bests.append(bests)
        claims = compiled.claims.get((question_id, chosen)) if given.metrics else None
        found = _contradicted(bank, question_id, chosen, claims, given.metrics, by_id)
        if found is not None:
            conflict, concerned = found
            conflicts.append(conflict)
            item = Evidence("answer", question_id, conflict.words(), 0.0, "conflict")
            for index in concerned:
                evidence[index].append(item)
            if conflict.followed == "figures":
                continue  # the answer's points give way to the figures
        for index, item in options[chosen]:
            points[index] += item.points
            evidence[index].append(item)
    # summed left to right, question by question, as the points are
    possible = [sum(column) for column in zip(*answered_bests, strict=True)]
    decided = [0]
    reads = [
        _finish(
            bank,
            pattern,
            compiled.rules[i],
            points[i],
            possible[i],
            evidence[i],
            given.metrics,
            by_id,
            compiled.totals[i],
            decided,
        )
        for i, pattern in enumerate(bank.patterns)
    ]
    order = compiled.order
    ranked = tuple(sorted(reads, key=lambda r: (-r.score, -r.points, order[r.pattern.id])))
    top = ranked[0] if ranked else None
    dominant = top if top and bank.at_least(top.level, bank.dominant) else None
    unanswered = tuple(q.id for q in bank.questions if q.id not in answers)
    answered = len(unanswered) < len(bank.questions)
    basis = (
        "answers+metrics"
        if answered and given.metrics
        else "metrics"
        if given.metrics
        else "answers"
    )
    # the read is as sure as its verdict: the dominant pattern's share, else all patterns'
    total = sum(compiled.totals)
    share = (
        dominant.coverage if dominant else sum(r.possible for r in reads) / total if total else 1.0
    )
    step = bank.confidence_at(share)
    coverage = Coverage(
        len(bank.questions) - len(unanswered),
        len(bank.questions),
        decided[0],
        compiled.rule_count,
        min(1.0, share),
        step.name if step else None,
    )
    return Read(given, basis, ranked, dominant, unanswered, bands, coverage, tuple(conflicts))


def _contradicted(
    bank: Bank,
    question_id: str,
    option_id: str,
    claims: tuple[tuple[Predicate, Contradiction, tuple[int, ...]], ...] | None,
    metrics: Metrics,
    bands: Mapping[str, Band],
) -> tuple[Conflict, tuple[int, ...]] | None:
    """The first contradiction of an answer that the figures hold, if any."""
    for holds, contradiction, concerned in claims or ():
        if holds(metrics.current, bands, []):
            option = bank.question_by_id[question_id].option_by_id[option_id]
            conflict = Conflict(
                question_id,
                option_id,
                option.label,
                fill(contradiction.says, metrics),
                contradiction.follow,
            )
            return conflict, concerned
    return None
