"""The figures a read leads with, in words: shared by the faces that list them (the text
read and the web form's read), which may not import each other. Which figures, and each
one's verdict, are the domain's (`Read.key_figures`, `Read.verdicts`); this only words them."""

from __future__ import annotations

from typing import NamedTuple

from quicktest.app.reading import FullRead
from quicktest.domain.bank import Bank
from quicktest.domain.metrics import ALL
from quicktest.domain.units import format_value

# How a terminal colours a verdict's tone (the text read and the app).
TONE_STYLE = {"better": "green", "worse": "yellow"}


class KeyFigure(NamedTuple):
    label: str
    value: str
    verdict: str  # against its benchmark band, in the bank's words; "" without a benchmark
    tone: str  # "better", "worse", or "" where the benchmark has no healthier side


def key_figures(bank: Bank, full: FullRead) -> list[KeyFigure]:
    read = full.read
    verdicts = read.verdicts
    shown = []
    for name in read.key_figures:
        value = read.metrics.value(name)
        verdict = verdicts.get(name)
        shown.append(
            KeyFigure(
                ALL[name].label,
                "" if value is None else format_value(ALL[name], value, full.currency),
                verdict.sentence(bank.verdicts, full.currency) if verdict else "",
                (verdict.tone or "") if verdict else "",
            )
        )
    return shown
