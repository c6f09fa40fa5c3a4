"""What the report templates show, prepared from a read: words and numbers, no markup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand
from quicktest.domain.clientread import ClientRead
from quicktest.domain.metrics import ALL, INPUTS
from quicktest.domain.read import Evidence, PatternRead, Read, Verdict
from quicktest.domain.units import format_value, show_value
from quicktest.domain.wayout import Way, WayOut
from quicktest.faces.report.brandview import BrandView, brand_view
from quicktest.faces.report.chart import Chart, pair_chart
from quicktest.faces.report.respondents import RespondentsView, respondents_view

# The amounts' currency where neither the command, the revenue file nor the brand names one:
# the bank's benchmark amounts (ARR per employee, the ACV bands) are US surveys in dollars.
DEFAULT_CURRENCY = "USD"

BASIS_WORDS = {
    "answers": "the answers alone",
    "metrics": "the metrics alone",
    "answers+metrics": "the answers and the metrics",
}


class EvidenceRow(NamedTuple):
    points: str
    source: str
    text: str
    about: str  # the question and the answer given, or the metric


class MoveView(NamedTuple):
    kind: str  # "answer" or "metric"
    what: str  # the question, or the metric
    was: str
    to: str
    direction: str  # a metric's healthy way, "up" or "down" ("" for an answer)


class WayView(NamedTuple):
    moves: list[MoveView]
    score: str
    level: str
    progress: list[str]  # the pattern's measures that track these moves


class PatternView(NamedTuple):
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
    caps_id: str  # the metric it holds down, by name


class FigureVerdict(NamedTuple):
    """A figure against its benchmark, in the bank's words."""

    words: str  # "Below the benchmark of 88% to 90% (private B2B SaaS median): behind peers"
    position: str  # above, within, below
    tone: str  # better, worse, or "" (within, or no healthier side)
    source: str  # the benchmark's source


class MetricRow(NamedTuple):
    name: str
    label: str
    value: str  # a series quarter by quarter: "78% → 76% → 73%"
    latest: str  # its latest value alone
    first: str  # a series' oldest value ("" for one value)
    quarters: int  # how many quarters a series holds (1 for one value)
    meaning: str  # what the figure means, in the bank's words for a client ("" where none)
    provenance: str  # "from the revenue file", "given by Dana Lee", or ""
    verdict: FigureVerdict | None


class Retention(NamedTuple):
    nrr: str
    grr: str
    reading: str
    nrr_verdict: FigureVerdict | None
    grr_verdict: FigureVerdict | None


class AppendixRow(NamedTuple):
    number: int
    prompt: str
    answer: str | None


class Source(NamedTuple):
    label: str
    band: str | None  # None: the client gave no figure to compare
    source: str


class ReportView(NamedTuple):
    title: str
    client: str
    who: str  # the cover's line: whose answers, or how many respondents it combines
    answered_words: str  # "5 of 7 questions answered" (by at least one, for a client)
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
    patterns: list[PatternView]
    detailed: list[PatternView]
    tied: list[PatternView]  # patterns called alike at the top: no dominant one
    unanswered: list[str]
    metrics: list[MetricRow]
    key_figures: list[MetricRow]  # the summary's: the few figures that matter most, judged
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
    way_out_shown: bool  # a client's combined read has no single answer to change
    among: list[tuple[str, str, int]]  # pattern, score, percentile among the clients
    among_clients: int
    currency: str  # the amounts' currency code
    amounts_in: str  # the currency code where the figures hold an amount, else ""
    firm: str  # whose report it is, in the running header: quicktest, or the brand's firm
    footer: str
    brand: BrandView | None


def _evidence_row(bank: Bank, full: FullRead, item: Evidence) -> EvidenceRow:
    """A piece of evidence and where it came from: the question and the answer given (and,
    in a client's read, by whom, or by how many)."""
    source = full.client.source(item) if full.of_client and full.client else None
    if item.source == "answer":
        question = bank.question_by_id[item.ref]
        chosen = source.option if source else full.read.given.answers.get(item.ref)
        option = question.option(chosen or "")
        answer = option.label if option else ""
        if source is None:
            about = f"{question.prompt} Answered: {answer}."
        else:
            about = (
                f"{question.prompt} Answered by {_givers(source.names, source.given)}: {answer}."
            )
    else:
        about = ALL[item.ref].label
    points = "≠" if item.status == "conflict" else f"{item.points:+g}"
    return EvidenceRow(points, item.source, item.text, about)


def _givers(names: tuple[str, ...], count: int) -> str:
    return ", ".join(names) if names else f"{count} respondent{'s' * (count != 1)}"


def _way(bank: Bank, way: Way) -> WayView:
    moves = [
        MoveView(
            c.kind,
            bank.question_by_id[c.ref].prompt if c.kind == "answer" else ALL[c.ref].label,
            c.was,
            c.to,
            bank.healthy.get(c.ref, "") if c.kind == "metric" else "",
        )
        for c in way.changes
    ]
    return WayView(moves, f"{way.score:.2f}", way.level, list(way.progress))


