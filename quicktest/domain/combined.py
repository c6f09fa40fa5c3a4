"""The combined read of a client's respondents, in the shape of a single read.

Each respondent's answers are read with the company's figures; a pattern's combined score is
the mean of their scores (each respondent weighs the same), its coverage the mean of theirs,
and its level what the bank calls that score with that coverage, by the same steps as a
single read. The call is made as a single read's is (`scoring.called`): ranked by the level
called, then score, then points; patterns alike at the top are a tie, named.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from statistics import fmean

from quicktest.domain.bank import Bank
from quicktest.domain.read import Conflict, Coverage, Evidence, PatternRead, Read
from quicktest.domain.response import Response
from quicktest.domain.scoring import called


def pattern_of(read: Read, pattern_id: str) -> PatternRead:
    return next(p for p in read.patterns if p.pattern.id == pattern_id)


def combine(bank: Bank, reads: Sequence[Read], client: str, date: str | None) -> Read:
    """The combined read of several respondents' reads (each made with the same figures), in
    the shape of a single read: see the module's docstring for how."""
    first = reads[0]
    patterns = []
    for pattern in bank.patterns:
        own = [pattern_of(r, pattern.id) for r in reads]
        mean = round(fmean(p.score for p in own), 3)
        known = fmean(p.coverage for p in own)
        step = bank.confidence_at(known)
        uncapped = bank.level_of(mean)
        patterns.append(
            PatternRead(
                pattern,
                mean,
                bank.capped(uncapped, step),
                fmean(p.points for p in own),
                fmean(p.possible for p in own),
                _merged(bank, (p.evidence for p in own)),
                known,
                step.name if step else None,
                uncapped,
            )
        )
    ranked, dominant, tied = called(bank, patterns)
    unanswered = tuple(
        q.id for q in bank.questions if all(q.id not in r.given.answers for r in reads)
    )
    metrics = first.metrics
    coverages = [r.coverage for r in reads if r.coverage]
    share = (
        dominant.coverage if dominant else fmean(c.share for c in coverages) if coverages else 1.0
    )
    step = bank.confidence_at(share)
    named = dominant or (tied[0] if tied else None)  # every read is made with the same figures
    coverage = Coverage(
        len(bank.questions) - len(unanswered),
        len(bank.questions),
        max((c.decided for c in coverages), default=0),
        max((c.rules for c in coverages), default=0),
        min(1.0, share),
        step.name if step else None,
        figures=pattern_of(first, named.pattern.id).figures if named and metrics else None,
    )
    conflicts: dict[tuple[str, str], Conflict] = {}
    for read in reads:
        for conflict in read.conflicts:
            conflicts.setdefault((conflict.question, conflict.option), conflict)
    order = _question_order(bank)
    ranked_conflicts = sorted(conflicts.values(), key=lambda c: (order[c.question], c.option))
    return Read(
        Response({}, metrics, client, None, date),
        "answers+metrics" if metrics else "answers",
        ranked,
        dominant,
        unanswered,
        first.bands,
        coverage,
        tuple(ranked_conflicts),
        tied,
    )


def _question_order(bank: Bank) -> dict[str, int]:
    return {q.id: index for index, q in enumerate(bank.questions)}


def _merged(bank: Bank, evidence: Iterable[tuple[Evidence, ...]]) -> tuple[Evidence, ...]:
    """Every respondent's evidence for a pattern, each item once: the answers in the bank's
    order of questions (then by their words), the figures' after them as a read gives them.
    Never in the respondents' order, which would tell who gave which answer."""
    found: dict[tuple[str, str, str, str], Evidence] = {}
    for items in evidence:
        for item in items:
            found.setdefault((item.source, item.ref, item.text, item.status), item)
    order = _question_order(bank)
    answers = sorted(
        (e for e in found.values() if e.source == "answer"),
        key=lambda e: (order.get(e.ref, len(order)), e.text, e.status),
    )
    return (*answers, *(e for e in found.values() if e.source != "answer"))
