"""A read as text for a terminal: dominant pattern, strengths, evidence, progress measures."""

from __future__ import annotations

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.hinges import Hinge, hinges_on
from quicktest.domain.metrics import ALL
from quicktest.domain.read import Evidence, PatternRead, Read
from quicktest.domain.wayout import WayOut
from quicktest.faces.figures import TONE_STYLE, key_figures
from quicktest.faces.levels import LEVEL_STYLE, bar
from quicktest.faces.text.style import Out

BASIS_WORDS = {"answers": "answers", "metrics": "metrics", "answers+metrics": "answers and metrics"}


def basis_line(read: Read, total_questions: int) -> str:
    return (
        f"Read from {BASIS_WORDS[read.basis]} · {len(read.given.answers)} of "
        f"{total_questions} questions answered"
    )


def _evidence(out: Out, pattern: PatternRead, full: FullRead) -> None:
    rows = []
    for item in pattern.evidence:
        if item.status == "not held":
            continue
        points = f"{item.points:+g}" if item.points else "·"
        style = "green" if item.points < 0 else "dim" if not item.points else ""
        who = given_by(full, item) if full.of_client else ""
        ref = f"{item.ref} · {who}" if who else item.ref
        rows.append((points, (item.source, "dim"), (f"{item.text}  ({ref})", style)))
    out.table(rows, right=(0,), indent=2, gap=1)


def given_by(full: FullRead, item: Evidence) -> str:
    """Who gave a piece of a client's combined read: by name, or how many where names may
    not be shown."""
    source = full.client.source(item) if full.client else None
    if source is None:
        return ""
    if source.names:
        return ", ".join(source.names)
    return f"{source.given} respondent{'s' * (source.given != 1)}"


def render(bank: Bank, full: FullRead, out: Out) -> None:
    """A read: one respondent's, or a client's (its combined read, then its respondents)."""
    read = full.read
    if full.of_client:
        from quicktest.faces.text.client import header

        header(bank, full, out)
    else:
        who = (read.given.client, read.given.respondent, read.given.date)
        if any(who):
            out.line((" · ".join(x for x in who if x), "bold"))
        out.line((basis_line(read, len(bank.questions)), "dim"))
    body(bank, full, out)
    if full.of_client:
        from quicktest.faces.text.client import sections

        sections(bank, full, out)


def body(bank: Bank, full: FullRead, out: Out) -> None:
    """The read after its header: how sure it is, its warnings, the dominant pattern, every
    pattern's strength and evidence, what would change it and how to measure progress."""
    read = full.read
    if read.coverage and read.coverage.confidence:
        out.paragraph(f"{read.coverage.words()}.", style="dim")
    for doubt in full.file_warnings:  # doubts about the figures come before the verdict
        out.paragraph(f"Check the revenue file: {doubt.message}", style="bold yellow")
    for reading in full.figure_warnings:
        out.paragraph(f"Warning: {reading.says}", style="bold yellow")
    out.blank()
    if read.tied:
        first = read.tied[0]
        out.line(
            ("Tied at the top: ", "bold"),
            (read.tie_names, LEVEL_STYLE[first.level]),
            f"  ({first.level}, {first.score:.2f} each)",
        )
        out.paragraph(
            "No single pattern dominates: the evidence points to these equally.", indent=2
        )
    elif read.dominant:
        top = read.dominant
        out.line(
            ("Dominant pattern: ", "bold"),
            (top.pattern.name, LEVEL_STYLE[top.level]),
            f"  ({top.level}, {top.score:.2f})",
        )
        capped = top.capped_words()
        if capped:
            out.paragraph(capped, indent=2, style="yellow")
        out.paragraph(top.pattern.definition, indent=2)
        out.paragraph(f"Caps: {ALL[top.pattern.caps].label}", indent=2, style="dim")
    else:
        out.line(("No dominant pattern: nothing reaches the threshold.", "bold green"))
    _key_figures(bank, full, out)
    out.blank()
    out.table(
        [
            (
                p.pattern.name,
                (bar(p.score), LEVEL_STYLE[p.level]),
                f"{p.score:.2f}",
                (p.level, LEVEL_STYLE[p.level]),
                ALL[p.pattern.caps].label,
            )
            for p in read.patterns
        ],
        header=("Pattern", "Strength", "Score", "Level", "Caps"),
    )
    for p in read.patterns:
        if p.level == "none" and not p.moved_by:
            continue
        out.blank()
        out.line((f"Evidence: {p.pattern.name}", "bold"))
        _evidence(out, p, full)
    if read.conflicts:
        out.blank()
        out.line(("Where the answers and the figures disagree", "bold"))
        for conflict in read.conflicts:
            prompt = bank.question_by_id[conflict.question].prompt
            out.paragraph(f"{prompt} {conflict.words()}", indent=2, bullet="• ")
    if not full.of_client:  # no single answer stands for a company's read
        _hinges(bank, full.hinges, out)
    for out_of in full.way_out or ():
        _way_out(bank, out_of, out)
    for named in read.tied or ((read.dominant,) if read.dominant else ()):
        out.blank()
        out.line((f"How to measure progress on {named.pattern.name}", "bold"))
        for measure in named.pattern.progress:
            out.paragraph(measure.says, indent=2, bullet="• ")
    if read.unanswered:
        out.blank()
        out.paragraph("Unanswered: " + ", ".join(read.unanswered), style="dim")
    for note in full.notes:
        out.paragraph(f"Note: {note}", style="yellow")


def _key_figures(bank: Bank, full: FullRead, out: Out) -> None:
    """The figures the read leads with, each against its benchmark where the bank has one."""
    figures = key_figures(bank, full)
    if not figures:
        return
    out.blank()
    out.line(("Key figures", "bold"))
    out.table(
        [
            (
                f.label,
                f.value,
                (f.verdict or "No benchmark in this bank", TONE_STYLE.get(f.tone, "dim")),
            )
            for f in figures
        ],
        indent=2,
        gap=2,
    )


def _hinges(bank: Bank, hinges: tuple[Hinge, ...], out: Out) -> None:
    """What the call hinges on: the answers to probe and the figures to check."""
    out.blank()
    if not hinges:
        out.line(("What this read hinges on: ", "bold"), "no single answer or figure given")
        return
    names = [ALL[ref].label if ref in ALL else ref for ref in hinges_on(hinges)]
    out.paragraph(f"What this read hinges on: {', '.join(names)}", style="bold")
    for hinge in hinges:
        out.paragraph(hinge.words(bank), indent=2, bullet="• ")


def _way_out(bank: Bank, out_of: WayOut, out: Out) -> None:
    """A pattern's way out: healthier moves, each line taken whole, and where it would land."""
    out.blank()
    out.line((f"The way out of {out_of.name} ({out_of.level})", "bold"))
    if not out_of.ways:
        out.paragraph("No healthier figure or practice given would take it lower.", indent=2)
    for way in out_of.ways:
        moves = "; ".join(
            f"{bank.question_by_id[c.ref].prompt} '{c.to}' (now '{c.was}')"
            if c.kind == "answer"
            else f"{ALL[c.ref].label} from {c.was} to {c.to}"
            for c in way.changes
        )
        out.paragraph(
            f"{moves}: {out_of.name} would read {way.level} ({way.score:.2f}).",
            indent=2,
            bullet="• ",
        )
