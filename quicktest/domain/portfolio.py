"""A consultant's portfolio: every client's latest read (the client read, `clientread`), how
often each pattern is dominant across them, each client's change since its previous read,
and each client's place among the others.

A round is a run of a client's answered sessions with no more than `ROUND_GAP` days between
one and the next: the respondents of one engagement answer within a few weeks, and the next
engagement comes a quarter later. The latest read is the client read of all its sessions
(what `score --client` shows); the previous read is the client read as it stood before the
latest round began, from the sessions dated before it. A client with one round has none.

A client's place is the percentile of each pattern's combined score among the clients in
the portfolio: the share of the other clients whose score is lower, ties counting half (100:
stronger there than any other client). It is shown only when the portfolio holds at least
`min_clients` clients: among a handful, a rank says little and points at the others.

A client with an anonymity threshold N above 1 is shown only as it stood at its releases
(`releases`): its latest read is its latest release up to `end`, its previous read the latest
release before the round of that one began, each made of every session dated up to its day
(`start` never drops a respondent from a read: two reads of one client, whatever their
windows, then differ by no one or by N respondents or more). `start` decides only whether
the client is shown: when that release is dated from `start` on. Those who answered since
the release shown are counted as waiting; a client whose answers in the window all wait
is listed as held back. A client without a threshold is read from the sessions of the
window, as they are.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.client import Client, fold
from quicktest.domain.clientread import ClientRead, gather, shown_read
from quicktest.domain.compare import compare
from quicktest.domain.read import Read
from quicktest.domain.releases import as_of, latest, releases, waiting
from quicktest.domain.session import Session

ROUND_GAP = 30  # days between two answered sessions of one round, at most
MIN_CLIENTS = 10  # clients a portfolio needs before a client's place among them is shown


def round_start(sessions: Sequence[Session]) -> str | None:
    """The day the client's latest round began: back from its newest answered session, up
    to the first gap of more than ROUND_GAP days."""
    days = sorted({datetime.date.fromisoformat(s.date) for s in sessions if s.counts})
    if not days:
        return None
    start = days[-1]
    for day in reversed(days[:-1]):
        if (start - day).days > ROUND_GAP:
            break
        start = day
    return start.isoformat()


class Standing(NamedTuple):
    """A client's place among the portfolio's clients: per pattern, its percentile."""

    clients: int  # in the portfolio
    percentiles: dict[str, int]  # pattern id -> 0 to 100


class Row(NamedTuple):
    client: Client
    now: ClientRead
    before: ClientRead | None  # as it stood before the latest round began
    standing: Standing | None  # None: too few clients to rank them
    waiting: int = 0  # under a threshold: respondents who answered since `now`, held back

    def changes(self, bank: Bank) -> dict[str, tuple[float, str]]:
        """Per pattern: the change of its combined score since the previous read, and
        whether it rose, fell, appeared, faded or stayed (as `compare` says it)."""
        if self.before is None:
            return {}
        moved = compare(bank, self.before.combined, self.now.combined, ("before", "now"))
        return {
            c.after.pattern.id: (round(c.after.score - c.before.score, 3), c.status)
            for c in moved.patterns
        }

    def direction(self, bank: Bank) -> str:
        """new (no previous read), better (a pattern fell and none rose: they are failure
        patterns), worse, mixed or unchanged."""
        if self.before is None:
            return "new"
        statuses = {status for _, status in self.changes(bank).values()}
        fell, rose = statuses & {"fell", "faded"}, statuses & {"rose", "appeared"}
        return "mixed" if fell and rose else "better" if fell else "worse" if rose else "unchanged"

    def as_json(self, bank: Bank) -> dict[str, Any]:
        read = self.now.combined
        before = self.before.combined if self.before else None
        changes = self.changes(bank)
        return {
            "client": self.client.name,
            "tags": list(self.client.tags),
            "date": read.given.date,
            "respondents": len(self.now.people),
            "pending": len(self.now.pending),
            "dominant": read.dominant.pattern.id if read.dominant else None,
            "tied": [p.pattern.id for p in read.tied],
            "level": read.dominant.level if read.dominant else None,
            "scores": {p.pattern.id: p.score for p in read.patterns},
            "previous": None
            if before is None
            else {
                "date": before.given.date,
                "dominant": before.dominant.pattern.id if before.dominant else None,
                "scores": {p.pattern.id: p.score for p in before.patterns},
            },
            "change": {pid: change for pid, (change, _) in changes.items()},
            "direction": self.direction(bank),
            "percentiles": self.standing.percentiles if self.standing else None,
            "waiting": self.waiting,
        }


class Portfolio(NamedTuple):
    rows: tuple[Row, ...]  # by client name
    withheld: tuple[tuple[Client, int], ...]  # fewer respondents than its threshold: how many
    dominant: dict[str, int]  # pattern id (or "none") -> clients
    min_clients: int
    start: str | None
    end: str | None
    tag: str | None
    # under a threshold, every answer in the window waiting for the next release: how many
    held: tuple[tuple[Client, int], ...] = ()

    @property
    def ranked(self) -> bool:
        return len(self.rows) >= self.min_clients

    def held_back(self) -> list[str]:
        """What anonymity thresholds hold back, in words (how many, never who)."""
        lines = [
            f"{row.client.name}: shown as it stood on {row.now.combined.given.date}; "
            f"{_people(row.waiting)} answered since, held back until "
            f"{row.client.threshold} have (anonymity)."
            for row in self.rows
            if row.waiting
        ]
        lines += [
            f"{client.name}: held back, {_people(count)} answered since its last read "
            f"shown, fewer than the {client.threshold} its anonymity threshold needs."
            for client, count in self.held
        ]
        return lines

    @property
    def scope(self) -> str:
        """What the portfolio covers, in words."""
        parts = [f"{len(self.rows)} client{'s' * (len(self.rows) != 1)}"]
        if self.start or self.end:
            parts.append(f"sessions {self.start or 'from the first'} to {self.end or 'today'}")
        if self.tag:
            parts.append(f"tagged {self.tag}")
        return ", ".join(parts)

    def as_json(self, bank: Bank) -> dict[str, Any]:
        return {
            "clients": len(self.rows),
            "from": self.start,
            "to": self.end,
            "tag": self.tag,
            "min_clients": self.min_clients,
            "ranked": self.ranked,
            "dominant": self.dominant,
            "rows": [row.as_json(bank) for row in self.rows],
            "withheld": [
                {"client": c.name, "respondents": n, "anonymity": c.anonymity}
                for c, n in self.withheld
            ],
            "held": [
                {"client": c.name, "waiting": n, "anonymity": c.anonymity} for c, n in self.held
            ],
        }


def percentile(score: float, scores: Sequence[float]) -> int:
    """The share of the other scores below `score`, ties counting half, as 0 to 100 (`scores`
    holds `score` itself once)."""
    others = len(scores) - 1
    if others <= 0:
        return 50
    below = sum(1 for s in scores if s < score)
    tied = sum(1 for s in scores if s == score) - 1
    return round(100 * (below + tied / 2) / others)


def standings(bank: Bank, reads: Sequence[ClientRead]) -> list[Standing]:
    """Each client's place among these clients, in their order."""
    scores = {
        p.id: [next(q.score for q in r.combined.patterns if q.pattern.id == p.id) for r in reads]
        for p in bank.patterns
    }
    return [
        Standing(len(reads), {pid: percentile(found[i], found) for pid, found in scores.items()})
        for i in range(len(reads))
    ]


