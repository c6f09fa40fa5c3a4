"""The rule engine: a response to a read. Pure: no I/O, no eval, deterministic.

Every answer and every metric rule is evaluated; none stops the others. Each records what it
saw and whether it held, and that trace is the evidence shown beside the score. The bank is
compiled once (`compiled.tables_of`), so a read only looks values up.

How a read is scored (the README's "How a read is scored" states it for bank authors):

- A pattern's score is the points it received over the points it could have received: the
  best answer to each question that counts, plus every metric rule that speaks for it and
  held. A rule whose figures speak against it (negative points) takes its points off; a rule
  checked whose figures fall between (its neutral band) changes nothing. Below the bank's
  evidence floor the denominator is the floor, so one small signal never reads as strong.
- An answer the figures contradict is set aside when the read follows the figures: it counts
  as unanswered. When the bank follows the answer, the rules that read the contradicting
  figures are set aside instead. The conflict is named either way.
- How sure a read is has two sides: the share of the questions whose answers count (which
  picks the bank's confidence step, and may cap the level called: a comparison of patterns
  needs every question), and what each pattern's figures found (checks that confirm, speak
  against, or are neutral).
- Patterns rank by the level called, then by score, then by the weight of evidence behind
  the score (its points). The first is dominant when it reaches the bank's dominant level;
  two or more alike on all three at the top are a tie, and then none is dominant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quicktest.domain.bank import Band, Bank, Pattern
from quicktest.domain.compiled import Claim, Rule, tables_of
from quicktest.domain.metrics import ALL, Metrics, fill
from quicktest.domain.read import (
    BandUsed,
    Conflict,
    Coverage,
    Evidence,
    Figures,
    PatternRead,
    Read,
)
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
    share: float,
    decided: list[int],
    aside: frozenset[str],
    texts: bool,
) -> PatternRead:
    """A pattern's read: its answers' points (summed already, the best each counted question
    could give in `possible`), then its metric rules; `share` is the questions that count,
    `decided` counts the rules that could be decided, `aside` holds the metrics an answer
    overrules; without `texts` the rules' evidence is left unworded."""
    current = metrics.current
    missing: list[str] = []
    confirm = against = neutral = 0
    for rule, holds, ref, neutral_words, aside_words, leaves, needs in rules if current else ():
        if needs.isdisjoint(current):  # none of its metrics known: unknown, each leaf missing
            missing += leaves
            continue
        if aside and not needs.isdisjoint(aside):
            said = aside_words(metrics) if texts else ""
            evidence.append(Evidence("metric", ref, said, 0.0, "set aside"))
            continue
        mark = len(missing)
        held = holds(current, bands, missing)
        if held is None:
            continue
        del missing[mark:]  # a rule decided without them: they are not what it lacked
        decided[0] += 1
        if held:  # its figures speak for the pattern (points above 0) or against it
            weight = rule.points
            points += weight
            if weight > 0:
                possible += weight
                confirm += 1
            else:
                against += 1
            said = fill(rule.says, metrics) if texts else ""
            item = ("metric", ref, said, weight, "held")
        else:  # in the neutral band: checked, neither for nor against
            neutral += 1
            item = ("metric", ref, neutral_words(metrics, bands) if texts else "", 0.0, "not held")
        evidence.append(_new(Evidence, item))
    if metrics and missing:
        evidence.extend(_NOT_PROVIDED[name] for name in dict.fromkeys(missing))
    if possible:
        floor = bank.evidence_floor
        score = round(min(1.0, max(0.0, points / (possible if possible > floor else floor))), 3)
    else:
        score = 0.0
    uncapped = bank.level_of(score)
    step = bank.confidence_at(share)
    return _new(
        PatternRead,
        (
            pattern,
            score,
            bank.capped(uncapped, step),
            points,
            possible,
            tuple(evidence),
            share,
            step.name if step else None,
            uncapped,
            Figures(confirm, against, neutral),
        ),
    )


