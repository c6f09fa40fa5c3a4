"""A client's read as text: who it stands for and who is still pending, then (after the
combined read) where the figures given differ, where the roles and the sponsor see the
company differently, where the respondents disagree, and each one's own read."""

from __future__ import annotations

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.changes import Call
from quicktest.domain.clientread import ClientRead, Person
from quicktest.faces.levels import LEVEL_STYLE
from quicktest.faces.text.style import Out


def _client(full: FullRead) -> ClientRead:
    assert full.client is not None
    return full.client


def _person(bank: Bank, person: Person) -> str:
    role = f", {person.role}" if person.role else ""
    sponsor = ", sponsor" if person.sponsor else ""
    answered = f"{person.answered} of {len(bank.questions)} answered"
    date = f", {person.date}" if person.date else ""
    return f"{person.name}{role}{sponsor} ({person.state}, {answered}{date})"


def header(bank: Bank, full: FullRead, out: Out) -> None:
    """Whose read it is: the client, everyone it combines and everyone still pending."""
    client = _client(full)
    count = len(client.people)
    out.line(
        (client.client.name, "bold"),
        f" · combined read of {count} respondent{'s' * (count != 1)} · {full.read.given.date}",
    )
    for person in client.people:
        out.paragraph(_person(bank, person), indent=2, bullet="• ")
    if client.pending:
        out.paragraph(
            "Not counted, no answers yet: " + "; ".join(_person(bank, p) for p in client.pending),
            style="dim",
        )
    if client.client.threshold > 1:
        out.paragraph(
            f"Anonymity: no figure stands for fewer than {client.client.threshold} respondents.",
            style="dim",
        )


def sections(bank: Bank, full: FullRead, out: Out) -> None:
    """What follows a client's combined read."""
    client = _client(full)
    named = client.named
    if client.figures.conflicts:
        out.blank()
        out.line(("Where the figures given differ", "bold"))
        for conflict in client.figures.conflicts:
            out.paragraph(conflict.words(named), indent=2, bullet="• ")
    names = {p.id: p.name for p in bank.patterns}
    if client.groups:
        out.blank()
        out.line(("Where the roles see it differently", "bold"))
        out.table(
            [
                (
                    names[gap.pattern],
                    f"{gap.size:.2f}",
                    f"{gap.high[0]} {gap.high[1]:.2f} · {gap.low[0]} {gap.low[1]:.2f}",
                )
                for gap in client.gaps
            ],
            header=("Pattern", "Gap", "Highest · lowest role"),
            right=(1,),
            indent=2,
        )
        out.paragraph(
            "Roles: " + "; ".join(f"{g.name} ({g.size})" for g in client.groups),
            indent=2,
            style="dim",
        )
    if client.sponsor:
        own, others = client.sponsor
        out.blank()
        out.line((f"The sponsor, {own.name}, beside the {others.size} others", "bold"))
        out.table(
            [
                (
                    p.name,
                    f"{own.scores[p.id]:.2f}",
                    f"{others.scores[p.id]:.2f}",
                    f"{own.scores[p.id] - others.scores[p.id]:+.2f}",
                )
                for p in bank.patterns
            ],
            header=("Pattern", "Sponsor", "Others", "Gap"),
            right=(1, 2, 3),
            indent=2,
        )
    _disagreements(bank, client, out)
    if client.reads:
        out.blank()
        out.line(("Each respondent's own read", "bold"))
        for person, read in zip(client.people, client.reads, strict=True):
            top = read.dominant
            verdict = (
                (f"{top.pattern.name} ({top.level}, {top.score:.2f})", LEVEL_STYLE[top.level])
                if top
                else (Call.of(read).words(bank), "dim")
            )
            out.line(f"  {person.name}: ", verdict)


def _disagreements(bank: Bank, client: ClientRead, out: Out) -> None:
    out.blank()
    differ = client.disagreements
    if not differ:
        out.paragraph("They gave the same answer to every question they both answered.")
        return
    out.paragraph(
        f"They disagree on {len(differ)} of {len(bank.questions)} questions: each is worth a "
        "conversation.",
        style="bold yellow",
    )
    for answers in differ:
        question = bank.question_by_id[answers.question]
        out.paragraph(question.prompt, indent=2)
        labels = {o.id: o.label for o in question.options}
        if answers.by:
            for name, option in answers.by:
                answer = labels.get(option or "", "(not answered)")
                out.paragraph(f"{name}: {answer}", indent=4, style="dim")
        else:
            for option, count in answers.counts:
                out.paragraph(f"{count} × {labels[option]}", indent=4, style="dim")


def compared(bank: Bank, full: FullRead, out: Out) -> None:
    """A client's respondents compared: whose read it is, the combined scores (the range of
    theirs beside each, where they may be shown), then how they compare."""
    client = _client(full)
    header(bank, full, out)
    out.blank()
    out.line(
        ("Combined read (mean of their scores): ", "bold"),
        (Call.of(full.read).words(bank), "bold"),
    )
    rows = []
    for p in full.read.patterns:
        own = [r.patterns for r in client.reads]
        scores = [next(q.score for q in found if q.pattern.id == p.pattern.id) for found in own]
        spread = f"{min(scores):.2f} to {max(scores):.2f}" if scores else ""
        rows.append((p.pattern.name, f"{p.score:.2f}", (p.level, LEVEL_STYLE[p.level]), spread))
    out.table(rows, header=("Pattern", "Score", "Level", "Theirs"), right=(1,), indent=2)
    sections(bank, full, out)
