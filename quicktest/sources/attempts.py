"""Attempts counted per caller over the last hour, in the session store: bad links and new
open quick tests. Kept in the store, not in a process, so that a limit holds however many
workers and machines serve it. Rows older than the hour are removed as new ones come."""

from __future__ import annotations

from quicktest.sources.store import Store

WINDOW = 3600.0  # seconds an attempt counts for
MOST = 1000  # attempts kept per caller and kind in the hour: past every limit, more only take room


def counted(store: Store, kind: str, caller: str, at: float) -> int:
    """One more attempt of `kind` by `caller` at `at` (seconds): how many it made in the last
    hour, this one included."""
    since = at - WINDOW
    with store.writing() as db:
        db.execute("DELETE FROM attempts WHERE at <= ?", (since,))
        (before,) = db.execute(
            "SELECT count(*) FROM attempts WHERE kind = ? AND caller = ? AND at > ?",
            (kind, caller, since),
        ).fetchone()
        if before < MOST:
            db.execute(
                "INSERT INTO attempts (kind, caller, at) VALUES (?, ?, ?)", (kind, caller, at)
            )
    return int(before) + 1