def score(bank: Bank, given: Response, texts: bool = True) -> Read:
    """The read of one respondent's answers and metrics against a bank. Without `texts`,
    the metric rules' evidence is left unworded: a read tried for its scores and its call
    alone (the way out, the hinges, the live what-if) costs half as much."""
    compiled = tables_of(bank)
    metrics = given.metrics
    bands = choose_bands(bank, metrics)
    by_id = {u.benchmark.id: u.band for u in bands}
    count = len(bank.patterns)
    points = [0.0] * count
    evidence: list[list[Evidence]] = [[] for _ in range(count)]
    answers = given.answers
    counted_bests = [(0.0,) * count]
    conflicts: list[Conflict] = []
    aside: frozenset[str] = frozenset()  # metrics whose rules an answer overrules
    for question_id, bests, options in compiled.questions:
        chosen = answers.get(question_id)
        if chosen is None:
            continue
        claims = compiled.claims.get((question_id, chosen)) if metrics else None
        found = _contradicted(bank, question_id, chosen, claims, metrics, by_id)
        if found is not None:
            conflict, claim = found
            conflicts.append(conflict)
            item = Evidence("answer", question_id, conflict.words(), 0.0, "conflict")
            for index in claim.concerned:
                evidence[index].append(item)
            if conflict.followed == "figures":
                continue  # set aside: counted as unanswered, for and against every pattern
            aside |= claim.reads
        counted_bests.append(bests)
        for index, item in options[chosen]:
            points[index] += item.points
            evidence[index].append(item)
    # summed left to right, question by question, as the points are
    possible = [sum(column) for column in zip(*counted_bests, strict=True)]
    share = (len(counted_bests) - 1) / len(bank.questions)
    decided = [0]
    reads = [
        _finish(
            bank,
            pattern,
            compiled.rules[i],
            points[i],
            possible[i],
            evidence[i],
            metrics,
            by_id,
            share,
            decided,
            aside,
            texts,
        )
        for i, pattern in enumerate(bank.patterns)
    ]
    ranked, dominant, tied = called(bank, reads)
    unanswered = tuple(q.id for q in bank.questions if q.id not in answers)
    answered = len(unanswered) < len(bank.questions)
    basis = "answers+metrics" if answered and metrics else "metrics" if metrics else "answers"
    # the figures' side: the named pattern's checks, else every pattern's
    named = dominant or (tied[0] if tied else None)
    figures = named.figures if named else sum((r.figures for r in reads), Figures())
    step = bank.confidence_at(share)
    coverage = Coverage(
        len(bank.questions) - len(unanswered),
        len(bank.questions),
        decided[0],
        compiled.rule_count,
        share,
        step.name if step else None,
        sum(1 for c in conflicts if c.followed == "figures"),
        figures if metrics else None,
    )
    return Read(given, basis, ranked, dominant, unanswered, bands, coverage, tuple(conflicts), tied)


def called(
    bank: Bank, reads: Sequence[PatternRead]
) -> tuple[tuple[PatternRead, ...], PatternRead | None, tuple[PatternRead, ...]]:
    """The patterns ranked (by the level called, then score, then points; the bank's order
    only lists those alike), and the call: the dominant pattern, or the patterns tied at the
    top (alike with the first in level, score and points) when it reaches the bank's
    dominant level. Every read's call is made here: one respondent's or a client's."""
    order, rank = tables_of(bank).order, bank.rank
    ranked = tuple(
        sorted(reads, key=lambda r: (rank(r.level), -r.score, -r.points, order[r.pattern.id]))
    )
    if not ranked or not bank.at_least(ranked[0].level, bank.dominant):
        return ranked, None, ()
    top = ranked[0]
    alike = tuple(
        r for r in ranked if (r.level, r.score, r.points) == (top.level, top.score, top.points)
    )
    return (ranked, top, ()) if len(alike) == 1 else (ranked, None, alike)


def _contradicted(
    bank: Bank,
    question_id: str,
    option_id: str,
    claims: tuple[Claim, ...] | None,
    metrics: Metrics,
    bands: Mapping[str, Band],
) -> tuple[Conflict, Claim] | None:
    """The first contradiction of an answer that the figures hold, if any."""
    for claim in claims or ():
        if claim.holds(metrics.current, bands, []):
            option = bank.question_by_id[question_id].option_by_id[option_id]
            contradiction = claim.contradiction
            conflict = Conflict(
                question_id,
                option_id,
                option.label,
                fill(contradiction.says, metrics),
                contradiction.follow,
            )
            return conflict, claim
    return None
