"""The models of a question bank's four YAML files (pydantic): what each key holds, checked
with the key's place. The JSON Schemas editors use are written from these."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from quicktest.sources.bankfolder import FILES

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, Field(min_length=1)]
# An answer's or a rule's points: a number as written (not "3", nor true), within a range
# a score can hold (1.7e308 twice would overflow to infinity and score nothing).
Points = Annotated[float, Field(ge=-10, le=10, strict=True)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --- conditions over metrics: a small all/any tree with comparison leaves -------------------


class BenchmarkRef(_Model):
    """A benchmark figure from the band chosen for this read, instead of a fixed number."""

    benchmark: Id
    edge: Literal["value", "low", "high"] = "value"


Bound = float | BenchmarkRef


class Compare(_Model):
    metric: str
    lt: Bound | None = None
    lte: Bound | None = None
    gt: Bound | None = None
    gte: Bound | None = None


class AllOf(_Model):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Model):
    any: list[Condition] = Field(min_length=1)


def _condition_kind(raw: Any) -> str | None:
    if isinstance(raw, dict):
        return "all-of" if "all" in raw else "any-of" if "any" in raw else "compare"
    if isinstance(raw, BaseModel):
        return {AllOf: "all-of", AnyOf: "any-of", Compare: "compare"}.get(type(raw))
    return None


Condition = Annotated[
    Annotated[AllOf, Tag("all-of")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[Compare, Tag("compare")],
    Discriminator(_condition_kind),
]
TAGS = {"all-of", "any-of", "compare"}
AllOf.model_rebuild()
AnyOf.model_rebuild()


# --- the four files -------------------------------------------------------------------------


class Levels(_Model):
    strong: float = Field(gt=0, le=1)
    moderate: float = Field(gt=0, le=1)
    weak: float = Field(gt=0, le=1)


class Confidence(_Model):
    """How sure a pattern's read can be, by the share of its evidence that is known."""

    from_: float = Field(alias="from", ge=0, le=1, description="share of evidence known")
    name: Text = Field(description="the words for it: 'a first signal'")
    at_most: Literal["strong", "moderate", "weak"] | None = Field(
        default=None, description="the strongest level a pattern may be called with this much"
    )
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Scoring(_Model):
    levels: Levels
    dominant: Literal["strong", "moderate", "weak"] = Field(
        description="the level a pattern must reach to be named dominant"
    )
    evidence_floor: float = Field(
        gt=0,
        description="possible points below which a score is scaled down: "
        "one small signal alone never reads as strong",
    )
    confidence: list[Confidence] = Field(
        default_factory=list,
        description="steps of evidence known, from 0 up; each may cap the level",
    )
    conflicts: Literal["figures", "answers"] = Field(
        default="figures",
        description="which side an answer contradicted by a metric follows, unless the "
        "contradiction says",
    )


class BankInfo(_Model):
    id: Id
    version: Text
    title: Text
    scoring: Scoring


class Contradiction(_Model):
    """Figures that say the opposite of an answer."""

    when: Condition
    says: Text = Field(description="what the figures show, in words; {metric} placeholders")
    follow: Literal["figures", "answers"] | None = None


class Option(_Model):
    id: Id
    label: Text
    reading: Text = Field(description="why this answer counts, in words, for the evidence")
    points: dict[Id, Points] = Field(
        default_factory=dict, description="pattern id -> how much this answer points to it"
    )
    contradicted_by: list[Contradiction] = Field(
        default_factory=list, description="figures that would say this answer is not so"
    )
    health: int | None = Field(
        default=None,
        ge=0,
        description="how healthy a practice this answer describes, within its question: "
        "higher is healthier; options ranked alike are different pathologies. The way out "
        "offers a change of answer only to a healthier one; an option without it, never",
    )


class Question(_Model):
    id: Id
    prompt: Text
    help: Text
    options: list[Option] = Field(min_length=2, max_length=9)


class QuestionsFile(_Model):
    questions: list[Question] = Field(min_length=1)


class MetricRule(_Model):
    when: Condition
    points: Points = Field(description="positive confirms, negative weakens")
    says: Text = Field(description="why it counts; {metric} placeholders show values")


