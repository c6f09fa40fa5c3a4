"""The optional metrics: each field checked as it is typed, shown as understood ("= 1.2%")
and saved once it is valid."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static

from quicktest.domain.errors import InputError
from quicktest.domain.metrics import INPUTS, check_consistent
from quicktest.domain.session import Session
from quicktest.domain.units import as_typed, parse_text, understood
from quicktest.faces.tui.messages import MetricChanged
from quicktest.faces.tui.widgets.more import ScrollingPane


class MetricsScreen(Screen[None]):
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", key_display="tab ⏎"),
        Binding("shift+tab", "app.focus_previous", "Previous"),
        Binding("escape", "done", "Done"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.values = dict(session.metrics)  # as typed so far; the app keeps the session

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Optional figures confirm or weaken each pattern: 115% (or 1.15), 1.2M or 250K, "
            "quarters oldest first split by ; (78%; 76%). Each is shown as understood and "
            "saved once valid.",
            id="metrics-intro",
        )
        with ScrollingPane(id="metrics"):
            for spec in INPUTS.values():
                value = self.values.get(spec.name)
                with Horizontal(classes="metric-row field"):
                    with Vertical(classes="metric-label"):
                        yield Label(spec.label, classes="metric-name")
                        yield Static(spec.help, classes="metric-help")
                    with Vertical(classes="metric-field"):
                        yield Input(
                            "" if value is None else as_typed(spec, value),
                            placeholder=spec.unit,
                            id=f"m-{spec.name}",
                            compact=True,
                        )
                        yield Static(
                            "" if value is None else understood(spec, as_typed(spec, value)),
                            id=f"e-{spec.name}",
                            classes="metric-note",
                            markup=False,
                        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("m-")
        spec = INPUTS[name]
        try:
            value = parse_text(spec, event.value)
            shown = understood(spec, event.value)
            candidate = (
                {**self.values, name: value}
                if value is not None
                else {k: v for k, v in self.values.items() if k != name}
            )
            check_consistent(candidate, "metrics")
        except InputError as exc:
            self._mark(name, exc.message)
            return
        self._mark(name, None, shown)
        if self.values.get(name) != value:
            self.values = candidate
            self.app.post_message(MetricChanged(name, value))

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next(Input)

    def _mark(self, name: str, problem: str | None, shown: str = "") -> None:
        """Beside the field: what is wrong with it, or the value as it will be saved."""
        self.query_one(f"#m-{name}", Input).set_class(problem is not None, "-invalid")
        note = self.query_one(f"#e-{name}", Static)
        note.set_class(problem is not None, "-invalid")
        note.update(problem or shown)

    def action_done(self) -> None:
        self.dismiss(None)
