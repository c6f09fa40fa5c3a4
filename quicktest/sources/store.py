"""Sessions in SQLite: every answer and metric committed the moment it is given.

The file is ours alone: SQLite's `PRAGMA application_id` marks it as a quicktest store, and
quicktest writes only to a new or empty file or to its own store (marked, or made before the
mark and holding exactly our tables). Any other file is refused without a byte changed.
WAL mode lets several processes use one store at once; the schema version lives in
`PRAGMA user_version`, and older stores are migrated forward, under a write lock, when opened.
A stored session this version cannot read (damaged, or written by a newer quicktest) is set
apart and named (`Damaged`); the others are read as usual.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from quicktest.domain.bank import Bank
from quicktest.domain.client import Client, fold
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.metrics import INPUTS
from quicktest.domain.response import Response
from quicktest.domain.session import FINISHED, IN_PROGRESS, STORED_STATES, Damaged, Listing, Session
from quicktest.domain.units import Value, bounds, format_value, in_bounds, plain
from quicktest.sources.locations import default_store_path

WRITABLE_PLACE = "use --db PATH or QUICKTEST_DB to choose a writable place"

# Each step takes the store from version N to N + 1; never edit a step once released. A step
# is SQL, or the name of a function below that needs Python (folding names, which SQL cannot).
MIGRATIONS = (
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        client TEXT, respondent TEXT, date TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'in progress',
        bank_id TEXT NOT NULL, bank_version TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE answers (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL, option_id TEXT NOT NULL, answered_at TEXT NOT NULL,
        PRIMARY KEY (session_id, question_id)
    );
    CREATE TABLE metrics (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        name TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (session_id, name)
    );
    """,
    """
    ALTER TABLE sessions ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX sessions_by_client ON sessions (client);
    """,
    # the exact bank a session was answered with (a hash of its files); '' when not known
    """
    ALTER TABLE sessions ADD COLUMN bank_digest TEXT NOT NULL DEFAULT '';
    """,
    # private links for remote respondents: only a hash of each token is kept
    """
    CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0, hold INTEGER NOT NULL DEFAULT 0
    );
    """,
    # clients as records of their own (the name as first written, what the consultant set),
    # respondents' roles, and "finished" for what was "done"
    """
    ALTER TABLE sessions ADD COLUMN role TEXT;
    UPDATE sessions SET state = 'finished' WHERE state = 'done';
    CREATE TABLE clients (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        anonymity INTEGER NOT NULL DEFAULT 0,
        sponsor TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE client_tags (
        client_key TEXT NOT NULL REFERENCES clients(key) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (client_key, tag)
    );
    """,
    # a client record for every client the sessions already name, as first written
    "_clients_of_sessions",
)
SCHEMA_VERSION = len(MIGRATIONS)

# "QkTs" in the SQLite header (offset 68): this file is a quicktest session store.
APPLICATION_ID = 0x516B5473
_SQLITE = b"SQLite format 3\x00"
_NOT_OURS = "nothing was changed (use --db PATH or QUICKTEST_DB to choose another store)"


class _Unreadable(Exception):
    def __init__(self, field: str, what: str) -> None:
        super().__init__(what)
        self.field, self.what = field, what


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _marked(db: sqlite3.Connection) -> bool:
    """Whether the file is marked as a quicktest store."""
    return bool(db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID)


def _version(db: sqlite3.Connection) -> int:
    """The store's schema version; one newer than this quicktest knows is refused."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"store schema version {version} is newer than this quicktest knows "
            f"({SCHEMA_VERSION}); upgrade quicktest"
        )
    return version


def _ours(db: sqlite3.Connection) -> bool:
    """Whether quicktest may write to this database: marked as ours; or unmarked and empty;
    or unmarked with exactly the tables of one of our versions (a store made before the
    mark). Anything else is another program's."""
    (mark,) = db.execute("PRAGMA application_id").fetchone()
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if mark:
        return bool(mark == APPLICATION_ID)
    if version == 0:
        return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    return version <= SCHEMA_VERSION and _tables(db) == _schema(version)


def _tables(db: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's columns: name, type, not null, default and key, as SQLite reports them."""
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
        "ESCAPE '!' ORDER BY name"
    ).fetchall()
    return {
        name: db.execute("SELECT * FROM pragma_table_info(?)", (name,)).fetchall()
        for (name,) in names
    }


