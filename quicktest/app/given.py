"""What a read is made of, as a face names it: an answers file or a stored session, with a
metrics file and a revenue file merged in (a client's read is `clients.client_full_read`)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from quicktest.app.revenue import RevenueReport, RevenueSpec, read_file
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.domain.metrics import Metrics
from quicktest.domain.response import Response

if TYPE_CHECKING:
    from quicktest.domain.session import Session

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")


class Inputs(NamedTuple):
    ref: str | None = None  # an answers file or a session id
    client: str | None = None  # instead of ref: the client's read
    metrics_file: str | None = None
    revenue: RevenueSpec | None = None
    currency: str | None = None  # the amounts' currency, as the command names it


class Given(NamedTuple):
    response: Response  # with the metrics file merged; the revenue file is applied in the read
    session: Session | None  # the stored session it came from, if any
    revenue: RevenueReport | None


def response_of(workspace: Workspace, ref: str) -> tuple[Response, Session | None]:
    """The response of an answers file or of a stored session, and the session (None for a
    file). A name that is not a file and does not look like one is a session id."""
    suffix = os.path.splitext(ref)[1].lower()
    if os.path.isfile(ref) or suffix in ANSWER_SUFFIXES or os.sep in ref:
        from quicktest.sources.answersfile import load_answers

        return load_answers(ref, workspace.bank), None
    unknown = f"{ref!r} is neither an answers file nor a session id"
    if not workspace.has_store:
        raise InputError(unknown, field="ANSWERS", hint="no session store yet")
    try:
        session = workspace.store.get(ref)
    except InputError as exc:
        raise InputError(unknown, field="ANSWERS", hint=exc.hint) from None
    return session.response(workspace.bank), session


def with_metrics_file(metrics: Metrics, path: str | None) -> Metrics:
    """Metrics with a metrics file's merged in: its figures win, and each one it replaces is
    noted."""
    if not path:
        return metrics
    from quicktest.sources.answersfile import load_metrics_file

    return metrics.merged(load_metrics_file(path), "the metrics file")


def given(workspace: Workspace, inputs: Inputs) -> Given:
    """The response of the file or session the inputs name, with their metrics file merged
    in (its figures win, and each one it replaces is noted), and their revenue file read."""
    if not inputs.ref:
        raise InputError("give an answers file, a session id or --client NAME", field="ANSWERS")
    response, session = response_of(workspace, inputs.ref)
    response = response._replace(metrics=with_metrics_file(response.metrics, inputs.metrics_file))
    revenue = read_file(workspace.bank, inputs.revenue) if inputs.revenue else None
    return Given(response, session, revenue)
