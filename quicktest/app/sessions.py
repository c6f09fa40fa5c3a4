"""Saved sessions: list them with how far each got, show one with its read, export it as an
answers file, import one, delete one, and start, resume, rename or finish one in the app."""

from __future__ import annotations

from typing import Any, NamedTuple

from quicktest.app.reading import FullRead, full_read
from quicktest.app.workspace import Workspace
from quicktest.domain.client import fold
from quicktest.domain.errors import InputError
from quicktest.domain.response import MAX_NAME, Response, StaleAnswer
from quicktest.domain.session import IN_PROGRESS, Damaged, Session


class Rows(NamedTuple):
    """Sessions as lists show them (`Session.summary`), and those that could not be read."""

    rows: list[dict[str, Any]]
    damaged: list[Damaged]


def listed(workspace: Workspace, client: str | None = None) -> Rows:
    """The sessions, the latest first (a client's only, named in any case or script), each
    with its state and its client's name as the client's record holds it, and those this
    version cannot read, named so that they can be dealt with."""
    store = workspace.store
    found = store.listing(client=client)
    names = {c.key: c.name for c in store.clients()}
    bank = workspace.bank
    return Rows(
        [s.summary(bank, names.get(fold(s.client or ""))) for s in found.sessions],
        found.damaged,
    )


def unfinished(workspace: Workspace) -> list[Session]:
    """Sessions not finished, the latest first: what the app offers to resume."""
    return workspace.store.list(state=IN_PROGRESS)


def shown(workspace: Workspace, session_id: str) -> tuple[Session, FullRead]:
    """A session and its full read."""
    session = workspace.store.get(session_id)
    return session, full_read(workspace.bank, session.response(workspace.bank), with_way_out=False)


def exported(workspace: Workspace, session_id: str, output: str) -> None:
    """Write a session as an answers file (stale answers, its bank's record, the respondent's
    role and the session's state kept)."""
    from quicktest.sources.answersfile import write_answers

    workspace.check_output(output, "--output")
    session = workspace.store.get(session_id)
    bank = workspace.bank
    write_answers(session.response(bank), output, session.bank_record(), session.progress(bank))


def imported(workspace: Workspace, path: str) -> tuple[Session, tuple[StaleAnswer, ...]]:
    """An answers file added to the store as a session, in the state the file gives (a file
    without one is finished), and the answers it holds that this bank no longer has (kept,
    and named)."""
    from quicktest.sources.answersfile import load_session_file

    workspace.check_writable()
    response, state = load_session_file(path, workspace.bank)
    return workspace.store.add(response, workspace.bank, state), response.stale


def deleted(workspace: Workspace, session_id: str) -> str:
    workspace.check_writable()
    return workspace.store.delete(session_id)


def started(
    workspace: Workspace, client: str | None, respondent: str | None, role: str | None = None
) -> Session:
    """A new session in progress, not yet written: the app writes it in the background."""
    response = Response(client=client or None, respondent=respondent or None, role=role or None)
    return workspace.store.new_session(response, workspace.bank, IN_PROGRESS)


def renamed(session: Session, client: str, respondent: str, role: str) -> Session:
    """The session with its client, respondent and role corrected, not yet written: the app
    writes it in the background (`Store.set_names`). Each name is kept as typed but for the
    spaces around it; an empty one clears it; one over MAX_NAME characters is refused."""
    given = {"client": client, "respondent": respondent, "role": role}
    for field, name in given.items():
        if len(name.strip()) > MAX_NAME:
            raise InputError(
                f"is {len(name.strip())} characters long; it takes at most {MAX_NAME}", field=field
            )
    return session._replace(
        client=client.strip() or None,
        respondent=respondent.strip() or None,
        role=role.strip() or None,
    )


def resolved(workspace: Workspace, session_id: str) -> str:
    """A full session id from an id or a unique prefix."""
    return workspace.store.resolve(session_id)


def opened(workspace: Workspace, session_id: str) -> Session:
    return workspace.store.get(session_id)
