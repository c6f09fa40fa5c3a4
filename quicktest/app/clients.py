"""A client's respondents: each one's latest session, read, and where they disagree."""

from __future__ import annotations

from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.compare import Respondents, respondents
from quicktest.domain.scoring import score
from quicktest.domain.session import Session


def respondents_of(bank: Bank, sessions: list[Session]) -> Respondents | None:
    """Several respondents of one client (their latest sessions), or None for one."""
    if len(sessions) < 2:
        return None
    reads = [score(bank, s.response(bank)) for s in sessions]
    return respondents(bank, sessions[0].client or "", reads)


def respondents_of_session(workspace: Workspace, session: Session | None) -> Respondents | None:
    """For a session's report: its client's respondents, this session's first, or None."""
    if session is None or not session.client:
        return None
    sessions = workspace.store.respondents(session.client, first=session.id)
    return respondents_of(workspace.bank, sessions)
