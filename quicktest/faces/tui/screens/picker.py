"""Pick a new answer for one question, over the review: the choice goes to the app, which
saves it and sends every screen the changed session."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from quicktest.domain.bank import Question
from quicktest.faces.tui.messages import AnswerChosen
from quicktest.faces.tui.widgets.more import ScrollingList
from quicktest.faces.tui.widgets.rows import Hanging


class OptionPicker(ModalScreen[None]):
    """Pick a new answer for one question; Esc leaves it as it was."""

    BINDINGS = [
        Binding("1", "pick(0)", "Choose", key_display="1-9 ⏎"),
        *(Binding(str(n), f"pick({n - 1})", show=False) for n in range(2, 10)),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, question: Question, chosen: str | None) -> None:
        super().__init__()
        self.question = question
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(self.question.prompt), id="picker-prompt")
            yield ScrollingList(
                *(
                    Option(Hanging((f"{n}. ", o.label)), id=o.id)
                    for n, o in enumerate(self.question.options, 1)
                ),
                id="picker-options",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [o.id for o in self.question.options]
        options.highlighted = ids.index(self.chosen) if self.chosen in ids else 0

    @on(OptionList.OptionSelected)
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.action_pick(event.option_index)

    def action_pick(self, number: int) -> None:
        if number >= len(self.question.options):
            return
        option = self.question.options[number].id
        if option != self.chosen:
            self.app.post_message(AnswerChosen(self.question.id, option, None))
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
