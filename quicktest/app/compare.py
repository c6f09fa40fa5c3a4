"""Comparing reads: one respondent over time (two sessions or answers files), or a client's
respondents side by side."""

from __future__ import annotations

from quicktest.app.clients import respondents_of
from quicktest.app.given import client_sessions, response_of
from quicktest.app.workspace import Workspace
from quicktest.domain.compare import Comparison, Respondents, compare
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


def client_compared(workspace: Workspace, client: str) -> Respondents:
    """A client's respondents: where they disagree, and the read their scores average to."""
    result = respondents_of(workspace.bank, client_sessions(workspace, client))
    if result is None:
        raise InputError(
            f"client {client!r} has one respondent; comparing respondents needs two or more "
            "(compare A B compares one respondent over time)",
            field="--client",
        )
    return result
