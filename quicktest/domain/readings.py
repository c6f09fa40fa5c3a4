"""The bank's readings of the figures themselves, shown beside any read whose figures meet
them, whether or not a pattern is dominant: the NRR range a figure falls in where the bank
warns of it (a base shrinking materially), and the bank's warnings on combinations of
figures (a high NRR on a thin base, NRR given without GRR beside it). Each carries its code.
"""

from __future__ import annotations

from typing import NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.compiled import tables_of
from quicktest.domain.metrics import Metrics, fill
from quicktest.domain.scoring import choose_bands


class FigureReading(NamedTuple):
    code: str  # the reading's id in the bank
    says: str  # in words, the figures filled in

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "says": self.says}


def figure_readings(bank: Bank, metrics: Metrics) -> tuple[FigureReading, ...]:
    """Every reading of the bank's that these figures meet, the NRR range's first; one that
    cannot be decided says nothing."""
    if not metrics:
        return ()
    nrr = metrics.value("nrr")
    reading = None if nrr is None else bank.nrr_range(nrr)
    ranged = (
        (FigureReading(reading.id, fill(reading.warning, metrics)),)
        if reading and reading.warning
        else ()
    )
    return (*ranged, *figure_warnings(bank, metrics))


def figure_warnings(bank: Bank, metrics: Metrics) -> tuple[FigureReading, ...]:
    """The bank's warnings on combinations of these figures (`metric_warnings`) that hold."""
    bands = {u.benchmark.id: u.band for u in choose_bands(bank, metrics)}
    current = metrics.current
    return tuple(
        FigureReading(warning.id, fill(warning.says, metrics))
        for holds, warning in tables_of(bank).warnings
        if all(name not in current for name in warning.without) and holds(current, bands, [])
    )
