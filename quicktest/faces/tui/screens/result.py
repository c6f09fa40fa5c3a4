"""The read on the spot: the dominant pattern, every pattern's strength, the evidence.

Three panes, each scrolling and saying when it holds more: the headline (the call, its
warnings and notes, the session's state), the patterns, and the highlighted one's evidence.
Tab moves between them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.hinges import hinges_on
from quicktest.domain.metrics import ALL
from quicktest.domain.read import PatternRead
from quicktest.domain.session import FINISHED, Session
from quicktest.faces.figures import TONE_STYLE, key_figures
from quicktest.faces.levels import LEVEL_STYLE, bar
from quicktest.faces.tui.messages import ExportRequested, Finished, Navigate, SessionChanged
from quicktest.faces.tui.widgets.more import ScrollingList, ScrollingPane


class ResultScreen(Screen[None]):
    BINDINGS = [
        Binding("w", "what_if", "What if"),
        Binding("e", "export", "PDF"),
        Binding("f", "finish", "Finish"),
        Binding("b", "back", "Review"),
        Binding("n", "new", "New test"),
        Binding("tab", "app.focus_next", "Pane"),
        Binding("q", "quit", "Quit"),
        # Ctrl+Q quits here as everywhere; the footer says it once, as q
        Binding("ctrl+q", "quit", show=False, priority=True),
    ]

    def __init__(self, bank: Bank, session: Session, read: FullRead) -> None:
        super().__init__()
        self.bank = bank
        self.session = session
        self.full = read  # the app's one read of the session
        self.read = read.read

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="result"):
            with ScrollingPane(id="headline"):
                yield Static(id="dominant")
            with Horizontal(id="result-body"):
                yield ScrollingList(id="patterns", markup=False)
                with ScrollingPane(id="detail"):
                    yield Static(id="evidence")
        yield Footer(show_command_palette=False)  # room for every key at 70 columns

    def on_mount(self) -> None:
        self.query_one("#dominant", Static).update(self._headline())
        patterns = self.query_one("#patterns", OptionList)
        for p in self.read.patterns:
            patterns.add_option(
                Option(
                    Text.assemble(
                        (f"{p.pattern.name}\n", "bold"),
                        (bar(p.score, 12), LEVEL_STYLE[p.level]),
                        f" {p.score:.2f} ",
                        (p.level, LEVEL_STYLE[p.level]),
                    ),
                    id=p.pattern.id,
                )
            )
        patterns.highlighted = 0
        patterns.focus()

    @on(SessionChanged)
    def changed(self, message: SessionChanged) -> None:
        """The session finished (or otherwise changed): its state line follows."""
        self.session = message.session
        self.query_one("#dominant", Static).update(self._headline())

    def _headline(self) -> Text:
        top = self.read.dominant
        tied = self.read.tied
        if tied:
            headline = Text.assemble(
                ("Tied at the top: ", "bold"),
                (self.read.tie_names, f"bold {LEVEL_STYLE[tied[0].level]}"),
                f" ({tied[0].level}, {tied[0].score:.2f} each)\n",
                ("No single pattern dominates: the evidence points to these equally.", ""),
            )
        elif top:
            headline = Text.assemble(
                ("Dominant pattern: ", "bold"),
                (top.pattern.name, f"bold {LEVEL_STYLE[top.level]}"),
                f" ({top.level}, {top.score:.2f})\n",
                (top.pattern.definition, ""),
                (f"\nCaps: {ALL[top.pattern.caps].label}", "dim"),
            )
        else:
            headline = Text.assemble(
                ("No dominant pattern", "bold green"),
                ": nothing reaches the threshold on this read.",
            )
        coverage = self.read.coverage
        if coverage and coverage.confidence:
            headline.append(f"\n{coverage.words()}.", style="dim")
        capped = top.capped_words() if top else None
        if capped:
            headline.append(f"\n{capped}", style="yellow")
        for conflict in self.read.conflicts:
            headline.append(f"\n{conflict.words()}", style="yellow")
        for doubt in self.full.file_warnings:
            headline.append(f"\nCheck the revenue file: {doubt.message}", style="bold yellow")
        for reading in self.full.figure_warnings:
            headline.append(f"\nWarning: {reading.says}", style="bold yellow")
        if self.full.hinges:
            names = [ALL[r].label if r in ALL else r for r in hinges_on(self.full.hinges)]
            headline.append(f"\nThis read hinges on: {', '.join(names)} (w to try)", style="cyan")
        for note in self.full.notes:
            headline.append(f"\nNote: {note}", style="yellow")
        for figure in key_figures(self.bank, self.full):
            headline.append(f"\n{figure.label} {figure.value}", style="bold")
            headline.append(
                f": {figure.verdict or 'no benchmark in this bank'}",
                style=TONE_STYLE.get(figure.tone, "dim"),
            )
        state = self.session.progress(self.bank)
        if state == FINISHED:
            headline.append("\nThis session is finished.", style="dim")
        else:
            headline.append(f"\nThis session is {state}: f finishes it.", style="dim")
        return headline

    @on(OptionList.OptionHighlighted, "#patterns")
    def show_pattern(self, event: OptionList.OptionHighlighted) -> None:
        chosen = next(p for p in self.read.patterns if p.pattern.id == event.option.id)
        self.query_one("#evidence", Static).update(self._detail(chosen, self._hinges()))
        self.query_one("#detail", ScrollingPane).scroll_home(animate=False)

    def _hinges(self) -> list[str]:
        return [h.words(self.bank) for h in self.full.hinges]

    @staticmethod
    def _detail(p: PatternRead, hinges: list[str]) -> Text:
        text = Text()
        text.append(f"{p.pattern.name}", style="bold")
        text.append(f" · caps {ALL[p.pattern.caps].label}\n", style="dim")
        text.append("Evidence\n", style="bold underline")
        if not p.moved_by:
            text.append("Nothing in this read points to it.\n", style="dim")
        for item in p.moved_by:
            if item.status == "conflict":
                text.append("≠ ", style="bold yellow")
            else:
                text.append(f"{item.points:+g} ", style="green" if item.points < 0 else "bold")
            text.append(f"{item.text}\n")
        unknown = [ALL[name].label for name in p.unknown]
        if unknown:
            text.append(f"Not provided: {', '.join(unknown)}\n", style="dim italic")
        text.append("\nHow to measure progress\n", style="bold underline")
        for measure in p.pattern.progress:
            text.append(f"• {measure.says}\n")
        if hinges:
            text.append("\nWhat this read hinges on\n", style="bold underline")
            for words in hinges:
                text.append(f"• {words}\n")
        return text

    def action_what_if(self) -> None:
        self.post_message(Navigate("what_if"))

    def action_finish(self) -> None:
        self.app.post_message(Finished())

    def action_export(self) -> None:
        self.post_message(ExportRequested())

    def action_back(self) -> None:
        self.post_message(Navigate("review"))

    def action_new(self) -> None:
        self.post_message(Navigate("start"))

    async def action_quit(self) -> None:
        await self.app.run_action("quit")  # the app's quit: it warns while answers wait
