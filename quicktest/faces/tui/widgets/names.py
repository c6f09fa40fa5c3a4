"""Who answers: the client, the respondent and their role, as three fields side by side (the
start screen asks for them; the review corrects them). Names are the user's own text: shown
and kept as typed, never read as markup."""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from quicktest.domain.response import MAX_NAME, SUGGESTED_ROLES


class Names(NamedTuple):
    client: str
    respondent: str
    role: str


class NameFields(Horizontal):
    def __init__(self, names: Names, id: str | None = None) -> None:
        super().__init__(id=id)
        self.names = names

    def compose(self) -> ComposeResult:
        roles = SuggestFromList(SUGGESTED_ROLES, case_sensitive=False)
        fields = (
            ("client", "Client", "optional", None),
            ("respondent", "Respondent", "optional", None),
            ("role", "Role", "CEO, CFO…", roles),
        )
        for name, label, placeholder, suggester in fields:
            with Vertical(classes="field"):
                yield Label(label)
                yield Input(
                    getattr(self.names, name),
                    placeholder=placeholder,
                    id=name,
                    max_length=MAX_NAME,
                    suggester=suggester,
                    compact=True,
                )

    def values(self) -> Names:
        """The names as typed, without spaces around them."""
        return Names(*(self.query_one(f"#{name}", Input).value.strip() for name in Names._fields))
