"""Where things live: the shipped question bank and templates, and the user's session store."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    """A folder shipped with quicktest: inside the wheel, or at the top of a source checkout."""
    inside = _PACKAGE / "_shipped" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def questions_dir(override: str | None = None) -> Path:
    chosen = override or os.environ.get("QUICKTEST_QUESTIONS")
    return Path(chosen) if chosen else _shipped("questions")


def templates_dir() -> Path:
    return _shipped("reports") / "templates"