class ProgressMeasure(_Model):
    """A way to measure progress, and what it tracks: the way out names it beside a change."""

    says: Text
    tracks: list[str] = Field(
        min_length=1, description="metric names and question ids this measure tracks"
    )


class Pattern(_Model):
    id: Id
    name: Text
    definition: Text
    why: Text
    caps: str = Field(description="the one metric this pattern holds down")
    signs: list[Text] = Field(min_length=3, max_length=5)
    fix: Text = Field(description="what changes when it is fixed")
    progress: list[Text | ProgressMeasure] = Field(
        min_length=3,
        max_length=5,
        description="how to measure progress: a text, or {says, tracks} to tie it to the way out",
    )
    watch: Text = Field(description="what to keep an eye on when the pattern is not present")
    metric_rules: list[MetricRule] = Field(default_factory=list)
    measured_by: list[str] | None = Field(
        default=None,
        description="the metrics that measure what the pattern claims; its rules may read no "
        "other. Without it, every metric its rules read",
    )


class PatternsFile(_Model):
    patterns: list[Pattern] = Field(min_length=1)


class Band(_Model):
    label: Text
    when: Condition | None = None
    value: float
    low: float | None = None
    high: float | None = None


class Benchmark(_Model):
    id: Id
    metric: str
    label: Text
    source: Text
    bands: list[Band] = Field(min_length=1)
    better: Literal["up", "down"] | None = Field(
        None,
        description="which side of the bands is the healthier one, for a figure's verdict "
        "(default: its metric's healthy_direction; none: above and below are only positions)",
    )


class Verdicts(_Model):
    """How the report words a figure against its benchmark band. {band} is the band's name,
    {range} its figures (88% to 90%, or one median); `better` and `worse` follow `above` or
    `below` where the benchmark says which side is the healthier one."""

    above: Text = "above the benchmark of {range} ({band})"
    within: Text = "within the benchmark of {range} ({band})"
    below: Text = "below the benchmark of {range} ({band})"
    better: Text = "ahead of peers"
    worse: Text = "behind peers"


class NrrReading(_Model):
    id: Id | None = Field(None, description="the code its warning carries (default: its place)")
    at_least: float | None = Field(None, description="lower edge; none for the lowest reading")
    says: Text
    warning: Text | None = Field(
        None,
        description="shown beside every read whose NRR falls in this range, dominant pattern "
        "or not; {metric} placeholders show values",
    )


class MetricWarning(_Model):
    id: Id | None = Field(None, description="the code the warning carries (default: its place)")
    when: Condition
    says: Text = Field(description="the warning; {metric} placeholders show values")
    without: list[str] = Field(
        default_factory=list,
        description="metrics whose absence the warning is about: it holds only when none of "
        "them is given (NRR read without GRR)",
    )


class BenchmarksFile(_Model):
    benchmarks: list[Benchmark] = Field(default_factory=list)
    nrr_readings: list[NrrReading] = Field(min_length=1, description="NRR ranges in words")
    metric_warnings: list[MetricWarning] = Field(
        default_factory=list,
        description="revenue figures worth a warning beside them, such as a high NRR on a "
        "base that is leaving",
    )
    healthy_direction: dict[str, Literal["up", "down"]] = Field(
        default_factory=dict,
        description="metric -> the way a healthier company moves it; the way out offers a "
        "metric only in this direction, and none without one",
    )
    verdicts: Verdicts = Field(
        default_factory=Verdicts, description="the words of a figure against its benchmark band"
    )
    metric_meanings: dict[str, Text] = Field(
        default_factory=dict,
        description="metric -> what the figure means, in a client's words, beside it in the "
        "report (a metric without one shows its name alone)",
    )


MODELS: dict[str, type[_Model]] = dict(
    zip(FILES, (BankInfo, QuestionsFile, PatternsFile, BenchmarksFile), strict=True)
)


KNOWN_KEYS = sorted(
    {
        key
        for model in (
            *MODELS.values(),
            Question,
            Option,
            Pattern,
            ProgressMeasure,
            MetricRule,
            Benchmark,
            Band,
            Compare,
            AllOf,
            AnyOf,
            BenchmarkRef,
            Levels,
            Scoring,
            Confidence,
            Contradiction,
            NrrReading,
            MetricWarning,
            Verdicts,
        )
        for key in model.model_fields
    }
)
