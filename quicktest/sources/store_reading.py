"""Reading stored sessions back: what this version of quicktest cannot use (a value that is
not a number, out of its bounds, or a metric or state a newer quicktest wrote) is named by
its field, never guessed, and that session is set apart (`Damaged`); the others are read
as usual."""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Sequence
from typing import Any

from quicktest.domain.metrics import INPUTS
from quicktest.domain.session import STORED_STATES, Damaged, Listing, Session
from quicktest.domain.units import Value, bounds, format_value, in_bounds
from quicktest.sources.store_database import Database


class _Unreadable(Exception):
    def __init__(self, field: str, what: str) -> None:
        super().__init__(what)
        self.field, self.what = field, what


def load_sessions(db: Database, where: str, params: Sequence[object]) -> Listing:
    """The sessions matching `where` (SQL on the sessions table), with their answers and
    metrics, in three queries (the caller holds them to one snapshot), the latest first: by
    date, then by last change, then by creation. Each one this version cannot read is set
    apart with its first fault."""
    chosen = f"SELECT id FROM sessions WHERE {where}"
    rows = db.execute(
        "SELECT id, client, respondent, date, state, bank_id, bank_version, position, "
        "bank_digest, role, "
        "EXISTS (SELECT 1 FROM invites WHERE invites.session_id = sessions.id) "
        f"FROM sessions WHERE {where} ORDER BY date DESC, updated_at DESC, rowid DESC",
        params,
    ).fetchall()
    answers: dict[str, dict[str, str]] = {row[0]: {} for row in rows}
    metrics: dict[str, dict[str, Value]] = {row[0]: {} for row in rows}
    damaged: dict[str, Damaged] = {}

    def unreadable(session_id: str, fault: _Unreadable) -> None:
        damaged.setdefault(session_id, Damaged(session_id, fault.field, fault.what))

    for row in rows:
        try:
            _check_session(row)
        except _Unreadable as fault:
            unreadable(row[0], fault)
    for session_id, question_id, option_id in db.execute(
        "SELECT session_id, question_id, option_id FROM answers "
        f"WHERE session_id IN ({chosen}) ORDER BY answered_at, rowid",
        params,
    ):
        if isinstance(question_id, str) and isinstance(option_id, str):
            answers[session_id][question_id] = option_id
        else:
            unreadable(session_id, _Unreadable(f"answers.{question_id}", _not_text(option_id)))
    for session_id, name, value in db.execute(
        f"SELECT session_id, name, value FROM metrics WHERE session_id IN ({chosen})", params
    ):
        try:
            metrics[session_id][name] = _stored_metric(name, value)
        except _Unreadable as fault:
            unreadable(session_id, fault)
    return Listing(
        [
            Session.of(*row[:10], bool(row[10]), answers=answers[row[0]], metrics=metrics[row[0]])
            for row in rows
            if row[0] not in damaged
        ],
        [damaged[row[0]] for row in rows if row[0] in damaged],
    )


def _shown(value: object) -> str:
    """A stored value as a message quotes it: its Python form, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _not_text(value: object) -> str:
    return f"expected text, found {_shown(value)}"


def _check_session(row: tuple[Any, ...]) -> None:
    """Raise _Unreadable for the first field of a session row this version cannot use."""
    _, client, respondent, date, state, bank_id, bank_version, position, digest, role, _ = row
    if state not in STORED_STATES:
        known = f"{_shown(state)} is not a state this version of quicktest knows"
        raise _Unreadable("state", known)
    names = {"client": client, "respondent": respondent, "role": role}
    texts = {"bank_id": bank_id, "bank_version": bank_version, "bank_digest": digest}
    for field, value in {**names, **texts}.items():
        if not isinstance(value, str) and not (field in names and value is None):
            raise _Unreadable(field, _not_text(value))
    try:
        datetime.date.fromisoformat(date)
    except (TypeError, ValueError):
        found = f"expected a date such as 2026-11-02, found {_shown(date)}"
        raise _Unreadable("date", found) from None
    if not isinstance(position, int) or position < 0:
        raise _Unreadable("position", f"expected a question number, found {_shown(position)}")


def _refuse_constant(name: str) -> float:
    raise ValueError(name)


def _stored_metric(name: object, text: object) -> Value:
    """A stored metric as JSON text, checked like a metric given now: a known name, finite
    numbers within its bounds, a list only for a series."""
    field = f"metrics.{name}"
    spec = INPUTS.get(name) if isinstance(name, str) else None
    if spec is None:
        raise _Unreadable(field, "a metric this version of quicktest does not know")
    try:
        if not isinstance(text, str):
            raise ValueError(text)
        loaded = json.loads(text, parse_int=float, parse_constant=_refuse_constant)
    except ValueError:
        raise _Unreadable(field, f"not a stored number: {_shown(text)}") from None
    values = loaded if isinstance(loaded, list) else [loaded]
    if isinstance(loaded, list) and not (spec.series and loaded):
        raise _Unreadable(field, f"not a stored value of {name}: {_shown(text)}")
    for value in values:
        if not isinstance(value, float) or not math.isfinite(value):
            raise _Unreadable(field, f"not a stored number: {_shown(text)}")
        if not in_bounds(spec, value):
            shown = format_value(spec, value)
            raise _Unreadable(field, f"{shown} is out of bounds, expected {bounds(spec)}")
    return tuple(values) if isinstance(loaded, list) else values[0]