def run_step(db: sqlite3.Connection, step: str) -> None:
    """One migration step: its SQL statements, or its function."""
    if step.startswith("_"):
        _PYTHON_STEPS[step](db)
        return
    for statement in step.split(";"):
        if statement.strip():
            db.execute(statement)


def _clients_of_sessions(db: sqlite3.Connection) -> None:
    """A client record for each client the sessions name, as its earliest session wrote it."""
    rows = db.execute(
        "SELECT client, created_at FROM sessions WHERE client IS NOT NULL "
        "ORDER BY created_at, rowid"
    ).fetchall()
    for name, created in rows:
        if isinstance(name, str) and fold(name):
            db.execute(
                "INSERT INTO clients (key, name, created_at) VALUES (?,?,?) "
                "ON CONFLICT (key) DO NOTHING",
                (fold(name), name, created),
            )


_PYTHON_STEPS = {"_clients_of_sessions": _clients_of_sessions}


@cache
def _schema(version: int) -> dict[str, list[tuple[Any, ...]]]:
    """The tables a store of `version` holds: made by its migrations in memory."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for step in MIGRATIONS[:version]:
            run_step(db, step)
        return _tables(db)
    finally:
        db.close()


class Store:
    """A session store in one SQLite file."""

    db: sqlite3.Connection

    def __init__(
        self,
        path: Path | None = None,
        lock_wait: float = 10.0,
        today: Callable[[], datetime.date] = datetime.date.today,
    ) -> None:
        """Open (or create) the store; a write waits up to `lock_wait` seconds for another
        process's lock (the app waits briefly and says "not saved" rather than freeze).
        `today` dates a session given no date (tests hand in a fixed day).

        Raises InputError for a file that is not ours (changing nothing), a store of a newer
        version, and a store that cannot be opened or created."""
        self.today = today
        self.path = path or Path(default_store_path())
        # A store on a read-only disk (or that we may not write) opens for reading: its
        # sessions can still be listed, shown, exported and reported; writes are refused.
        writable = os.access(self.path.parent, os.W_OK)
        self.read_only = self.path.is_file() and not (writable and os.access(self.path, os.W_OK))
        if self.path.parent.is_dir() and not self.path.exists() and not writable:
            raise InputError(
                f"cannot create the session store: its folder is on a read-only disk or "
                f"you cannot write to it ({WRITABLE_PLACE})",
                str(self.path),
            )
        db = None
        try:
            self._refuse_another_programs_file()
            if self.read_only:
                db = self._open_read_only()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=lock_wait, isolation_level=None)
                db.execute(f"PRAGMA busy_timeout = {int(lock_wait * 1000)}")
            self.db = db
            db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            if not self.read_only:
                db.execute("PRAGMA journal_mode = WAL")
        except BaseException as exc:
            if db is not None:
                db.close()
            if isinstance(exc, sqlite3.Error | OSError):
                raise InputError(
                    f"cannot open the session store: {exc} ({WRITABLE_PLACE})", str(self.path)
                ) from None
            raise

    def _refuse_another_programs_file(self) -> None:
        """Refuse, without changing a byte, a file quicktest must not write: anything but a
        new or empty file, a store marked as ours, or an older store made before the mark
        whose tables are exactly ours. The header is read directly; only an unmarked SQLite
        file is opened, read-only, to see its tables."""
        try:
            with self.path.open("rb") as file:
                header = file.read(100)
        except FileNotFoundError:
            return
        if not header:
            return
        if len(header) < 100 or not header.startswith(_SQLITE):
            raise InputError(
                f"is not a quicktest session store (not an SQLite file); {_NOT_OURS}",
                str(self.path),
            )
        if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
            return
        look = sqlite3.connect(self._looking_uri(), uri=True, isolation_level=None)
        try:
            ours = _ours(look)
        finally:
            look.close()
        if not ours:
            raise self._another_programs()

    def _looking_uri(self) -> str:
        """How to look at a file without leaving anything behind: as a fixed file, unless a
        write-ahead log beside it holds changes not yet in it (then read with the log, whose
        files already exist)."""
        uri = self.path.absolute().as_uri()
        log, index = (self.path.with_name(self.path.name + end) for end in ("-wal", "-shm"))
        live = log.is_file() and log.stat().st_size and index.is_file()
        return f"{uri}?mode=ro" if live else f"{uri}?immutable=1"

    def _another_programs(self) -> InputError:
        return InputError(
            f"belongs to another program: it is an SQLite database, not a quicktest session "
            f"store; {_NOT_OURS}",
            str(self.path),
        )

    def _open_read_only(self) -> sqlite3.Connection:
        """Open without the WAL's shared-memory file, which a read-only folder cannot hold.

        That skips the write-ahead log, so a log still holding sessions (left by a process that
        was killed) must be merged first, on a writable disk.
        """
        log = self.path.with_name(self.path.name + "-wal")
        if log.is_file() and log.stat().st_size:
            raise sqlite3.OperationalError(
                f"it is read-only and {log.name} holds sessions not yet merged into it; copy "
                "both files to a writable folder and open them there once"
            )
        return sqlite3.connect(
            f"{self.path.absolute().as_uri()}?immutable=1", uri=True, isolation_level=None
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cannot_write(self) -> InputError:
        return InputError(
            f"cannot write to the session store: it is on a read-only disk, or you may not "
            f"write to it or its folder; its sessions can be read, not changed ({WRITABLE_PLACE})",
            str(self.path),
        )

    def check_writable(self) -> None:
        """Raise, before a command starts, the InputError its first write would raise: the
        store is on a read-only disk or may not be written, or another process holds its
        write lock for longer than the lock wait."""
        with self.writing():
            pass

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed on leaving: a killed process loses nothing before it."""
        if self.read_only:
            raise self._cannot_write()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            yield self.db
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise InputError(f"cannot write to the session store: {exc}", str(self.path)) from None
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        """Bring the store to this version and mark it as ours, under the write lock (taken
        before the version is read), so that any number of processes opening a new store at
        once find it made exactly once."""
        db = self.db
        if _marked(db) and _version(db) == SCHEMA_VERSION:
            return
        if self.read_only:
            if _version(db) == SCHEMA_VERSION:
                return  # a store made before the mark: read it as it is
            raise self._cannot_write()
        db.execute("BEGIN IMMEDIATE")
        try:
            if not _ours(db):  # made by another program since it was looked at
                raise self._another_programs()
            for step in range(_version(db), SCHEMA_VERSION):
                run_step(db, MIGRATIONS[step])
                db.execute(f"PRAGMA user_version = {step + 1}")
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

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
        """A full session id from an id or a unique prefix; unknown ids get a hint."""
        ids = [row[0] for row in self.db.execute("SELECT id FROM sessions")]
        if session_id in ids:
            return session_id
        matches = sorted(i for i in ids if i.startswith(session_id)) if session_id else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise InputError(
                f"session id {session_id!r} is ambiguous: it starts {len(matches)} sessions "
                f"({', '.join(matches[:10])}{', …' if len(matches) > 10 else ''})",
                str(self.path),
                hint="give more of the id",
            )
        hint = did_you_mean(session_id, ids) or (
            "see quicktest sessions list" if ids else "the store has no sessions yet"
        )
        raise InputError(f"unknown session id {session_id!r}", str(self.path), hint=hint)

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
                str(self.path),
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
                str(self.path),
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
        listing = self._load("id = ?", [self.resolve(session_id)])
        if listing.damaged:
            raise InputError(
                f"{listing.damaged[0]}; this version of quicktest cannot read it (the store's "
                "other sessions are read as usual)",
                str(self.path),
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
        """The sessions matching `where`, with their answers and metrics, in three queries;
        each one this version cannot read is set apart with its first fault."""
        chosen = f"SELECT id FROM sessions WHERE {where}"
        rows = self.db.execute(
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
        for session_id, question_id, option_id in self.db.execute(
            "SELECT session_id, question_id, option_id FROM answers "
            f"WHERE session_id IN ({chosen}) ORDER BY answered_at, rowid",
            params,
        ):
            if isinstance(question_id, str) and isinstance(option_id, str):
                answers[session_id][question_id] = option_id
            else:
                unreadable(session_id, _Unreadable(f"answers.{question_id}", _not_text(option_id)))
        for session_id, name, value in self.db.execute(
            f"SELECT session_id, name, value FROM metrics WHERE session_id IN ({chosen})", params
        ):
            try:
                metrics[session_id][name] = _stored_metric(name, value)
            except _Unreadable as fault:
                unreadable(session_id, fault)
        return Listing(
            [
                Session.of(
                    *row[:10], bool(row[10]), answers=answers[row[0]], metrics=metrics[row[0]]
                )
                for row in rows
                if row[0] not in damaged
            ],
            [damaged[row[0]] for row in rows if row[0] in damaged],
        )

    def _touch(self, db: sqlite3.Connection, session_id: str) -> None:
        db.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (_now(), session_id))

    def set_answer(
        self, session_id: str, question_id: str, option_id: str | None, position: int | None = None
    ) -> None:
        with self.writing() as db:
            if option_id is None:
                db.execute(
                    "DELETE FROM answers WHERE session_id = ? AND question_id = ?",
                    (session_id, question_id),
                )
            else:
                db.execute(
                    "INSERT INTO answers VALUES (?,?,?,?) ON CONFLICT (session_id, "
                    "question_id) DO UPDATE SET option_id = excluded.option_id, "
                    "answered_at = excluded.answered_at",
                    (session_id, question_id, option_id, _now()),
                )
            if position is not None:
                db.execute("UPDATE sessions SET position = ? WHERE id = ?", (position, session_id))
            self._touch(db, session_id)

    def set_position(self, session_id: str, position: int) -> None:
        with self.writing() as db:
            db.execute("UPDATE sessions SET position = ? WHERE id = ?", (position, session_id))

    def set_metric(
        self, session_id: str, name: str, value: float | tuple[float, ...] | None
    ) -> None:
        if name not in INPUTS:
            raise InputError("unknown metric", field=name, hint=did_you_mean(name, INPUTS))
        with self.writing() as db:
            if value is None:
                db.execute(
                    "DELETE FROM metrics WHERE session_id = ? AND name = ?", (session_id, name)
                )
            else:
                stored = json.dumps(plain(value))
                db.execute(
                    "INSERT INTO metrics VALUES (?,?,?) ON CONFLICT (session_id, name) "
                    "DO UPDATE SET value = excluded.value",
                    (session_id, name, stored),
                )
            self._touch(db, session_id)

    def set_state(self, session_id: str, state: str) -> None:
        """Store whether a session is finished (IN_PROGRESS or FINISHED)."""
        if state not in STORED_STATES:
            raise ValueError(f"a stored state is one of {STORED_STATES}, not {state!r}")
        with self.writing() as db:
            db.execute("UPDATE sessions SET state = ? WHERE id = ?", (state, session_id))
            self._touch(db, session_id)

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
            if session.client and fold(session.client):
                db.execute(
                    "INSERT INTO clients (key, name, created_at) VALUES (?,?,?) "
                    "ON CONFLICT (key) DO NOTHING",
                    (fold(session.client), session.client, _now()),
                )
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
                "INSERT INTO answers VALUES (?,?,?,?)",
                [(session.id, q, o, _now()) for q, o in session.answers.items()],
            )
            db.executemany(
                "INSERT INTO metrics VALUES (?,?,?)",
                [(session.id, n, json.dumps(plain(v))) for n, v in session.metrics.items()],
            )

    def set_names(
        self, session_id: str, client: str | None, respondent: str | None, role: str | None
    ) -> None:
        """Correct who answered a session (None clears a name). A client new to the store
        gets its record, named as written here, as `insert` gives one."""
        with self.writing() as db:
            if client and fold(client):
                db.execute(
                    "INSERT INTO clients (key, name, created_at) VALUES (?,?,?) "
                    "ON CONFLICT (key) DO NOTHING",
                    (fold(client), client, _now()),
                )
            db.execute(
                "UPDATE sessions SET client = ?, respondent = ?, role = ? WHERE id = ?",
                (client, respondent, role, session_id),
            )
            self._touch(db, session_id)


# --- reading stored values back: what this version cannot use is named, never guessed ------


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
        raise _Unreadable(
            "state", f"{_shown(state)} is not a state this version of quicktest knows"
        )
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
