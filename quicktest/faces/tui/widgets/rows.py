"""A list row whose wrapped lines start under its text, not under its number or arrow:

3. What we give to keep them; price, credits or extra
   service
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text


class Hanging:
    """Lines of a lead (a number, an arrow, or nothing) and a text, the text's continuation
    lines indented to it. Its str() is its plain text, as shown."""

    def __init__(self, *lines: tuple[Text | str, Text | str]) -> None:
        self.lines = [(Text(lead) if isinstance(lead, str) else lead, body) for lead, body in lines]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for lead, body in self.lines:
            grid.add_row(lead, Text(body) if isinstance(body, str) else body)
        yield grid

    def __str__(self) -> str:
        return "\n".join(f"{lead.plain}{body}" for lead, body in self.lines)
