"""A private link for one respondent: the session it opens, until when, and whether the
consultant keeps the read for the debrief."""

from __future__ import annotations

import datetime
from typing import NamedTuple


class Invite(NamedTuple):
    id: str
    session_id: str
    client: str | None
    respondent: str | None
    created_at: str
    expires_at: str
    revoked: bool
    hold: bool

    def state(self, now: datetime.datetime) -> str:
        """open, expired or revoked."""
        if self.revoked:
            return "revoked"
        if datetime.datetime.fromisoformat(self.expires_at) <= now:
            return "expired"
        return "open"
