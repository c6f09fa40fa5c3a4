"""What a read is: each pattern's score, level and evidence, the conflicts between answers
and figures, how much evidence the read rests on, and the benchmark bands it used.

Plain immutable values; `scoring` makes them and every face shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from quicktest.domain.bank import Band, Benchmark, Pattern
from quicktest.domain.metrics import ALL, Metrics
from quicktest.domain.response import Response
from quicktest.domain.units import format_range


class Evidence(NamedTuple):
    source: str  # "answer" or "metric"
    ref: str  # question id or metric name
    text: str
    points: float = 0.0
    # "held" (the answer, or a rule's figures, gave its points: for it, or against it when
    # negative), "not held" (a rule checked whose figures fall in its neutral band: 0 points),
    # "unknown" (a metric it needs was not given), "conflict" (an answer the figures
    # contradict) or "set aside" (a rule whose figure an answer overrules: 0 points)
    status: str = "held"

    def as_json(self) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))


class Figures(NamedTuple):
    """How a pattern's metric rules came out: checks that confirm it, checks that speak
    against it, and checks whose figures fell in between (neutral)."""

    confirm: int = 0
    against: int = 0
    neutral: int = 0

    def words(self) -> str:
        """The figures' side of how sure a read is, in words."""
        total = sum(self)
        if not total:
            return "no figure check decided"
        parts = [
            f"{n} {verb}"
            for n, verb in (
                (self.confirm, "confirms" if self.confirm == 1 else "confirm"),
                (self.against, "speaks against" if self.against == 1 else "speak against"),
                (self.neutral, "neutral"),
            )
            if n
        ]
        return f"{total} figure {'check' if total == 1 else 'checks'}: " + ", ".join(parts)

    def __add__(self, other: object) -> Figures:
        if not isinstance(other, Figures):
            return NotImplemented
        return Figures(*(a + b for a, b in zip(self, other, strict=True)))

    def as_json(self) -> dict[str, int]:
        return self._asdict()


class PatternRead(NamedTuple):
    pattern: Pattern
    score: float
    level: str  # as called: no stronger than its confidence allows
    points: float
    possible: float
    evidence: tuple[Evidence, ...]
    coverage: float = 1.0  # the share of the questions whose answers count
    confidence: str | None = None  # the bank's words for that share
    uncapped: str = ""  # the level the score alone reaches
    figures: Figures = Figures()  # what its metric rules found

    @property
    def moved_by(self) -> tuple[Evidence, ...]:
        """The evidence that changed the score, strongest first, and any conflicts."""
        return tuple(
            sorted(
                (e for e in self.evidence if e.points or e.status == "conflict"),
                key=lambda e: -abs(e.points),
            )
        )

    def capped_words(self) -> str | None:
        """Why the level called is below the one its score reaches, if it is, in words."""
        if self.level == self.uncapped:
            return None
        return (
            f"Its score alone reads {self.uncapped}; with {self.coverage:.0%} of the questions "
            f"answered this is {self.confidence}, so it is called {self.level}."
        )

    @property
    def unknown(self) -> tuple[str, ...]:
        """The metrics that would confirm or weaken it and were not given."""
        return tuple(e.ref for e in self.evidence if e.status == "unknown")

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.pattern.id,
            "name": self.pattern.name,
            "score": self.score,
            "level": self.level,
            "caps": self.pattern.caps,
            "evidence": [e.as_json() for e in self.evidence],
            "coverage": round(self.coverage, 3),
            "confidence": self.confidence,
            "level_from_score": self.uncapped,
            "figures": self.figures.as_json(),
        }


class Conflict(NamedTuple):
    """An answer the figures contradict, both sides in words, and the side followed."""

    question: str
    option: str
    answer: str
    figures: str
    followed: str  # "figures" or "answers"

    def as_json(self) -> dict[str, str]:
        return dict(zip(self._fields, self, strict=True))

    def words(self) -> str:
        """Both sides and the side followed, in words."""
        if self.followed == "figures":
            why = (
                "the read follows the figures and sets the answer aside: measured figures "
                "outrank recollection"
            )
        else:
            why = (
                "the read follows the answer, as the bank asks for this question, and sets "
                "those figures aside"
            )
        return f"Answered '{self.answer}', but {self.figures}; {why}."


class Coverage(NamedTuple):
    """How sure a read is, in two dimensions: the answers that count (given, less those the
    figures set aside) and what the figures found for the pattern the read names."""

    answered: int  # given
    questions: int
    decided: int  # metric rules that could be decided, over every pattern
    rules: int
    share: float  # the share of the questions whose answers count
    confidence: str | None
    set_aside: int = 0  # answers the figures overrule: given, and counted as unanswered
    figures: Figures | None = None  # the named pattern's checks; None: no metrics given

    def words(self) -> str:
        lead = self.confidence or "a read"
        answers = f"{self.answered - self.set_aside} of {self.questions} answers"
        if self.set_aside:
            answers += f" ({self.set_aside} more set aside by the figures)"
        figures = "no figures given" if self.figures is None else self.figures.words()
        return f"{lead[0].upper()}{lead[1:]} from {answers}; {figures}"

    def as_json(self) -> dict[str, Any]:
        return {
            "answers": {"given": self.answered, "of": self.questions, "set_aside": self.set_aside},
            "metric_rules": {"decided": self.decided, "of": self.rules},
            "share": round(self.share, 3),
            "confidence": self.confidence,
            "words": self.words(),
            "figures": None if self.figures is None else self.figures.as_json(),
        }


