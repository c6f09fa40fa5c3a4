"""A company's figures: every metric its respondents gave, the newest value of each, and
each metric two respondents gave differently, named like a conflict. Figures belong to the
company, not to whoever typed them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from quicktest.domain.metrics import ALL, Metrics
from quicktest.domain.session import Session
from quicktest.domain.units import Value, plain, show_value


def label(session: Session) -> str:
    """How a respondent is named: their name, or their session for one left unnamed."""
    return session.respondent or f"session {session.id}"


class FigureConflict(NamedTuple):
    """Respondents who gave different values for one metric: every value, and whose is used
    (the newest session's); or a value the read leaves out because it cannot stand beside
    the others used (`left_out` says why)."""

    metric: str
    values: tuple[tuple[str, Value], ...]  # (respondent, value), newest first
    left_out: str = ""

    def words(self, named: bool) -> str:
        """In words; without names, the values given in their own order (not the
        respondents'), so that none can be matched to who gave it."""
        spec = ALL[self.metric]
        if named:
            given = "; ".join(f"{who} gave {show_value(spec, v)}" for who, v in self.values)
        else:
            given = "respondents gave " + ", ".join(show_value(spec, v) for v in self._unnamed())
        if self.left_out:
            return f"{spec.label}: {given}. The company's read leaves it out: {self.left_out}."
        used = show_value(spec, self.values[0][1])
        newest = ", the newest" if named else ""  # with the dates, it would say whose
        return f"{spec.label}: {given}. The company's read uses {used}{newest}."

    def _unnamed(self) -> list[Value]:
        return sorted(
            {v for _, v in self.values}, key=lambda v: v if isinstance(v, float) else v[-1]
        )

    def as_json(self, named: bool) -> dict[str, Any]:
        values: list[dict[str, Any]]
        if named:
            values = [{"respondent": who, "value": plain(v)} for who, v in self.values]
        else:
            values = [{"respondent": None, "value": plain(v)} for v in self._unnamed()]
        used = None if self.left_out else plain(self.values[0][1])
        return {"metric": self.metric, "values": values, "used": used}


class Figures(NamedTuple):
    """The company's figures, from its respondents' sessions."""

    metrics: Metrics
    given_by: Mapping[str, str]  # metric -> the respondent whose value is used
    conflicts: tuple[FigureConflict, ...]


def figures_of(sessions: Sequence[Session]) -> Figures:
    """Every metric the sessions give (newest first): the newest value of each, and each
    metric given differently by two respondents, named."""
    ordered = sorted(sessions, key=lambda s: s.date, reverse=True)  # stable: store order
    given: dict[str, Value] = {}
    given_by: dict[str, str] = {}
    values: dict[str, list[tuple[str, Value]]] = {}
    for session in ordered:
        for name, value in session.metrics.items():
            given.setdefault(name, value)
            given_by.setdefault(name, label(session))
            values.setdefault(name, []).append((label(session), value))
    conflicts = {
        name: FigureConflict(name, tuple(found))
        for name, found in values.items()
        if len({v for _, v in found}) > 1
    }
    nrr, grr = given.get("nrr"), given.get("grr")
    if isinstance(nrr, float) and isinstance(grr, float) and grr > nrr + 1e-9:
        # Each respondent's pair held together; the newest of each, from two people, may not.
        del given["grr"], given_by["grr"]
        conflicts["grr"] = FigureConflict(
            "grr",
            tuple(values["grr"]),
            f"{show_value(ALL['grr'], grr)} is above the NRR of {show_value(ALL['nrr'], nrr)} "
            "it uses, and GRR, which leaves expansion out, is never higher; agree the two "
            "figures and give them again",
        )
    return Figures(Metrics(given), given_by, tuple(conflicts.values()))
