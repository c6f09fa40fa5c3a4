"""The full read: the engine's read of a response with everything a face shows beside it,
computed once here so that text, JSON, the app, the PDF and the web form show the same.

That is the read itself (scores, levels, evidence, conflicts, coverage, a tie at the top),
the notes on its input (figures a revenue file replaced, stale answers), every warning (the
revenue file's doubts and the bank's readings of the figures), the way out of each pattern
called (for the client), what the call hinges on (for the consultant), and, for a client
with several respondents, how they compare.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.app.given import Inputs, given
from quicktest.app.revenue import RevenueReport, with_revenue
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.hinges import Hinge, hinges
from quicktest.domain.read import Read
from quicktest.domain.readings import FigureReading, figure_readings
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.domain.wayout import WayOut, way_out

if TYPE_CHECKING:  # loaded only where used: a client's report, a revenue file, a session
    from quicktest.domain.compare import Respondents
    from quicktest.domain.retention import DataWarning
    from quicktest.domain.session import Session


class FullRead(NamedTuple):
    read: Read
    file_warnings: tuple[DataWarning, ...]  # why a revenue file's figures may be doubtful
    figure_warnings: tuple[FigureReading, ...]  # the bank's readings of the figures
    way_out: tuple[WayOut, ...] = ()  # per pattern called, healthier changes that lower it
    hinges: tuple[Hinge, ...] = ()  # the changes that would change the call
    respondents: Respondents | None = None  # the client's respondents, this read's first

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning in words: the revenue file's first, then the bank's on the figures."""
        return (*(w.message for w in self.file_warnings), *(r.says for r in self.figure_warnings))

    @property
    def notes(self) -> list[str]:
        return self.read.notes

    def as_json(self, with_changes: bool = True) -> dict[str, Any]:
        """The read in JSON; `with_changes` adds the way out and the hinges."""
        out = self.read.as_json()
        out["warnings"] = list(self.warnings)
        out["readings"] = [r.as_json() for r in self.figure_warnings]
        if with_changes:
            out["way_out"] = [w.as_json() for w in self.way_out]
            out["hinges"] = [h.as_json() for h in self.hinges]
        return out


def full_read(
    bank: Bank,
    response: Response,
    revenue: RevenueReport | None = None,
    respondents: Respondents | None = None,
    with_way_out: bool = True,
    with_hinges: bool = True,
) -> FullRead:
    """The read of a response, a revenue file's figures applied by the one rule for them;
    the way out and the hinges, each a few hundred reads more, only when asked for."""
    response = with_revenue(response, revenue)
    read = score(bank, response)
    return FullRead(
        read,
        revenue.file_warnings if revenue else (),
        figure_readings(bank, response.metrics),
        way_out(bank, read) if with_way_out else (),
        hinges(bank, read) if with_hinges else (),
        respondents,
    )


def read_inputs(
    workspace: Workspace, inputs: Inputs, with_respondents: bool = False
) -> tuple[FullRead, Session | None]:
    """The full read of what a command names, and the stored session it came from, if any;
    `with_respondents` adds the session's client's other respondents (for a report)."""
    found = given(workspace, inputs)
    others = None
    if with_respondents:
        from quicktest.app.clients import respondents_of_session

        others = respondents_of_session(workspace, found.session)
    read = full_read(workspace.bank, found.response, found.revenue, others)
    return read, found.session
