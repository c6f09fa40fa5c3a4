"""A list row whose wrapped lines start under its text, not under its number or arrow:

3. What we give to keep them; price, credits or extra
   service
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text


class Hanging:
    """Lines of a lead (a number, an arrow, or nothing) and a text, the text's continuation
    lines indented to it. Its str() is its plain text, as shown. (Wrapped by Rich's own Text,
    not a table: the first question on screen does not wait for rich.table to load.)"""

    def __init__(self, *lines: tuple[Text | str, Text | str]) -> None:
        self.lines = [
            (
                Text(lead) if isinstance(lead, str) else lead,
                Text(body) if isinstance(body, str) else body,
            )
            for lead, body in lines
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = max(lead.cell_len for lead, _ in self.lines)
        for lead, body in self.lines:
            first = lead.copy()
            first.pad_right(indent - lead.cell_len)
            for n, line in enumerate(body.wrap(console, max(1, options.max_width - indent))):
                line.rstrip()
                yield Text.assemble(first if n == 0 else " " * indent, line)

    def __str__(self) -> str:
        return "\n".join(f"{lead.plain}{body.plain}" for lead, body in self.lines)
