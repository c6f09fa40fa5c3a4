"""What the report's pages on a client's respondents show: who counts and who is pending,
the combined read beside their own, and where the figures, roles, sponsor and answers
differ, with nothing shown for fewer people than the client's threshold."""

from __future__ import annotations

from typing import NamedTuple

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.client import fold
from quicktest.domain.clientread import ClientRead, Person
from quicktest.domain.read import Read


class PersonRow(NamedTuple):
    name: str
    role: str
    state: str
    answered: str
    date: str
    dominant: str  # their own dominant pattern; "" where it may not be shown
    sponsor: bool
    is_this_read: bool  # a session's own report: the respondent it reads


class CombinedRow(NamedTuple):
    name: str
    level: str
    score: str
    percent: int
    spread: str  # the lowest and highest of the respondents' own scores, where shown


class Disagreement(NamedTuple):
    number: int
    prompt: str
    answers: list[tuple[str, str | None]]  # who (a name, or how many) and the answer


class GapRow(NamedTuple):
    pattern: str
    gap: str
    high: str
    low: str


class ScoreRow(NamedTuple):
    pattern: str
    level: str
    score: str
    percent: int


class OwnRead(NamedTuple):
    """One respondent's own read, as the client's report shows it after the combined read."""

    person: PersonRow
    patterns: list[ScoreRow]


class RespondentsView(NamedTuple):
    of_client: bool  # the report is the client's (else one respondent's, this_read)
    this_read: str | None
    people: list[PersonRow]
    pending: list[PersonRow]
    dominant: str | None
    tied: str  # the patterns tied at the top of the combined read, in words, or ""
    combined: list[CombinedRow]
    disagreements: list[Disagreement]
    figure_conflicts: list[str]
    groups: list[str]  # "CFO (2)", in the order of the gaps' roles
    gaps: list[GapRow]
    sponsor: str | None
    sponsor_rows: list[tuple[str, str, str, str]]  # pattern, sponsor, others, gap
    threshold: int  # the client's anonymity threshold (1: none)
    reads: list[OwnRead]  # each respondent's own read, where shown (a client's report)
    appendix: list[Disagreement]  # every question's answers (a client's report)


def _person(bank: Bank, person: Person, read: Read | None, this_read: str) -> PersonRow:
    top = read.dominant if read else None
    return PersonRow(
        person.name,
        person.role or "",
        person.state,
        f"{person.answered} of {len(bank.questions)}",
        person.date or "",
        (top.pattern.name if top else "none") if read else "",
        person.sponsor,
        bool(this_read) and fold(person.name) == this_read,
    )


def _answers(bank: Bank, client: ClientRead, only_differing: bool) -> list[Disagreement]:
    number = {q.id: i for i, q in enumerate(bank.questions, 1)}
    found = []
    for answers in client.disagreements if only_differing else client.answers:
        question = bank.question_by_id[answers.question]
        labels = {o.id: o.label for o in question.options}
        if answers.by:
            given = [(name, labels.get(option or "")) for name, option in answers.by]
        else:
            given = [(f"{count} ×", labels[option]) for option, count in answers.counts]
        found.append(Disagreement(number[answers.question], question.prompt, given))
    return found


def respondents_view(bank: Bank, full: FullRead) -> RespondentsView:
    """The page on a client's respondents: who counts and who is pending, the combined read,
    where the figures, the roles, the sponsor and the answers differ; and, in a client's
    report, each one's own read."""
    client = full.client
    assert client is not None
    this_read = "" if full.of_client else fold(full.read.given.respondent or "")
    names = {p.id: p.name for p in bank.patterns}
    reads: list[Read | None] = list(client.reads) or [None] * len(client.people)
    people = [_person(bank, p, r, this_read) for p, r in zip(client.people, reads, strict=True)]

    def own_scores(pattern_id: str) -> list[float]:
        return [
            next(p.score for p in read.patterns if p.pattern.id == pattern_id)
            for read in client.reads
        ]

    combined = []
    for c in client.combined.patterns:
        theirs = own_scores(c.pattern.id)
        spread = f"{min(theirs):.2f} to {max(theirs):.2f}" if theirs else ""
        combined.append(
            CombinedRow(c.pattern.name, c.level, f"{c.score:.2f}", round(c.score * 100), spread)
        )
    sponsor_rows = []
    if client.sponsor:
        own, others = client.sponsor
        sponsor_rows = [
            (
                p.name,
                f"{own.scores[p.id]:.2f}",
                f"{others.scores[p.id]:.2f}",
                f"{own.scores[p.id] - others.scores[p.id]:+.2f}",
            )
            for p in bank.patterns
        ]
    return RespondentsView(
        of_client=full.of_client,
        this_read=None if full.of_client else full.read.given.respondent or "this respondent",
        people=people,
        pending=[_person(bank, p, None, this_read) for p in client.pending],
        dominant=names.get(client.combined.dominant.pattern.id)
        if client.combined.dominant
        else None,
        tied=client.combined.tie_names,
        combined=combined,
        disagreements=_answers(bank, client, only_differing=True),
        figure_conflicts=[c.words(client.named) for c in client.figures.conflicts],
        groups=[f"{g.name} ({g.size})" for g in client.groups],
        gaps=[
            GapRow(
                names[g.pattern],
                f"{g.size:.2f}",
                f"{g.high[0]} {g.high[1]:.2f}",
                f"{g.low[0]} {g.low[1]:.2f}",
            )
            for g in client.gaps
        ],
        sponsor=client.sponsor[0].name if client.sponsor else None,
        sponsor_rows=sponsor_rows,
        threshold=client.client.threshold,
        reads=[
            OwnRead(
                person,
                [
                    ScoreRow(p.pattern.name, p.level, f"{p.score:.2f}", round(p.score * 100))
                    for p in read.patterns
                ],
            )
            for person, read in zip(people, client.reads, strict=False)
        ]
        if full.of_client
        else [],
        appendix=_answers(bank, client, only_differing=False) if full.of_client else [],
    )
