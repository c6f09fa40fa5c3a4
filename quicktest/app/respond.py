"""A respondent answering on their own, in a web form: the one session a private link or an
open quick test leads to, an answer or a skip, the metrics typed in a form, the session
marked answered, and the respondent's own read and PDF.

Every call reads the session afresh from the store and writes each change at once, so a
web server holds nothing between two requests: any process, on any machine sharing the
store, can answer the next one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import NamedTuple

from quicktest.app.invites import open_invite
from quicktest.app.reading import FullRead, full_read
from quicktest.app.report import Renderer, templates_cache, templates_folder
from quicktest.app.workspace import Workspace
from quicktest.domain.brand import Brand
from quicktest.domain.errors import InputError
from quicktest.domain.metrics import INPUTS, check_consistent
from quicktest.domain.response import Response
from quicktest.domain.session import FINISHED, IN_PROGRESS, Session
from quicktest.domain.units import Value, parse_text


class Respondent(NamedTuple):
    """Whom a request answers for: their session, and whether its read waits for the
    consultant's debrief (an invite's `hold`)."""

    session: Session
    held: bool


def by_link(workspace: Workspace, token: str, now: datetime.datetime) -> Respondent | None:
    """The respondent a private link opens while it is open: checked on every request, so
    a revoked or expired link stops at the next click."""
    invite = open_invite(workspace, token, now)
    if invite is None:
        return None
    return Respondent(workspace.store.get(invite.session_id), invite.hold)


def by_session(workspace: Workspace, session_id: str) -> Respondent | None:
    """The respondent of an open quick test, by the session id its signed cookie holds;
    None once the session is gone (deleted by the consultant)."""
    try:
        return Respondent(workspace.store.get(session_id), held=False)
    except InputError:
        return None


def started(workspace: Workspace, client: str) -> Session:
    """A new session of the open quick test, under the client the consultant named."""
    return workspace.store.add(Response(client=client), workspace.bank, IN_PROGRESS)


def answered(
    workspace: Workspace, session: Session, question_id: str, option_id: str | None, position: int
) -> Session:
    """The session with an answer given (or cleared with None) and the question to show on
    resume; an option the question does not have is refused."""
    question = workspace.bank.question_by_id.get(question_id)
    if question is None or (option_id is not None and question.option(option_id) is None):
        raise InputError(f"no option {option_id!r} for this question", field=question_id)
    workspace.store.set_answer(session.id, question_id, option_id, position)
    return session.with_answer(question_id, option_id)._replace(position=position)


def moved(workspace: Workspace, session: Session, position: int) -> Session:
    """The session resumed at another question (a skip leaves the answer as it was)."""
    workspace.store.set_position(session.id, position)
    return session._replace(position=position)


class TypedMetrics(NamedTuple):
    session: Session  # with every value that was read saved in it
    problems: dict[str, str]  # metric name -> why what was typed for it was not saved


def metrics_typed(workspace: Workspace, session: Session, typed: Mapping[str, str]) -> TypedMetrics:
    """Metrics typed in a form, each read in its metric's unit (115%, 1.2M; quarters split
    by commas). Each value that reads is saved as given, an emptied field clears its value,
    and each that does not read is named with the reason and leaves the stored value as it
    was. NRR and GRR that cannot hold together are both kept as they were."""
    values: dict[str, Value] = dict(session.metrics)
    problems: dict[str, str] = {}
    for name, text in typed.items():
        spec = INPUTS.get(name)
        if spec is None:
            continue
        try:
            value = parse_text(spec, text)
        except InputError as exc:
            problems[name] = exc.message
            continue
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    try:
        check_consistent(values, "metrics")
    except InputError as exc:
        for name in ("nrr", "grr"):
            values.pop(name, None)
            if name in session.metrics:
                values[name] = session.metrics[name]
        problems["grr" if "grr" in typed else "nrr"] = exc.message
    for name in INPUTS:
        if values.get(name) != session.metrics.get(name):
            workspace.store.set_metric(session.id, name, values.get(name))
            session = session.with_metric(name, values.get(name))
    return TypedMetrics(session, problems)


def finished(workspace: Workspace, session: Session) -> Session:
    """The session marked finished: the respondent sent it."""
    workspace.store.set_state(session.id, FINISHED)
    return session._replace(state=FINISHED)


def read_of(workspace: Workspace, session: Session, with_way_out: bool = False) -> FullRead:
    """The respondent's own read: their answers and metrics alone, never another
    respondent's (no comparison with the client's others). What the read hinges on is the
    consultant's, not shown to a respondent."""
    response = session.response(workspace.bank)
    return full_read(workspace.bank, response, with_way_out=with_way_out, with_hinges=False)


def pdf_of(
    workspace: Workspace, session: Session, render: Renderer, brand: Brand | None = None
) -> bytes:
    """The respondent's own read as the PDF report (the render handed in by a face)."""
    read = read_of(workspace, session, with_way_out=True)
    rendered = render(
        workspace.bank, read, templates_folder(), brand=brand, pdf=True, cache=templates_cache()
    )
    assert rendered.pdf is not None
    return rendered.pdf
