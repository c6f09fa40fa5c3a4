"""What the report templates show, prepared from a read: words and numbers, no markup."""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand
from quicktest.domain.compare import Respondents
from quicktest.domain.metrics import ALL, INPUTS
from quicktest.domain.read import Evidence, PatternRead, Read, joined
from quicktest.domain.units import format_value, show_value
from quicktest.domain.wayout import Way, WayOut
from quicktest.faces.report.chart import Chart, pair_chart

BASIS_WORDS = {
    "answers": "the answers alone",
    "metrics": "the metrics alone",
    "answers+metrics": "the answers and the metrics",
}


@dataclass(frozen=True)
class EvidenceRow:
    points: str
    source: str
    text: str
    about: str  # the question and the answer given, or the metric


@dataclass(frozen=True)
class MoveView:
    kind: str  # "answer" or "metric"
    what: str  # the question, or the metric
    was: str
    to: str


@dataclass(frozen=True)
class WayView:
    moves: list[MoveView]
    score: str
    level: str
    progress: list[str]  # the pattern's measures that track these moves


@dataclass(frozen=True)
class PatternView:
    id: str
    name: str
    level: str
    score: str
    percent: int
    caps: str
    definition: str
    why: str
    signs: list[str]
    fix: str
    progress: list[str]
    watch: str
    evidence: list[EvidenceRow]
    unknown: list[str]  # metrics that would confirm or weaken it, not given
    capped: str | None  # why its level is below what its score alone reads, if it is
    way_out: list[WayView]  # healthier changes that would take it below its level


@dataclass(frozen=True)
class MetricRow:
    label: str
    value: str
    note: str


@dataclass(frozen=True)
class Retention:
    nrr: str
    grr: str
    reading: str
    band: str
    benchmark: str
    grr_benchmark: str


@dataclass(frozen=True)
class AppendixRow:
    number: int
    prompt: str
    answer: str | None


@dataclass(frozen=True)
class Source:
    label: str
    band: str | None  # None: the client gave no figure to compare
    source: str


@dataclass(frozen=True)
class Respondent:
    key: str  # a letter that heads the respondent's column in the combined table
    name: str
    answered: str
    dominant: str
    is_this_read: bool


@dataclass(frozen=True)
class CombinedRow:
    name: str
    level: str
    score: str
    percent: int
    scores: list[str]  # each respondent's, in the order of RespondentsView.people


@dataclass(frozen=True)
class Disagreement:
    number: int
    prompt: str
    answers: list[tuple[str, str | None]]  # respondent, answer label


@dataclass(frozen=True)
class RespondentsView:
    people: list[Respondent]
    dominant: str | None
    tied: str  # the patterns tied at the top of the combined read, in words, or ""
    combined: list[CombinedRow]
    disagreements: list[Disagreement]


@dataclass(frozen=True)
class BrandView:
    firm: str
    prepared_by: str | None
    contact: str | None
    logo: str | None  # the logo's file URI, which the fetcher allows
    colours: str  # CSS custom properties from validated #hex colours only


@dataclass(frozen=True)
class ReportView:
    title: str
    client: str
    running_client: str  # the client in the running header: cut to fit beside the section
    client_length: str  # "", "long" or "longer": the cover sets a long name smaller
    respondent: str | None
    date: str
    paper: str
    bank: str
    basis: str
    answered: int
    total_questions: int
    dominant: PatternView | None
    tied: list[PatternView]  # patterns called alike at the top: no dominant one
    patterns: list[PatternView]
    detailed: list[PatternView]
    unanswered: list[str]
    metrics: list[MetricRow]
    retention: Retention | None
    chart: Chart | None
    appendix: list[AppendixRow]
    sources: list[Source]
    notes: list[str]
    respondents: RespondentsView | None
    levels: str  # the bank's levels in words: "strong from 0.60, moderate from 0.35, ..."
    dominant_level: str
    margin_pattern: str | None  # the pattern that caps gross margin, named under the chart
    warnings: list[str]  # doubts about a revenue file, and the bank's warnings on the figures
    stale: list[AppendixRow]  # answers given against an earlier bank, left out of the read
    confidence: str  # how much evidence the read rests on, in words
    confidence_steps: list[str]  # the bank's rule, for the method page
    conflicts: list[str]  # answers the figures contradict, both sides and the side followed
    firm: str  # whose report it is, in the running header: quicktest, or the brand's firm
    footer: str
    brand: BrandView | None


