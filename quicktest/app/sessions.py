"""Saved sessions: list, show with their read, export as an answers file, import, delete,
and start or resume one in the app."""

from __future__ import annotations

from quicktest.app.reading import FullRead, full_read
from quicktest.app.workspace import Workspace
from quicktest.domain.response import Response, StaleAnswer
from quicktest.domain.session import IN_PROGRESS, Listing, Session


def listed(workspace: Workspace, client: str | None = None) -> Listing:
    """The sessions, the latest first (a client's only, named in any case or script), and
    those this version cannot read, named so that they can be dealt with."""
    return workspace.store.listing(client=client)


def unfinished(workspace: Workspace) -> list[Session]:
    """Sessions still in progress, the latest first: what the app offers to resume."""
    return workspace.store.list(state=IN_PROGRESS)


def shown(workspace: Workspace, session_id: str) -> tuple[Session, FullRead]:
    """A session and its full read."""
    session = workspace.store.get(session_id)
    return session, full_read(workspace.bank, session.response(workspace.bank), with_way_out=False)


def exported(workspace: Workspace, session_id: str, output: str) -> None:
    """Write a session as an answers file (stale answers and its bank's record kept)."""
    from quicktest.sources.answersfile import write_answers

    workspace.check_output(output, "--output")
    session = workspace.store.get(session_id)
    write_answers(session.response(workspace.bank), output, session.bank_record())


def imported(workspace: Workspace, path: str) -> tuple[Session, tuple[StaleAnswer, ...]]:
    """An answers file added to the store as a session, and the answers it holds that this
    bank no longer has (kept, and named)."""
    from quicktest.sources.answersfile import load_answers

    workspace.check_writable()
    response = load_answers(path, workspace.bank)
    return workspace.store.add(response, workspace.bank), response.stale


def deleted(workspace: Workspace, session_id: str) -> str:
    workspace.check_writable()
    return workspace.store.delete(session_id)


def started(workspace: Workspace, client: str | None, respondent: str | None) -> Session:
    """A new session in progress, not yet written: the app writes it in the background."""
    response = Response(client=client or None, respondent=respondent or None)
    return workspace.store.new_session(response, workspace.bank, IN_PROGRESS)


def resolved(workspace: Workspace, session_id: str) -> str:
    """A full session id from an id or a unique prefix."""
    return workspace.store.resolve(session_id)


def opened(workspace: Workspace, session_id: str) -> Session:
    return workspace.store.get(session_id)
