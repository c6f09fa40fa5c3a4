"""The web form's limits per caller: how a bad link is answered (more and more slowly after
a few in an hour), and each attempt counted in the store (`app.attempts`) under a keyed
hash of the caller's address, so that every worker and machine counts alike."""

from __future__ import annotations

import datetime

from quicktest.app import attempts
from quicktest.app.workspace import Workspace
from quicktest.faces.web.signing import caller_key


def attempt(
    workspace: Workspace, secret: str, kind: str, address: str, now: datetime.datetime
) -> int:
    """One more attempt of `kind` from `address`: how many it made in the last hour."""
    return attempts.counted(workspace, kind, caller_key(secret, address), now)


def bad_link_delay(attempts: int, free: int = 5, longest: float = 30.0) -> float:
    """Seconds to wait before answering a bad link: none for the first `free` in an hour,
    then 1, 2, 4 ... up to `longest`."""
    return 0.0 if attempts <= free else min(longest, 2.0 ** (attempts - free - 1))