def portfolio(
    bank: Bank,
    clients: Sequence[tuple[Client, Sequence[Session]]],
    start: str | None = None,
    end: str | None = None,
    tag: str | None = None,
    min_clients: int = MIN_CLIENTS,
) -> Portfolio:
    """Every client's latest read and its change since the previous one, from the sessions
    dated from `start` to `end` (ISO dates, both included) of the clients carrying `tag`;
    under a threshold, as it stood at its releases (see the module)."""
    rows: list[tuple[Client, ClientRead, ClientRead | None, int]] = []
    withheld: list[tuple[Client, int]] = []
    held: list[tuple[Client, int]] = []
    for client, sessions in clients:
        if tag is not None and fold(tag) not in {fold(t) for t in client.tags}:
            continue
        chosen = [
            s
            for s in sessions
            if (start is None or s.date >= start) and (end is None or s.date <= end)
        ]
        counted = len(gather(chosen).counted)
        if not counted:
            continue
        if client.threshold > 1:
            found = _released(bank, client, sessions, start, end)
            if isinstance(found, _Held):
                (withheld if found.withheld else held).append((client, found.respondents))
            else:
                rows.append(found)
            continue
        now = shown_read(bank, client, chosen)
        if now is None:
            withheld.append((client, counted))
            continue
        began = round_start(chosen)
        before = shown_read(bank, client, [s for s in chosen if began and s.date < began])
        rows.append((client, now, before, 0))
    rows.sort(key=lambda r: (r[0].name.casefold(), r[0].key))
    ranked = len(rows) >= min_clients
    places = standings(bank, [now for _, now, _, _ in rows]) if ranked else [None] * len(rows)
    top = Counter(_called(now.combined) for _, now, _, _ in rows)
    return Portfolio(
        tuple(
            Row(client, now, before, place, wait)
            for (client, now, before, wait), place in zip(rows, places, strict=True)
        ),
        tuple(withheld),
        {p.id: top[p.id] for p in bank.patterns} | {"tie": top["tie"], "none": top["none"]},
        min_clients,
        start,
        end,
        tag,
        tuple(held),
    )