def _evidence_row(bank: Bank, read: Read, item: Evidence) -> EvidenceRow:
    if item.source == "answer":
        question = bank.question_by_id[item.ref]
        option = question.option(read.given.answers[item.ref])
        about = f"{question.prompt} Answered: {option.label}."
    else:
        about = ALL[item.ref].label
    points = "≠" if item.status == "conflict" else f"{item.points:+g}"
    return EvidenceRow(points, item.source, item.text, about)


def _way(bank: Bank, way: Way) -> WayView:
    moves = [
        MoveView(
            c.kind,
            bank.question_by_id[c.ref].prompt if c.kind == "answer" else ALL[c.ref].label,
            c.was,
            c.to,
        )
        for c in way.changes
    ]
    return WayView(moves, f"{way.score:.2f}", way.level, list(way.progress))


def _pattern(bank: Bank, read: Read, p: PatternRead, ways: dict[str, WayOut]) -> PatternView:
    pattern = p.pattern
    out = ways.get(pattern.id)
    return PatternView(
        pattern.id,
        pattern.name,
        p.level,
        f"{p.score:.2f}",
        round(p.score * 100),
        ALL[pattern.caps].label,
        pattern.definition,
        pattern.why,
        pattern.signs,
        pattern.fix,
        [m.says for m in pattern.progress],
        pattern.watch,
        [_evidence_row(bank, read, e) for e in p.moved_by],
        [ALL[name].label for name in p.unknown],
        p.capped_words(),
        [_way(bank, w) for w in out.ways] if out else [],
    )


def _metric_rows(read: Read) -> list[MetricRow]:
    rows = []
    for name, value in read.metrics.given.items():
        spec = ALL[name]
        shown = show_value(spec, value, " → ")
        note = "computed from the revenue file" if name in read.metrics.computed else spec.help
        rows.append(MetricRow(spec.label, shown, note))
    for name, value in read.metrics.derived.items():
        rows.append(
            MetricRow(ALL[name].label, format_value(ALL[name], value), f"derived: {ALL[name].help}")
        )
    return rows


def _retention(bank: Bank, read: Read) -> Retention | None:
    nrr, grr = read.metrics.value("nrr"), read.metrics.value("grr")
    if nrr is None:
        return None
    pct = INPUTS["nrr"]
    nrr_used, grr_used = read.band_for("nrr"), read.band_for("grr")
    return Retention(
        format_value(pct, nrr),
        "not provided" if grr is None else format_value(pct, grr),
        bank.nrr_reading(nrr),
        "" if nrr_used is None else nrr_used.band.label,
        "" if nrr_used is None else format_value(pct, nrr_used.band.value),
        ""
        if grr_used is None
        else f"{format_value(pct, grr_used.band.edge('low'))} to "
        f"{format_value(pct, grr_used.band.edge('high'))}",
    )


def _called(read: Read) -> str:
    """A respondent's call in a table cell: the dominant pattern, a tie, or none."""
    if read.tied:
        return f"tie: {read.tie_names}"
    return read.dominant.pattern.name if read.dominant else "none"


def _respondents(bank: Bank, group: Respondents) -> RespondentsView:
    """The page on a client's respondents; the first of them is the one this report reads."""
    total = len(bank.questions)
    names = {p.id: p.name for p in bank.patterns}
    number = {q.id: i for i, q in enumerate(bank.questions, 1)}
    return RespondentsView(
        people=[
            Respondent(
                ascii_uppercase[i] if i < len(ascii_uppercase) else str(i + 1),
                name,
                f"{len(r.given.answers)} of {total}",
                _called(r),
                i == 0,
            )
            for i, (name, r) in enumerate(zip(group.names, group.reads, strict=True))
        ],
        dominant=names.get(group.dominant or ""),
        tied=joined([names[t] for t in group.tied]),
        combined=[
            CombinedRow(
                c.name,
                c.level,
                f"{c.score:.2f}",
                round(c.score * 100),
                [f"{s:.2f}" for s in c.scores],
            )
            for c in group.combined
        ],
        disagreements=[
            Disagreement(number[q], bank.question_by_id[q].prompt, list(answers.items()))
            for q, answers in group.disagreements
        ],
    )


