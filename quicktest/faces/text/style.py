"""Terminal text without a rendering library: styles as ANSI codes on a terminal only, tables
with aligned columns and a wrapped last column, paragraphs wrapped to the terminal.

Text is written exactly as given (no markup language is parsed), so a client called
`Acme [legacy]` or `Foo [/bar]` is printed as such. Rich would cost 55 ms of every start-up.
"""

from __future__ import annotations

import os
import sys
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TextIO

from quicktest.faces.literal import literal

_CODES = {
    "bold": "1",
    "dim": "2",
    "italic": "3",
    "underline": "4",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
}


def width_of(text: str) -> int:
    """Columns a text takes on a terminal: wide (East Asian, emoji) characters take two."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _safe(text: str) -> str:
    """A text as written, never obeyed (`literal`): each call writes its own line ends, so a
    line break in a text is always someone's text."""
    return literal(text)


class Out:
    """Where text goes, and whether it may carry colour (a terminal, not NO_COLOR)."""

    def __init__(self, stream: TextIO | None = None, width: int | None = None) -> None:
        self.stream = stream or sys.stdout
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        # NO_COLOR (no-color.org) and a dumb terminal get plain text
        self.colour = tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS") or os.get_terminal_size().columns)
            except (OSError, ValueError):
                width = 80
        self.width = max(width, 40)

    def styled(self, text: str, style: str = "") -> str:
        text = _safe(text)
        if not (self.colour and style):
            return text
        codes = ";".join(_CODES[s] for s in style.split() if s in _CODES)
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def line(self, *parts: tuple[str, str] | str) -> None:
        """One line from parts, each a text or a (text, style) pair."""
        self.stream.write(
            "".join(self.styled(*p) if isinstance(p, tuple) else self.styled(p) for p in parts)
            + "\n"
        )

    def blank(self) -> None:
        self.stream.write("\n")

    def paragraph(self, text: str, indent: int = 0, style: str = "", bullet: str = "") -> None:
        """A paragraph wrapped to the width, indented; a bullet hangs before its first line."""
        lead = " " * indent + bullet
        lines = textwrap.wrap(
            text,
            self.width - 1,
            initial_indent=lead,
            subsequent_indent=" " * len(lead),
            break_on_hyphens=False,
        ) or [lead]
        for line in lines:
            self.line((line, style))

    def table(
        self,
        rows: Sequence[Sequence[tuple[str, str] | str]],
        header: Sequence[str] | None = None,
        right: Sequence[int] = (),
        indent: int = 0,
        gap: int = 2,
    ) -> None:
        """Rows of cells (text or (text, style)) in aligned columns; the last column wraps
        to the width left, and `right` names the columns aligned to the right."""
        cells = [[c if isinstance(c, tuple) else (c, "") for c in row] for row in rows]
        if header:
            cells.insert(0, [(h, "bold") for h in header])
        if not cells:
            return
        count = max(len(row) for row in cells)
        widths = [
            max((width_of(_safe(row[i][0])) for row in cells if i < len(row)), default=0)
            for i in range(count)
        ]
        used = indent + sum(widths[:-1]) + gap * (count - 1)
        last = max(self.width - 1 - used, 20)
        for row in cells:
            wrapped = textwrap.wrap(row[-1][0], last, break_on_hyphens=False) or [""]
            for n, tail in enumerate(wrapped):
                parts: list[str] = [" " * indent]
                for i, (text, style) in enumerate(row[:-1]):
                    shown = text if n == 0 else ""
                    pad = " " * (widths[i] - width_of(_safe(shown)))
                    aligned = (
                        pad + self.styled(shown, style)
                        if i in right
                        else (self.styled(shown, style) + pad)
                    )
                    parts.append(aligned + " " * gap)
                parts.append(self.styled(tail, row[-1][1]))
                self.stream.write("".join(parts).rstrip() + "\n")