class _Held(NamedTuple):
    """A client under a threshold with answers in the window but no read shown there."""

    withheld: bool  # fewer respondents than its threshold, as of the window's end
    respondents: int  # withheld: those counted; else those waiting for the next release


def _released(
    bank: Bank, client: Client, sessions: Sequence[Session], start: str | None, end: str | None
) -> tuple[Client, ClientRead, ClientRead | None, int] | _Held:
    """A client under a threshold: its latest release up to `end` (when dated from `start`
    on), the latest release before that one's round began (the same), and how many wait."""
    made = releases(sessions, client.threshold)
    shown = latest(made, end)
    if shown is None:
        return _Held(True, len(gather(as_of(sessions, end)).counted))
    wait = waiting(shown, sessions, end)
    now = shown_read(bank, client, shown.sessions)
    if now is None or (start is not None and shown.date < start):
        return _Held(False, wait)
    began = round_start(shown.sessions)
    prior = latest([r for r in made if began and r.date < began], None)
    before = None
    if prior is not None and (start is None or prior.date >= start):
        before = shown_read(bank, client, prior.sessions)
    return client, now, before, wait


def placed(bank: Bank, found: Portfolio, read: ClientRead) -> Standing | None:
    """The place of `read` (a client's read other than the portfolio's) among the other
    clients of the portfolio, in place of its own row; None where the portfolio does not
    rank them or does not hold the client."""
    if not found.ranked or not any(r.client.key == read.client.key for r in found.rows):
        return None
    reads = [read if r.client.key == read.client.key else r.now for r in found.rows]
    mine = next(i for i, r in enumerate(found.rows) if r.client.key == read.client.key)
    return standings(bank, reads)[mine]


def _called(read: Read) -> str:
    """What a read calls, as the portfolio counts it: a pattern, a tie, or none."""
    return read.dominant.pattern.id if read.dominant else "tie" if read.tied else "none"


def _people(count: int) -> str:
    return f"{count} respondent{'s' * (count != 1)}"