def build(
    bank: Bank, full: FullRead, paper: str, date: str, brand: Brand | None = None
) -> ReportView:
    read = full.read
    respondents = full.respondents
    ways = {w.pattern: w for w in full.way_out}
    patterns = [_pattern(bank, read, p, ways) for p in read.patterns]
    detailed = [p for p in patterns if bank.at_least(p.level, bank.dominant)]
    dominant = patterns[0] if read.dominant else None
    tied = patterns[: len(read.tied)]
    metrics = read.metrics
    return ReportView(
        title=f"Revenue pattern read: {read.given.client or 'unnamed client'}",
        client=read.given.client or "Unnamed client",
        running_client=_shortened(read.given.client or "Unnamed client", RUNNING_HEADER),
        client_length=_length_class(read.given.client or ""),
        respondent=read.given.respondent,
        date=date,
        paper=paper,
        bank=f"{bank.title}, version {bank.version}",
        basis=BASIS_WORDS[read.basis],
        answered=len(bank.questions) - len(read.unanswered),
        total_questions=len(bank.questions),
        dominant=dominant,
        tied=tied,
        patterns=patterns,
        detailed=detailed,
        unanswered=[bank.question_by_id[q].prompt for q in read.unanswered],
        metrics=_metric_rows(read) if metrics else [],
        retention=_retention(bank, read),
        chart=pair_chart(metrics.series("nrr_history"), metrics.series("gross_margin")),
        appendix=[
            AppendixRow(
                i,
                q.prompt,
                q.option(read.given.answers[q.id]).label if q.id in read.given.answers else None,
            )
            for i, q in enumerate(bank.questions, 1)
        ],
        sources=[
            Source(
                u.benchmark.label,
                u.band.label if metrics.value(u.benchmark.metric) is not None else None,
                u.benchmark.source,
            )
            for u in read.bands
        ],
        notes=full.notes,
        respondents=_respondents(bank, respondents) if respondents else None,
        levels=", ".join(f"{lv.name} from {lv.threshold:.2f}" for lv in bank.levels),
        dominant_level=bank.dominant,
        margin_pattern=next((p.name for p in bank.patterns if p.caps == "gross_margin"), None),
        warnings=list(full.warnings),
        stale=[
            AppendixRow(0, _stale_prompt(bank, s.question_id), s.option_id)
            for s in read.given.stale
        ],
        confidence=read.coverage.words() if read.coverage else "",
        confidence_steps=[
            f"{step.name} from {step.start:.0%}"
            + (f", called {step.at_most} at most" if step.at_most else "")
            for step in bank.confidence
        ],
        conflicts=[f"{bank.question_by_id[c.question].prompt} {c.words()}" for c in read.conflicts],
        firm=brand.firm if brand else "quicktest",
        footer=(brand.footer or f"Confidential · prepared by {brand.firm}")
        if brand
        else "Confidential · prepared with quicktest",
        brand=_brand(brand) if brand else None,
    )


def _brand(brand: Brand) -> BrandView:
    colours = {"--accent": brand.accent, "--ink": brand.text}
    return BrandView(
        brand.firm,
        brand.prepared_by,
        brand.contact,
        brand.logo.as_uri() if brand.logo else None,
        " ".join(f"{name}: {value};" for name, value in colours.items() if value),
    )


RUNNING_HEADER = 48  # characters of the client's name that fit the running header's half line


def _length_class(name: str) -> str:
    """How long a name is for the cover's type size: up to 40 characters at full size."""
    return "" if len(name) <= 40 else "long" if len(name) <= 90 else "longer"


def _shortened(text: str, limit: int) -> str:
    """A name cut at a word where one falls near the limit, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;·-") + "…"


def _stale_prompt(bank: Bank, question_id: str) -> str:
    question = bank.question_by_id.get(question_id)
    return question.prompt if question else question_id
