"""Comparing reads: one respondent over time (two sessions or answers files), or a client's
respondents side by side."""

from __future__ import annotations

from quicktest.app.given import response_of
from quicktest.app.reading import FullRead, client_full_read
from quicktest.app.workspace import Workspace
from quicktest.domain.compare import Comparison, compare
from quicktest.domain.errors import InputError
from quicktest.domain.scoring import score


def compared(workspace: Workspace, a: str, b: str) -> Comparison:
    """Two reads (session ids or answers files): what rose, fell or appeared, and why."""
    bank = workspace.bank
    reads, labels = [], []
    for ref in (a, b):
        response, session = response_of(workspace, ref)
        reads.append(score(bank, response))
        labels.append(f"session {session.id}" if session else ref)
    return compare(bank, reads[0], reads[1], (labels[0], labels[1]))


def client_compared(workspace: Workspace, client: str) -> FullRead:
    """A client's respondents compared: the combined read first, then where they disagree,
    where their roles see the company differently, and the sponsor beside the others."""
    read = client_full_read(workspace, client)
    assert read.client is not None
    if len(read.client.people) < 2:
        raise InputError(
            f"client {read.client.client.name!r} has one respondent with answers; comparing "
            "respondents needs two or more (compare A B compares one respondent over time)",
            field="--client",
        )
    return read
