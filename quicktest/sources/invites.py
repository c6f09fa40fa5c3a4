"""Private links for remote respondents: each invite is one session, reached by a random
token of 192 bits that is shown once and never stored (only its SHA-256 is). An invite can
expire and be revoked; `serve` answers a valid token with that session and nothing else."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError
from quicktest.domain.invite import Invite
from quicktest.domain.response import Response
from quicktest.domain.session import IN_PROGRESS
from quicktest.sources.store import Store, prefix_range

_DURATION = re.compile(r"^(\d{1,4})\s*([dhw])$")
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def parse_duration(text: str) -> datetime.timedelta:
    """14d, 36h, 2w: how long a link stays open."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise InputError(
            f"expected a duration such as 14d, 36h or 2w, got {text!r}", field="--expires"
        )
    return datetime.timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])


def create(
    store: Store,
    bank: Bank,
    client: str,
    respondent: str,
    lasts: datetime.timedelta,
    hold: bool,
    now: datetime.datetime,
    role: str | None = None,
) -> tuple[Invite, str]:
    """A new session for the respondent (in their role) and its invite; the token, to be
    shown once."""
    response = Response(client=client, respondent=respondent, role=role or None)
    session = store.add(response, bank, IN_PROGRESS)
    token = secrets.token_urlsafe(24)
    invite_id = secrets.token_hex(4)
    expires = (now + lasts).isoformat(timespec="seconds")
    with store.writing() as db:
        db.execute(
            "INSERT INTO invites VALUES (?,?,?,?,?,0,?)",
            (
                invite_id,
                session.id,
                token_hash(token),
                now.isoformat(timespec="seconds"),
                expires,
                int(hold),
            ),
        )
    return find(store, invite_id), token


_SELECT = (
    "SELECT i.id, i.session_id, s.client, s.respondent, i.created_at, i.expires_at, "
    "i.revoked, i.hold FROM invites i JOIN sessions s ON s.id = i.session_id"
)
_BY_PREFIX = f"{_SELECT} WHERE i.id >= ? AND i.id < ? ORDER BY i.id"


def listed(store: Store) -> list[Invite]:
    rows = store.db.execute(f"{_SELECT} ORDER BY i.created_at, i.id").fetchall()
    return [Invite(*r[:6], bool(r[6]), bool(r[7])) for r in rows]


def find(store: Store, invite_id: str) -> Invite:
    bounds = prefix_range(invite_id)
    rows = [] if bounds is None else store.db.execute(_BY_PREFIX, bounds).fetchall()
    rows = [r for r in rows if r[0].startswith(invite_id)]
    if not rows:
        raise InputError(f"no invite {invite_id!r}", field="ID")
    if len(rows) > 1:
        raise InputError(f"invite id {invite_id!r} is ambiguous", field="ID")
    r = rows[0]
    return Invite(*r[:6], bool(r[6]), bool(r[7]))


def revoke(store: Store, invite_id: str) -> Invite:
    invite = find(store, invite_id)
    with store.writing() as db:
        db.execute("UPDATE invites SET revoked = 1 WHERE id = ?", (invite.id,))
    return invite._replace(revoked=True)


def by_token(store: Store, token: str) -> Invite | None:
    """The invite a token opens, whatever its state; None for a token never issued."""
    row = store.db.execute(f"{_SELECT} WHERE i.token_hash = ?", (token_hash(token),)).fetchone()
    return None if row is None else Invite(*row[:6], bool(row[6]), bool(row[7]))
