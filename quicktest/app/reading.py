"""The full read: the engine's read of a response with everything a face shows beside it,
computed once here so that text, JSON, the app, the PDF and the web form show the same.

That is the read itself (scores, levels, evidence, conflicts, coverage, a tie at the top),
the notes on its input (figures a revenue file replaced, stale answers), every warning (the
revenue file's doubts and the bank's readings of the figures), the way out of each pattern
called (for the client), what the call hinges on (for the consultant), and its client's
read: the read a client's report leads with, or the page a session's report gets about its
client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.app.given import Inputs, given
from quicktest.app.revenue import RevenueReport, read_file, with_revenue
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError
from quicktest.domain.hinges import Hinge, hinges
from quicktest.domain.read import Read
from quicktest.domain.readings import FigureReading, figure_readings
from quicktest.domain.response import Response
from quicktest.domain.scoring import score

if TYPE_CHECKING:  # loaded only where used: a client's report, a revenue file, a session
    from quicktest.domain.clientread import ClientRead
    from quicktest.domain.portfolio import Standing
    from quicktest.domain.retention import DataWarning
    from quicktest.domain.session import Session
    from quicktest.domain.wayout import WayOut


class FullRead(NamedTuple):
    read: Read
    file_warnings: tuple[DataWarning, ...]  # why a revenue file's figures may be doubtful
    figure_warnings: tuple[FigureReading, ...]  # the bank's readings of the figures
    way_out: tuple[WayOut, ...] | None = None  # per pattern called, healthier changes that
    # lower it; None where it was not asked for (it takes a hundred reads or so)
    hinges: tuple[Hinge, ...] = ()  # the changes that would change the call
    client: ClientRead | None = None  # its client's read, where it has one
    among: Standing | None = None  # a client's place among the consultant's clients
    currency: str | None = None  # the amounts' currency: the command's, else the revenue file's

    @property
    def of_client(self) -> bool:
        """Whether this is a client's read (the combined read of its respondents), not one
        respondent's."""
        return self.client is not None and self.read is self.client.combined

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning in words: the revenue file's first, then the bank's on the figures."""
        return (*(w.message for w in self.file_warnings), *(r.says for r in self.figure_warnings))

    @property
    def notes(self) -> list[str]:
        return self.read.notes

    def as_json(self, with_changes: bool = True) -> dict[str, Any]:
        """The read in JSON; `with_changes` adds the way out and the hinges; a client's read
        adds its respondents, each one's own read and how they compare."""
        out = self.client.as_json() if self.of_client and self.client else self.read.as_json()
        out["warnings"] = list(self.warnings)
        out["readings"] = [r.as_json() for r in self.figure_warnings]
        if with_changes:
            if self.way_out is not None:
                out["way_out"] = [w.as_json() for w in self.way_out]
            out["hinges"] = [h.as_json() for h in self.hinges]
        return out


def full_read(
    bank: Bank,
    response: Response,
    revenue: RevenueReport | None = None,
    client: ClientRead | None = None,
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
        _way_out(bank, read) if with_way_out else None,
        hinges(bank, read) if with_hinges else (),
        client,
    )


def read_inputs(
    workspace: Workspace,
    inputs: Inputs,
    with_client: bool = False,
    with_way_out: bool = True,
    with_hinges: bool = True,
) -> FullRead:
    """The full read of what a command names: a client's read for `--client`, else the read
    of a file or a session; `with_client` adds, to a session's read, a page about its
    client's respondents (for a report); `with_way_out` its way out (for the client: `score`
    leaves it out unless asked); `with_hinges` what the call hinges on (for the consultant:
    the report leaves it out)."""
    if inputs.client:
        if inputs.ref:
            raise InputError("give ANSWERS or --client, not both", field="--client")
        revenue = read_file(workspace.bank, inputs.revenue) if inputs.revenue else None
        full = client_full_read(workspace, inputs.client, inputs.metrics_file, revenue)
    else:
        found = given(workspace, inputs)
        client = None
        if with_client and found.session is not None:  # a file has no client page
            from quicktest.app.clients import client_page

            client = client_page(workspace, found.session)
        revenue = found.revenue
        full = full_read(workspace.bank, found.response, revenue, client, with_way_out, with_hinges)
    return full._replace(currency=inputs.currency or (revenue.currency if revenue else None))


def client_full_read(
    workspace: Workspace,
    name: str,
    metrics_file: str | None = None,
    revenue: RevenueReport | None = None,
) -> FullRead:
    """A client's read for a face: the combined read of its respondents, with the company's
    figures (and any metrics and revenue file), their warnings and readings, and the
    client's read beside it (who answered, who is pending, each one's own read, how they
    compare). No way out or hinges: no single answer stands for the company's."""
    from quicktest.app.clients import with_files

    found = with_files(workspace, name, metrics_file, revenue)
    metrics = found.combined.metrics
    return FullRead(
        found.combined,
        revenue.file_warnings if revenue else (),
        figure_readings(workspace.bank, metrics),
        client=found,
    )


def exported_read(
    workspace: Workspace, session: Session, revenue: RevenueReport | None = None
) -> FullRead:
    """What the app exports for a session: its client's read, led by the combined read of
    every respondent with answers (this one among them once it has some); the session's own
    read where it has no client, or its client's read cannot be shown (no one has answered,
    or fewer than the client's anonymity threshold), or the store cannot be read now."""
    if session.client:
        try:
            return client_full_read(workspace, session.client, revenue=revenue)
        except InputError:
            pass
    return full_read(workspace.bank, session.response(workspace.bank), revenue)


def _way_out(bank: Bank, read: Read) -> tuple[WayOut, ...]:
    """The way out, loaded with its search only when asked for (`score` spares it)."""
    from quicktest.domain.wayout import way_out

    return way_out(bank, read)
