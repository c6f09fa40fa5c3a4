"""Private links for remote respondents: make one (shown once), list them, revoke one, and
open the session a link leads to while it is open."""

from __future__ import annotations

import datetime

from quicktest.app.workspace import Workspace
from quicktest.domain.invite import Invite


def created(
    workspace: Workspace,
    client: str,
    respondent: str,
    lasts: str,
    hold: bool,
    now: datetime.datetime,
) -> tuple[Invite, str]:
    """A new session for the respondent and its invite; the token, to be shown only now."""
    from quicktest.sources import invites

    workspace.check_writable()
    return invites.create(
        workspace.store,
        workspace.bank,
        client,
        respondent,
        invites.parse_duration(lasts),
        hold,
        now,
    )


def listed(workspace: Workspace) -> list[Invite]:
    from quicktest.sources import invites

    return invites.listed(workspace.store)


def revoked(workspace: Workspace, invite_id: str) -> Invite:
    from quicktest.sources import invites

    workspace.check_writable()
    return invites.revoke(workspace.store, invite_id)


def open_invite(workspace: Workspace, token: str, now: datetime.datetime) -> Invite | None:
    """The invite a token opens, if it is open now (not unknown, expired or revoked)."""
    from quicktest.sources import invites

    invite = invites.by_token(workspace.store, token)
    return invite if invite is not None and invite.state(now) == "open" else None
