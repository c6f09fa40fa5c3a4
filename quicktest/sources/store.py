"""The session store: every answer and metric committed the moment it is given, in one
SQLite file (the embedded default) or on a PostgreSQL server several machines share.

One API for both: the SQL below is written once, plain enough for both engines, and what
differs (connecting, locking, where the version and the mark of ownership are kept) lives
in the engine's adapter (`store_sqlite.py`, `store_postgresql.py`; see `store_database.py`).
The schema and its migrations are the same on both (`store_schema.py`). A stored session
this version cannot read (damaged, or written by a newer quicktest) is set apart and named
(`Damaged`); the others are read as usual.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from quicktest.domain.bank import Bank
from quicktest.domain.client import Client, fold
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.metrics import INPUTS
from quicktest.domain.response import Response
from quicktest.domain.session import FINISHED, IN_PROGRESS, STORED_STATES, Listing, Session
from quicktest.domain.units import plain
from quicktest.sources.locations import default_store_path, is_server_url, shown_location
from quicktest.sources.store_database import Database
from quicktest.sources.store_reading import load_sessions

# A session id is eight lowercase hex digits (`new_session`). Every id that starts with a
# hex prefix p sorts from p up to p + "g" in any collation (bytewise, or a language's), so
# a prefix is looked up as that range of the primary key's index.
_HEX = frozenset("0123456789abcdef")
_PAST_HEX = "g"
BY_ID = "SELECT id FROM sessions WHERE id = ?"
BY_PREFIX = "SELECT id FROM sessions WHERE id >= ? AND id < ? ORDER BY id"


def prefix_range(prefix: str) -> tuple[str, str] | None:
    """The bounds of the ids (session or invite) that start with a hex prefix; None for a
    prefix no id can start with. Wildcards never reach a query: ids are matched by range."""
    if prefix and set(prefix) <= _HEX:
        return prefix, prefix + _PAST_HEX
    return None


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def open_database(location: str, lock_wait: float) -> Database:
    """The engine a location names: a postgresql:// URL, else an SQLite file."""
    if is_server_url(location):
        try:
            from quicktest.sources.store_postgresql import open_postgresql
        except ImportError:
            raise InputError(
                "a PostgreSQL session store needs the postgres extra, which is not installed: "
                "pip install 'quicktest[postgres]' (or run .ci/setup)",
                shown_location(location),
            ) from None
        return open_postgresql(location, lock_wait)
    if "://" in location:
        raise InputError(
            "expected a file or a postgresql:// URL for the session store",
            shown_location(location),
            field="--db",
        )
    from quicktest.sources.store_sqlite import open_sqlite

    return open_sqlite(Path(location), lock_wait)


