"""The consultant's portfolio: every client's latest read from the store, filtered by dates
and a tag, ranked among the others once there are enough of them; and a client's place
among them for its report."""

from __future__ import annotations

import datetime
from typing import Protocol

from quicktest.app.report import Rendered, templates_cache, templates_folder
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand
from quicktest.domain.client import Client, fold
from quicktest.domain.clientread import shown_read
from quicktest.domain.errors import InputError
from quicktest.domain.portfolio import Portfolio, Standing, placed, portfolio
from quicktest.domain.session import Session


class PortfolioRenderer(Protocol):
    """The report face: a portfolio as HTML and PDF, from the templates in `templates`."""

    def __call__(
        self,
        bank: Bank,
        found: Portfolio,
        templates: str,
        paper: str = "a4",
        brand: Brand | None = None,
        cache: str | None = None,
    ) -> Rendered: ...


def min_clients(given: int | None) -> int:
    """How many clients a portfolio needs before it ranks them: --min-clients, else the
    user's config file (portfolio: min_clients), else 10."""
    if given is not None:
        if given < 1:
            raise InputError(f"expected 1 or more clients, got {given}", field="--min-clients")
        return given
    from quicktest.sources.config import load_config

    return load_config().min_clients


def _day(text: str | None, flag: str) -> str | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"expected a date such as 2026-11-02, got {text!r}", field=flag) from None


def _clients(workspace: Workspace) -> list[tuple[Client, list[Session]]]:
    """Every client in the store with its sessions, newest first (as every client read wants
    them)."""
    store = workspace.store
    sessions: dict[str, list[Session]] = {}
    for session in store.list():
        sessions.setdefault(fold(session.client or ""), []).append(session)
    return [(c, sessions.get(c.key, [])) for c in store.clients()]


def portfolio_of(
    workspace: Workspace,
    start: str | None = None,
    end: str | None = None,
    tag: str | None = None,
    at_least: int | None = None,
) -> Portfolio:
    """Every client in the store with sessions from `start` to `end` (ISO dates) and `tag`:
    its latest read, its change since the previous one, its place among the others."""
    first, last = _day(start, "--from"), _day(end, "--to")
    if first and last and first > last:
        raise InputError(f"--from {first} is after --to {last}", field="--from")
    needed = min_clients(at_least)
    if not workspace.has_store:
        return portfolio(workspace.bank, [], first, last, tag, needed)
    return portfolio(workspace.bank, _clients(workspace), first, last, tag, needed)


def standing_of(workspace: Workspace, client: str, at_least: int | None = None) -> Standing | None:
    """A client's place among all the clients in the store (its read from its sessions, as
    its report shows it), or None while the store holds fewer clients than the portfolio
    needs to rank them. Under a threshold the portfolio may show an earlier read of it (its
    latest release): the report's read is placed among the others then, not that one."""
    key = workspace.store.client(client).key
    clients = _clients(workspace)
    found = portfolio(workspace.bank, clients, None, None, None, min_clients(at_least))
    row = next((r for r in found.rows if r.client.key == key), None)
    if row is None or not row.waiting:
        return row.standing if row else None
    sessions = next(held for c, held in clients if c.key == key)
    now = shown_read(workspace.bank, row.client, sessions)
    return placed(workspace.bank, found, now) if now else None


def write_portfolio(
    workspace: Workspace,
    found: Portfolio,
    render: PortfolioRenderer,
    output: str,
    paper: str = "a4",
    brand: Brand | None = None,
) -> None:
    """Render the portfolio and write its PDF, whole or not at all."""
    from quicktest.sources.files import write_whole

    rendered = render(workspace.bank, found, templates_folder(), paper, brand, templates_cache())
    if rendered.pdf is not None:
        write_whole(output, rendered.pdf)