def joined(names: list[str]) -> str:
    """Names in words: "A", "A and B", "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


class BandUsed(NamedTuple):
    benchmark: Benchmark
    band: Band


class Verdict(NamedTuple):
    """A figure against its benchmark band: above, within or below it, and, where the
    benchmark says which side is healthier, whether it stands on that side. Computed here
    once, so that every face says the same of a figure."""

    metric: str
    value: float
    used: BandUsed
    position: str  # "above", "within" or "below"
    tone: str | None  # "better" or "worse" outside the band on a benchmark with a side; else None

    @classmethod
    def of(cls, used: BandUsed, value: float) -> Verdict:
        band = used.band
        low = band.low if band.low is not None else band.value
        high = band.high if band.high is not None else band.value
        position = "below" if value < low - 1e-9 else "above" if value > high + 1e-9 else "within"
        better = used.benchmark.better
        tone = None
        if better and position != "within":
            tone = "better" if (position == "above") == (better == "up") else "worse"
        return cls(used.benchmark.metric, value, used, position, tone)

    def range_words(self, currency: str | None = None) -> str:
        """The band's figures: 88% to 90%, $107K to $129K, or its one median."""
        band = self.used.band
        low = band.low if band.low is not None else band.value
        high = band.high if band.high is not None else band.value
        return format_range(ALL[self.metric], low, high, currency)

    def words(self, verdicts: Mapping[str, str], currency: str | None = None) -> str:
        """The verdict in the bank's words: "below the benchmark of 88% to 90% (private B2B
        SaaS median)", then the tone where there is one ("behind peers")."""
        said = verdicts[self.position].format(
            band=self.used.band.label, range=self.range_words(currency)
        )
        return f"{said}: {verdicts[self.tone]}" if self.tone else said

    def sentence(self, verdicts: Mapping[str, str], currency: str | None = None) -> str:
        """The verdict's words standing alone, as a card or a list shows them: capitalised."""
        said = self.words(verdicts, currency)
        return said[:1].upper() + said[1:]

    def as_json(self) -> dict[str, Any]:
        return {"position": self.position, "tone": self.tone}


# The figures a read leads with, after the metric the called pattern holds down: NRR is
# never read without GRR beside it, then the others a benchmark judges.
KEY_ORDER = ("nrr", "grr", "gross_margin", "arr_per_employee", "cac_payback_months")
KEY_FIGURES = 3


class Read(NamedTuple):
    given: Response
    basis: str  # "answers", "metrics" or "answers+metrics"
    patterns: tuple[PatternRead, ...]  # strongest first
    dominant: PatternRead | None
    unanswered: tuple[str, ...]
    bands: tuple[BandUsed, ...]
    coverage: Coverage | None = None
    conflicts: tuple[Conflict, ...] = ()
    tied: tuple[PatternRead, ...] = ()  # two or more called alike at the top: no dominant

    @property
    def tie_names(self) -> str:
        """The patterns tied at the top, in words: "A, B and C"."""
        return joined([p.pattern.name for p in self.tied])

    @property
    def metrics(self) -> Metrics:
        return self.given.metrics

    @property
    def notes(self) -> list[str]:
        """What the reader must know about the input: replaced values, stale answers."""
        return [*self.metrics.notes, *(s.note() for s in self.given.stale)]

    def band_for(self, metric: str) -> BandUsed | None:
        """The band chosen for the benchmark of `metric`, if the bank has one."""
        return next((u for u in self.bands if u.benchmark.metric == metric), None)

    @property
    def verdicts(self) -> dict[str, Verdict]:
        """Each figure known that has a benchmark, against the band chosen for this read."""
        found = {}
        for used in self.bands:
            value = self.metrics.value(used.benchmark.metric)
            if value is not None:
                found[used.benchmark.metric] = Verdict.of(used, value)
        return found

    @property
    def key_figures(self) -> tuple[str, ...]:
        """The few figures that matter most, by metric name: the one the called pattern (the
        dominant, or the first tied) holds down where it is known, then those a benchmark
        judges, NRR and GRR first."""
        called = self.dominant or (self.tied[0] if self.tied else None)
        caps = called.pattern.caps if called else None
        if caps is not None and self.metrics.value(caps) is None:
            caps = None  # not given: it cannot lead
        judged = self.verdicts
        order = [caps, *(name for name in KEY_ORDER if name in judged), *judged]
        return tuple(dict.fromkeys(name for name in order if name))[:KEY_FIGURES]

    def as_json(self) -> dict[str, Any]:
        verdicts = self.verdicts
        return {
            "client": self.given.client,
            "respondent": self.given.respondent,
            "date": self.given.date,
            "basis": self.basis,
            "dominant": self.dominant.pattern.id if self.dominant else None,
            "tied": [p.pattern.id for p in self.tied],
            "patterns": [p.as_json() for p in self.patterns],
            "metrics": self.metrics.as_json(),
            "unanswered": list(self.unanswered),
            "benchmarks": {
                u.benchmark.id: {
                    "band": u.band.label,
                    "value": u.band.value,
                    "verdict": verdicts[u.benchmark.metric].as_json()
                    if u.benchmark.metric in verdicts
                    else None,
                }
                for u in self.bands
            },
            "key_figures": list(self.key_figures),
            "notes": self.notes,
            "coverage": self.coverage.as_json() if self.coverage else None,
            "conflicts": [c.as_json() for c in self.conflicts],
        }