class Store:
    """A session store: an SQLite file or a PostgreSQL database."""

    db: Database

    def __init__(
        self,
        location: str | Path | None = None,
        lock_wait: float = 10.0,
        today: Callable[[], datetime.date] = datetime.date.today,
    ) -> None:
        """Open (or create) the store at a path or postgresql:// URL; a write waits up to
        `lock_wait` seconds for another process's lock (the app waits briefly and says "not
        saved" rather than freeze). `today` dates a session given no date (tests hand in a
        fixed day).

        Raises InputError for a store that is not ours (changing nothing), a store of a
        newer version, and a store that cannot be opened, created or reached."""
        self.today = today
        self.location = str(location or default_store_path())  # may hold a password
        self.db = open_database(self.location, lock_wait)

    @property
    def where(self) -> str:
        """The store as messages name it: its path, or its URL without the password."""
        return self.db.where

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_writable(self) -> None:
        """Raise, before a command starts, the InputError its first write would raise: the
        store may not be written (a read-only disk, a server that takes no writes, a role
        that may only read), or another process holds its write lock past the lock wait."""
        self.db.check_writable()

    @contextmanager
    def writing(self) -> Iterator[Database]:
        """One transaction, committed on leaving: a killed process loses nothing before it."""
        with self.db.writing() as db:
            yield db

    # --- sessions ---------------------------------------------------------------------------

    def create(
        self,
        bank: Bank,
        client: str | None = None,
        respondent: str | None = None,
        date: str | None = None,
        role: str | None = None,
    ) -> Session:
        return self.add(
            Response(
                client=client or None, respondent=respondent or None, date=date, role=role or None
            ),
            bank,
            IN_PROGRESS,
        )

    def resolve(self, session_id: str) -> str:
        """A full session id from an id or a unique prefix; unknown ids get a hint. The
        exact id and a prefix are each one lookup in the primary key's index; only an
        unknown id reads every id, for the near one to suggest."""
        exact = self.db.execute(BY_ID, (session_id,))
        if exact.fetchone():
            return session_id
        matches = []
        if bounds := prefix_range(session_id):
            rows = self.db.execute(BY_PREFIX, bounds)
            matches = sorted(i for (i,) in rows if i.startswith(session_id))
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InputError(
                f"session id {session_id!r} is ambiguous: it starts {len(matches)} sessions "
                f"({', '.join(matches[:10])}{', …' if len(matches) > 10 else ''})",
                self.where,
                hint="give more of the id",
            )
        ids = [i for (i,) in self.db.execute("SELECT id FROM sessions")]
        hint = did_you_mean(session_id, ids) or (
            "see quicktest sessions list" if ids else "the store has no sessions yet"
        )
        raise InputError(f"unknown session id {session_id!r}", self.where, hint=hint)

    # --- clients ----------------------------------------------------------------------------

    def clients(self) -> list[Client]:
        """Every client record, by name."""
        tags: dict[str, list[str]] = {}
        for key, tag in self.db.execute(
            "SELECT client_key, tag FROM client_tags ORDER BY client_key, tag"
        ):
            tags.setdefault(key, []).append(tag)
        rows = self.db.execute("SELECT key, name, anonymity, sponsor FROM clients").fetchall()
        found = [
            Client(key, name, anonymity, sponsor, tuple(tags.get(key, ())))
            for key, name, anonymity, sponsor in rows
        ]
        return sorted(found, key=lambda c: (c.key, c.name))

    def _matching(self, name: str) -> list[Client]:
        """The one client `name` means: the same name in any case, script or spacing (Ärzte,
        ärzte), else the one client whose name contains it; none when no name does. A part
        that several clients' names contain is ambiguous and says which. (Folded in Python:
        SQL's lower() knows only ASCII letters.)"""
        clients = self.clients()
        wanted = fold(name)
        exact = [c for c in clients if c.key == wanted]
        if exact or not wanted:
            return exact
        partial = [c for c in clients if wanted in c.key]
        if len(partial) > 1:
            raise InputError(
                f"client {name!r} is ambiguous: it matches {len(partial)} clients "
                f"({'; '.join(c.name for c in partial[:10])})",
                self.where,
                field="--client",
                hint="give the whole name",
            )
        return partial

    def client(self, name: str) -> Client:
        """The client `name` means (see `_matching`); an unknown one gets a near match."""
        found = self._matching(name)
        if not found:
            raise InputError(
                f"no sessions for client {name!r}",
                self.where,
                field="--client",
                hint=did_you_mean(name, [c.name for c in self.clients()])
                or "see quicktest clients list",
            )
        return found[0]

    def set_client(
        self,
        client: Client,
        name: str | None = None,
        anonymity: int | None = None,
        sponsor: str | None = None,
        tags_added: tuple[str, ...] = (),
        tags_removed: tuple[str, ...] = (),
    ) -> Client:
        """Change what the consultant set for a client, in one transaction; "" for `sponsor`
        clears it. The client as it now is."""
        with self.writing() as db:
            if name is not None:
                db.execute("UPDATE clients SET name = ? WHERE key = ?", (name, client.key))
            if anonymity is not None:
                db.execute(
                    "UPDATE clients SET anonymity = ? WHERE key = ?", (anonymity, client.key)
                )
            if sponsor is not None:
                db.execute(
                    "UPDATE clients SET sponsor = ? WHERE key = ?", (sponsor or None, client.key)
                )
            db.executemany(
                "INSERT INTO client_tags VALUES (?,?) ON CONFLICT (client_key, tag) DO NOTHING",
                [(client.key, tag) for tag in tags_added],
            )
            db.executemany(
                "DELETE FROM client_tags WHERE client_key = ? AND tag = ?",
                [(client.key, tag) for tag in tags_removed],
            )
        return next(c for c in self.clients() if c.key == client.key)

    # --- sessions ---------------------------------------------------------------------------

    def get(self, session_id: str) -> Session:
        """One session by id or unique prefix; InputError naming the field of one this
        version cannot read."""
        listing = self._load("id = ?", [session_id])  # a whole id, as the web form gives
        if not (listing.sessions or listing.damaged):
            listing = self._load("id = ?", [self.resolve(session_id)])
        if not (listing.sessions or listing.damaged):  # deleted since it was found
            raise InputError(f"unknown session id {session_id!r}", self.where)
        if listing.damaged:
            raise InputError(
                f"{listing.damaged[0]}; this version of quicktest cannot read it (the store's "
                "other sessions are read as usual)",
                self.where,
            )
        (session,) = listing.sessions
        return session

    def list(self, client: str | None = None, state: str | None = None) -> list[Session]:
        """Sessions, the latest first: by date, then by last change, then by creation. Those
        this version cannot read are left out: `listing` names them."""
        return self.listing(client, state).sessions

    def listing(self, client: str | None = None, state: str | None = None) -> Listing:
        """The sessions `list` gives (a client's: named in any case or script, or by a part
        of its name), and those left out because they cannot be read."""
        where, params = ["1=1"], []
        if client:
            matching = self._matching(client)
            same = self._spellings(matching[0].key) if matching else []
            where.append(f"client IN ({','.join('?' * len(same)) or 'NULL'})")
            params.extend(same)
        if state:
            where.append("state = ?")
            params.append(state)
        return self._load(" AND ".join(where), params)

    def _spellings(self, key: str) -> list[str]:
        """Every way the sessions wrote the client whose folded name is `key`."""
        names = self.db.execute("SELECT DISTINCT client FROM sessions WHERE client IS NOT NULL")
        return sorted(n for (n,) in names if isinstance(n, str) and fold(n) == key)

    def _load(self, where: str, params: list[str]) -> Listing:
        """The sessions matching `where`, with their answers and metrics, read from one
        snapshot of the store (a session written meanwhile is wholly in or wholly out)."""
        with self.db.reading():
            return load_sessions(self.db, where, params)

    def _touch(self, db: Database, session_id: str, position: int | None = None) -> None:
        """The session changed now (and resumes at `position`, when given). Written first in
        each change, so that on PostgreSQL the session's row is locked before its answers
        or metrics: two writers of one session wait in turn, never for each other."""
        db.execute(
            "UPDATE sessions SET position = COALESCE(?, position), updated_at = ? WHERE id = ?",
            (position, _now(), session_id),
        )

    def set_answer(
        self, session_id: str, question_id: str, option_id: str | None, position: int | None = None
    ) -> None:
        with self.writing() as db:
            self._touch(db, session_id, position)
            if option_id is None:
                db.execute(
                    "DELETE FROM answers WHERE session_id = ? AND question_id = ?",
                    (session_id, question_id),
                )
            else:
                db.execute(
                    "INSERT INTO answers (session_id, question_id, option_id, answered_at) "
                    "VALUES (?,?,?,?) ON CONFLICT (session_id, question_id) DO UPDATE SET "
                    "option_id = excluded.option_id, answered_at = excluded.answered_at",
                    (session_id, question_id, option_id, _now()),
                )

    def set_position(self, session_id: str, position: int) -> None:
        with self.writing() as db:
            db.execute("UPDATE sessions SET position = ? WHERE id = ?", (position, session_id))

    def set_metric(
        self, session_id: str, name: str, value: float | tuple[float, ...] | None
    ) -> None:
        if name not in INPUTS:
            raise InputError("unknown metric", field=name, hint=did_you_mean(name, INPUTS))
        with self.writing() as db:
            self._touch(db, session_id)
            if value is None:
                db.execute(
                    "DELETE FROM metrics WHERE session_id = ? AND name = ?", (session_id, name)
                )
            else:
                db.execute(
                    "INSERT INTO metrics (session_id, name, value) VALUES (?,?,?) "
                    "ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value",
                    (session_id, name, json.dumps(plain(value))),
                )

    def set_state(self, session_id: str, state: str) -> None:
        """Store whether a session is finished (IN_PROGRESS or FINISHED)."""
        if state not in STORED_STATES:
            raise ValueError(f"a stored state is one of {STORED_STATES}, not {state!r}")
        with self.writing() as db:
            db.execute(
                "UPDATE sessions SET state = ?, updated_at = ? WHERE id = ?",
                (state, _now(), session_id),
            )

    def delete(self, session_id: str) -> str:
        session_id = self.resolve(session_id)
        with self.writing() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return session_id

    def new_session(self, response: Response, bank: Bank, state: str = FINISHED) -> Session:
        """A session not yet written: its id is made here, so an app can go on at once and
        write it in the background (`insert`). One not finished resumes at its first
        unanswered question."""
        import secrets  # only for a new session: it brings hmac and hashlib

        session = Session.of(
            secrets.token_hex(4),
            response.client,
            response.respondent,
            response.date or self.today().isoformat(),
            state,
            bank.id,
            bank.version,
            0,
            bank.digest,
            response.role,
            answers=response.given_answers,
            metrics=response.metrics.given,
        )
        if state == IN_PROGRESS and session.answers:
            session = session._replace(position=session.first_unanswered(bank))
        return session

    def add(self, response: Response, bank: Bank, state: str = FINISHED) -> Session:
        """A new session holding a response (stale answers kept), in one transaction."""
        session = self.new_session(response, bank, state)
        self.insert(session)
        return session

    def insert(self, session: Session) -> None:
        """Write a new session with its answers and metrics, and its client's record when the
        client is new (its name as this session writes it), in one transaction."""
        with self.writing() as db:
            _record_client(db, session.client)
            db.execute(
                "INSERT INTO sessions (id, client, respondent, role, date, state, bank_id, "
                "bank_version, bank_digest, position, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    session.id,
                    session.client,
                    session.respondent,
                    session.role,
                    session.date,
                    session.state,
                    session.bank_id,
                    session.bank_version,
                    session.bank_digest,
                    session.position,
                    _now(),
                    _now(),
                ),
            )
            db.executemany(
                "INSERT INTO answers (session_id, question_id, option_id, answered_at) "
                "VALUES (?,?,?,?)",
                [(session.id, q, o, _now()) for q, o in session.answers.items()],
            )
            db.executemany(
                "INSERT INTO metrics (session_id, name, value) VALUES (?,?,?)",
                [(session.id, n, json.dumps(plain(v))) for n, v in session.metrics.items()],
            )

    def set_names(
        self, session_id: str, client: str | None, respondent: str | None, role: str | None
    ) -> None:
        """Correct who answered a session (None clears a name). A client new to the store
        gets its record, named as written here, as `insert` gives one."""
        with self.writing() as db:
            _record_client(db, client)
            db.execute(
                "UPDATE sessions SET client = ?, respondent = ?, role = ? WHERE id = ?",
                (client, respondent, role, session_id),
            )
            self._touch(db, session_id)


def _record_client(db: Database, client: str | None) -> None:
    """A client new to the store gets its record, named as this write gives it (a record
    already there keeps its name as first written)."""
    if client and fold(client):
        db.execute(
            "INSERT INTO clients (key, name, created_at) VALUES (?,?,?) "
            "ON CONFLICT (key) DO NOTHING",
            (fold(client), client, _now()),
        )
