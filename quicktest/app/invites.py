"""Private links for remote respondents: make one (shown once), list them, revoke one, and
open the session a link leads to while it is open."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from quicktest.app.workspace import Workspace
from quicktest.domain.client import fold
from quicktest.domain.errors import InputError
from quicktest.domain.invite import Invite
from quicktest.domain.response import MAX_NAME
from quicktest.domain.session import Session


def created(
    workspace: Workspace,
    client: str,
    respondent: str,
    lasts: str,
    hold: bool,
    now: datetime.datetime,
    role: str | None = None,
) -> tuple[Invite, str]:
    """A new session for the respondent and its invite; the token, to be shown only now."""
    from quicktest.sources import invites

    for flag, text in (("--client", client), ("--respondent", respondent), ("--role", role)):
        if text and len(text) > MAX_NAME:
            raise InputError(
                f"is {len(text)} characters long; it takes at most {MAX_NAME}", field=flag
            )
    workspace.check_writable()
    return invites.create(
        workspace.store,
        workspace.bank,
        client,
        respondent,
        invites.parse_duration(lasts),
        hold,
        now,
        role,
    )


class Listed(NamedTuple):
    """An invite, and how far its respondent got."""

    invite: Invite
    session: Session | None  # None: a session this version cannot read (named elsewhere)
    client: str | None  # the client's name, as its record holds it

    def as_json(self, workspace: Workspace, now: datetime.datetime) -> dict[str, Any]:
        """`state` is the link's (open, expired, revoked); `progress` the session's."""
        invite, session = self.invite, self.session
        bank = workspace.bank
        return {
            "id": invite.id,
            "client": self.client,
            "respondent": invite.respondent,
            "role": session.role if session else None,
            "session": invite.session_id,
            "expires": invite.expires_at,
            "state": invite.state(now),
            "hold": invite.hold,
            "progress": session.progress(bank) if session else None,
            "answered": session.answered(bank) if session else None,
        }


def listed(workspace: Workspace) -> list[Listed]:
    """Every invite, with the session it opens (for how far its respondent got)."""
    from quicktest.sources import invites

    store = workspace.store
    sessions = {s.id: s for s in store.list()}
    names = {c.key: c.name for c in store.clients()}
    return [
        Listed(i, sessions.get(i.session_id), names.get(fold(i.client or ""), i.client))
        for i in invites.listed(store)
    ]


def revoked(workspace: Workspace, invite_id: str) -> Invite:
    from quicktest.sources import invites

    workspace.check_writable()
    return invites.revoke(workspace.store, invite_id)


def open_invite(workspace: Workspace, token: str, now: datetime.datetime) -> Invite | None:
    """The invite a token opens, if it is open now (not unknown, expired or revoked)."""
    from quicktest.sources import invites

    invite = invites.by_token(workspace.store, token)
    return invite if invite is not None and invite.state(now) == "open" else None
