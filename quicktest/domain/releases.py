"""Releases: the reads of a client under an anonymity threshold that may be shown over time.

A client's read changes as its respondents answer, and two reads that differ by one
respondent give that respondent away by subtraction: the mean of four times four, less the
mean of three times three, is the fourth one's scores; a respondent who took the test again
gives away how their answers moved. So, for a client whose threshold N is above 1, a read
is shown only as it stood at a release. Walking the client's answered sessions by date, the
first release is the first state with at least N counted respondents; each later release is
the first state after it in which at least N respondents changed (answered for the first
time, or again) since the release before. Any two releases then differ by no one or by N
respondents or more. Those who changed since the latest release are waiting: counted, never
named, until enough others join them.

A state is the client's sessions dated up to a day (every session of that day), as the
client read takes them (`clientread.gather`): a release never splits a day.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from quicktest.domain.clientread import gather
from quicktest.domain.session import Session


class Release(NamedTuple):
    date: str  # the day it stands as of: its newest answered session's
    sessions: tuple[Session, ...]  # the client's sessions dated up to that day, newest first
    counted: frozenset[str]  # the ids of the sessions its read counts, one per respondent


def as_of(sessions: Sequence[Session], day: str | None = None) -> tuple[Session, ...]:
    """The client's sessions dated up to `day` (every one with None), newest first as the
    client read wants them; sessions of one day keep the order they came in (the store's)."""
    return tuple(
        s
        for s in sorted(sessions, key=lambda s: s.date, reverse=True)
        if day is None or s.date <= day
    )


def changed(before: frozenset[str], sessions: Sequence[Session]) -> int:
    """How many respondents these sessions count (newest first) with a session `before` does
    not hold: new ones, and those who answered again. A respondent's counted session only
    ever gives way to a newer one, so a session not held is a respondent changed."""
    return sum(1 for s in gather(sessions).counted if s.id not in before)


def releases(sessions: Sequence[Session], threshold: int) -> tuple[Release, ...]:
    """The client's releases, oldest first, under this threshold (with 1 or less: every
    state with an answered session in it)."""
    ordered = as_of(sessions)
    needed = max(1, threshold)
    found: list[Release] = []
    shown: frozenset[str] | None = None
    for day in sorted({s.date for s in ordered if s.counts}):
        state = tuple(s for s in ordered if s.date <= day)
        counted = gather(state).counted
        ids = frozenset(s.id for s in counted)
        moved = len(counted) if shown is None else sum(1 for i in ids if i not in shown)
        if moved >= needed:
            found.append(Release(day, state, ids))
            shown = ids
    return tuple(found)


def latest(made: Sequence[Release], day: str | None = None) -> Release | None:
    """The newest of these releases dated up to `day` (of all of them with None)."""
    upto = [r for r in made if day is None or r.date <= day]
    return upto[-1] if upto else None


def waiting(release: Release | None, sessions: Sequence[Session], day: str | None = None) -> int:
    """How many respondents, as the client stands on `day` (today with None), changed since
    `release`: their answers wait for the next one (with no release, every one counted)."""
    return changed(release.counted if release else frozenset(), as_of(sessions, day))
