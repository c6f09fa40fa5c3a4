"""Clients: a client's read (its respondents combined, its figures merged with any metrics or
revenue file), the page a session's report gets about its client, the list of clients with
how far their respondents got, and what the consultant sets for one (anonymity, sponsor,
tags)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.app.workspace import Workspace
from quicktest.domain.client import Client, fold
from quicktest.domain.clientread import ClientRead, Gathered, client_read, gather, shown_read
from quicktest.domain.companyfigures import figures_of
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.session import Session

if TYPE_CHECKING:
    from quicktest.app.revenue import RevenueReport


def client_of(workspace: Workspace, name: str) -> tuple[Client, list[Session]]:
    """The client a name means (any case or script, or the one name that contains it) and its
    sessions, newest first; an unknown client gets a near match."""
    if not workspace.has_store:
        raise InputError(
            f"no sessions for client {name!r}", field="--client", hint="no session store yet"
        )
    store = workspace.store
    client = store.client(name)
    return client, store.list(client=client.key)


def _pending_words(gathered: Gathered) -> str:
    if not gathered.pending:
        return ""
    waiting = ", ".join(s.respondent or f"session {s.id}" for s in gathered.pending)
    return f"; waiting for {waiting}"


def check_enough(client: Client, gathered: Gathered) -> None:
    """Refuse a client read no one has answered yet, or one with fewer respondents than the
    client's anonymity threshold (its combined read would then stand for too few people)."""
    counted = len(gathered.counted)
    if not counted:
        raise InputError(
            f"client {client.name!r} has no answered sessions yet{_pending_words(gathered)}",
            field="--client",
            hint="only sessions with answers count",
        )
    if counted < client.threshold:
        raise InputError(
            f"client {client.name!r} has {counted} respondent{'s' * (counted != 1)} with "
            f"answers and an anonymity threshold of {client.threshold}: nothing is shown until "
            f"{client.threshold} have answered{_pending_words(gathered)}",
            field="--client",
        )


def with_files(
    workspace: Workspace,
    name: str,
    metrics_file: str | None = None,
    revenue: RevenueReport | None = None,
) -> ClientRead:
    """The client's read with the company's figures merged from all its respondents'
    sessions, then a metrics file's and a revenue file's (each replacing what was given, and
    saying so)."""
    from quicktest.app.given import with_metrics_file
    from quicktest.app.revenue import with_revenue
    from quicktest.domain.response import Response

    client, sessions = client_of(workspace, name)
    gathered = gather(sessions)
    check_enough(client, gathered)
    figures = figures_of((*gathered.counted, *gathered.pending))
    metrics = with_metrics_file(figures.metrics, metrics_file)
    metrics = with_revenue(Response(metrics=metrics), revenue).metrics
    return client_read(workspace.bank, client, gathered, figures, metrics)


def client_page(workspace: Workspace, session: Session | None) -> ClientRead | None:
    """For a session's own report: its client's read, where the client has several
    respondents with answers, enough for its threshold; else None."""
    if session is None or not session.client or not fold(session.client):
        return None
    client, sessions = client_of(workspace, session.client)
    return shown_read(workspace.bank, client, sessions, at_least=2)


class Listed(NamedTuple):
    """A client as `clients list` shows it: its record, and how far its respondents got."""

    client: Client
    sessions: int
    counted: int
    pending: tuple[str, ...]  # who has not answered yet
    latest: str | None  # the newest session's date

    def as_json(self) -> dict[str, Any]:
        return {
            **self.client.as_json(),
            "sessions": self.sessions,
            "respondents": self.counted,
            "pending": list(self.pending),
            "latest": self.latest,
        }


def listed(workspace: Workspace, tag: str | None = None) -> list[Listed]:
    """Every client (with `tag`: those carrying it, in any case), with its respondents."""
    if not workspace.has_store:
        return []
    store = workspace.store
    by_client: dict[str, list[Session]] = {}
    for session in store.list():
        by_client.setdefault(fold(session.client or ""), []).append(session)
    found = []
    for client in store.clients():
        if tag is not None and fold(tag) not in {fold(t) for t in client.tags}:
            continue
        sessions = by_client.get(client.key, [])
        gathered = gather(sessions)
        found.append(
            Listed(
                client,
                len(sessions),
                len(gathered.counted),
                tuple(s.respondent or f"session {s.id}" for s in gathered.pending),
                sessions[0].date if sessions else None,
            )
        )
    return found


def changed(
    workspace: Workspace,
    name: str,
    display: str | None = None,
    anonymity: int | None = None,
    sponsor: str | None = None,
    tags_added: tuple[str, ...] = (),
    tags_removed: tuple[str, ...] = (),
) -> Client:
    """Set what the consultant decides for a client: its name as shown (the same name in
    another case or spelling), an anonymity threshold (0 clears it), the sponsor (one of
    its respondents; "" clears it), tags added or removed."""
    workspace.check_writable()
    client, sessions = client_of(workspace, name)
    if display is not None and fold(display) != client.key:
        raise InputError(
            f"{display!r} is another name than {client.name!r}: a client's name can change "
            "only in case, accents or spacing",
            field="--name",
        )
    if anonymity is not None and not 0 <= anonymity <= 1000:
        raise InputError(
            f"expected 0 (none) to 1000 respondents, got {anonymity}", field="--anonymity"
        )
    if sponsor:
        names = {fold(s.respondent): s.respondent for s in sessions if s.respondent}
        if fold(sponsor) not in names:
            known = sorted(names.values())
            raise InputError(
                f"{sponsor!r} is not a respondent of {client.name!r}",
                field="--sponsor",
                hint=did_you_mean(sponsor, known)
                or f"its respondents: {', '.join(known) or 'none yet'}",
            )
        sponsor = names[fold(sponsor)]
    tags = tuple(t.strip() for t in tags_added if t.strip())
    return workspace.store.set_client(
        client, display, anonymity, sponsor, tags, tuple(t.strip() for t in tags_removed)
    )
