"""How often a caller tried something in the last hour, counted in the store that every
worker and machine serving it shares (the web form's limits)."""

from __future__ import annotations

import datetime

from quicktest.app.workspace import Workspace

BAD_LINK = "bad_link"
OPEN_START = "open_start"


def counted(workspace: Workspace, kind: str, caller: str, now: datetime.datetime) -> int:
    """One more attempt of `kind` by `caller` (an opaque key, never an address): how many
    it made in the last hour, this one included."""
    from quicktest.sources import attempts

    return attempts.counted(workspace.store, kind, caller, now.timestamp())