def _pattern(bank: Bank, full: FullRead, p: PatternRead, ways: dict[str, WayOut]) -> PatternView:
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
        [_evidence_row(bank, full, e) for e in p.moved_by],
        [ALL[name].label for name in p.unknown],
        p.capped_words(),
        [_way(bank, w) for w in out.ways] if out else [],
        pattern.caps,
    )


def _verdict(bank: Bank, verdict: Verdict | None, currency: str) -> FigureVerdict | None:
    if verdict is None:
        return None
    return FigureVerdict(
        verdict.sentence(bank.verdicts, currency),
        verdict.position,
        verdict.tone or "",
        verdict.used.benchmark.source,
    )


def _metric_rows(
    bank: Bank, read: Read, given_by: Mapping[str, str], currency: str
) -> list[MetricRow]:
    """Each figure as a client reads it: its value (amounts in their currency), what it
    means, where it came from, and where the bank has a benchmark, the verdict against it."""
    verdicts = read.verdicts
    shown: list[tuple[str, str]] = [
        (name, show_value(ALL[name], value, " → ", currency))
        for name, value in read.metrics.given.items()
    ]
    shown += [
        (name, format_value(ALL[name], value, currency))
        for name, value in read.metrics.derived.items()
    ]
    shown.sort(key=lambda item: item[0] not in verdicts)  # those a benchmark judges first
    rows = []
    for name, value in shown:
        now = read.metrics.value(name)
        series = read.metrics.series(name)
        if name in read.metrics.computed:
            provenance = "from the revenue file"
        elif name in given_by:
            provenance = f"given by {given_by[name]}"
        else:
            provenance = ""
        rows.append(
            MetricRow(
                name,
                ALL[name].label,
                value,
                value if now is None else format_value(ALL[name], now, currency),
                format_value(ALL[name], series[0], currency) if len(series) > 1 else "",
                max(len(series), 1),
                bank.meanings.get(name, ""),
                provenance,
                _verdict(bank, verdicts.get(name), currency),
            )
        )
    return rows


def _retention(bank: Bank, read: Read, currency: str) -> Retention | None:
    nrr, grr = read.metrics.value("nrr"), read.metrics.value("grr")
    if nrr is None:
        return None
    pct = INPUTS["nrr"]
    verdicts = read.verdicts
    return Retention(
        format_value(pct, nrr),
        "not provided" if grr is None else format_value(pct, grr),
        bank.nrr_reading(nrr),
        _verdict(bank, verdicts.get("nrr"), currency),
        _verdict(bank, verdicts.get("grr"), currency),
    )


def build(
    bank: Bank, full: FullRead, paper: str, date: str, brand: Brand | None = None
) -> ReportView:
    """The report's data: one respondent's read, or a client's (its combined read first)."""
    read = full.read
    client = full.client
    ways = {w.pattern: w for w in full.way_out or ()}
    patterns = [_pattern(bank, full, p, ways) for p in read.patterns]
    detailed = [p for p in patterns if bank.at_least(p.level, bank.dominant)]
    dominant = patterns[0] if read.dominant else None
    metrics = read.metrics
    currency = full.currency or (brand.currency if brand else None) or DEFAULT_CURRENCY
    given_by = client.figures.given_by if full.of_client and client else {}
    rows = _metric_rows(bank, read, given_by, currency) if metrics else []
    return ReportView(
        title=f"Revenue pattern read: {read.given.client or 'unnamed client'}",
        client=read.given.client or "Unnamed client",
        who=_who(full, date),
        answered_words=_answered_words(bank, full),
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
        patterns=patterns,
        detailed=detailed,
        tied=patterns[: len(read.tied)],
        unanswered=[bank.question_by_id[q].prompt for q in read.unanswered],
        metrics=rows,
        key_figures=[row for name in read.key_figures for row in rows if row.name == name],
        retention=_retention(bank, read, currency),
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
        respondents=respondents_view(bank, full) if client and _has_others(client) else None,
        way_out_shown=not full.of_client,
        among=[
            (p.pattern.name, f"{p.score:.2f}", full.among.percentiles[p.pattern.id])
            for p in read.patterns
        ]
        if full.among
        else [],
        among_clients=full.among.clients if full.among else 0,
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
        currency=currency,
        amounts_in=currency if any(ALL[r.name].unit == "currency" for r in rows) else "",
        firm=brand.firm if brand else "quicktest",
        footer=(brand.footer or f"Confidential · prepared by {brand.firm}")
        if brand
        else "Confidential · prepared with quicktest",
        brand=brand_view(brand) if brand else None,
    )


def _has_others(client: ClientRead) -> bool:
    """Whether a client's read stands for more than one person, counted or pending: a lone
    respondent's client read is their own, and needs no page on its respondents."""
    return len(client.people) + len(client.pending) > 1


def _who(full: FullRead, date: str) -> str:
    """The cover's line under the client's name."""
    if full.of_client and full.client:
        count = len(full.client.people)
        return f"Combined read of {count} respondent{'s' * (count != 1)} · {date}"
    respondent = full.read.given.respondent
    return f"Answers by {respondent} · {date}" if respondent else date


def _answered_words(bank: Bank, full: FullRead) -> str:
    answered = len(bank.questions) - len(full.read.unanswered)
    words = f"{answered} of {len(bank.questions)} questions answered"
    return f"{words} by at least one of them" if full.of_client else words


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
