"""What a bank can do, for its authors: over every combination of answers (or a sample, where
they are too many to score), each pattern's reachable score, how often it is the dominant
pattern and how often it is called strong, and which questions decide that; how often the
top is a tie, and how often no pattern is dominant. A pattern that can never win, never be
called strong, or nearly always wins shows before a client sees it. Answers only: metrics
can move a read further, and the real engine scores every combination.
"""

from __future__ import annotations

import random
from itertools import product
from math import prod
from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.response import Response
from quicktest.domain.scoring import score

if TYPE_CHECKING:
    from quicktest.domain.bank import Bank

EXHAUSTIVE_UP_TO = 50_000  # combinations scored one by one; beyond, a seeded sample this big
SAMPLE = 20_000


class QuestionWeight(NamedTuple):
    question: str
    spread: float  # between its options, the largest gap in how often the pattern wins


class PatternReach(NamedTuple):
    pattern: str
    name: str
    low: float
    high: float
    dominant_share: float
    strong_share: float  # sets in which it is called strong, dominant or not
    deciding: tuple[QuestionWeight, ...]  # questions whose answer changes how often it wins


class Explanation(NamedTuple):
    combinations: int  # all there are
    scored: int
    exhaustive: bool
    no_dominant_share: float  # neither a dominant pattern nor a tie at the top
    tie_share: float  # two or more patterns called alike at the top
    patterns: tuple[PatternReach, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "combinations": self.combinations,
            "scored": self.scored,
            "exhaustive": self.exhaustive,
            "no_dominant_share": round(self.no_dominant_share, 4),
            "tie_share": round(self.tie_share, 4),
            "patterns": [
                {
                    "id": p.pattern,
                    "name": p.name,
                    "score_range": [p.low, p.high],
                    "dominant_share": round(p.dominant_share, 4),
                    "strong_share": round(p.strong_share, 4),
                    "deciding_questions": [
                        {"id": q.question, "spread": round(q.spread, 4)} for q in p.deciding
                    ],
                }
                for p in self.patterns
            ],
        }


def explain(bank: Bank, seed: int = 0) -> Explanation:
    options = [tuple(o.id for o in q.options) for q in bank.questions]
    total = prod(len(o) for o in options)
    if total <= EXHAUSTIVE_UP_TO:
        combos = list(product(*options))
    else:
        rng = random.Random(seed)
        combos = [tuple(rng.choice(o) for o in options) for _ in range(SAMPLE)]
    ids = [p.id for p in bank.patterns]
    low = dict.fromkeys(ids, 1.0)
    high = dict.fromkeys(ids, 0.0)
    wins = dict.fromkeys(ids, 0)
    strong = dict.fromkeys(ids, 0)
    none = ties = 0
    # per pattern, question and option: combinations with that answer, and wins among them
    seen = {(q.id, o.id): 0 for q in bank.questions for o in q.options}
    won = {(pid, key): 0 for pid in ids for key in seen}
    questions = [q.id for q in bank.questions]
    for combo in combos:
        read = score(bank, Response(dict(zip(questions, combo, strict=True))))
        for p in read.patterns:
            low[p.pattern.id] = min(low[p.pattern.id], p.score)
            high[p.pattern.id] = max(high[p.pattern.id], p.score)
            strong[p.pattern.id] += p.level == bank.levels[0].name
        keys = list(zip(questions, combo, strict=True))
        for key in keys:
            seen[key] += 1
        if read.tied:
            ties += 1
            continue
        if read.dominant is None:
            none += 1
            continue
        winner = read.dominant.pattern.id
        wins[winner] += 1
        for key in keys:
            won[winner, key] += 1
    reach = []
    for pattern in bank.patterns:
        deciding = []
        for question in bank.questions:
            shares = [
                won[pattern.id, (question.id, o.id)] / seen[question.id, o.id]
                for o in question.options
                if seen[question.id, o.id]
            ]
            spread = max(shares) - min(shares) if shares else 0.0
            if spread > 0:
                deciding.append(QuestionWeight(question.id, spread))
        deciding.sort(key=lambda q: -q.spread)
        reach.append(
            PatternReach(
                pattern.id,
                pattern.name,
                low[pattern.id],
                high[pattern.id],
                wins[pattern.id] / len(combos),
                strong[pattern.id] / len(combos),
                tuple(deciding),
            )
        )
    return Explanation(
        total,
        len(combos),
        total <= EXHAUSTIVE_UP_TO,
        none / len(combos),
        ties / len(combos),
        tuple(reach),
    )
