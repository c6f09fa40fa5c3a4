"""How every face that draws in a terminal shows a pattern's strength: a colour per level and
a bar. Shared by the text read and the app, which may not import each other."""

from __future__ import annotations

LEVEL_STYLE = {"strong": "bold red", "moderate": "yellow", "weak": "cyan", "none": "dim"}


def bar(score: float, width: int = 12) -> str:
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled)
