"""The session store's schema, step by step: the same steps on SQLite and PostgreSQL.

Each step takes the store from version N to N + 1; never edit a step once released. A step
is SQL both engines read (plain types, `ON CONFLICT ... DO NOTHING`, `EXISTS`), the name of
a function below that needs Python (folding names, which SQL cannot), or `Variants` where
the engines' syntax truly differs: only the first step has them (see `_ROWID`).
"""

from __future__ import annotations

from typing import NamedTuple

from quicktest.domain.client import fold
from quicktest.domain.errors import InputError
from quicktest.sources.store_database import Database


class Variants(NamedTuple):
    """A step written for each engine."""

    sqlite: str
    postgresql: str


_FIRST = """
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
    """

# SQLite numbers the rows of every table in the order they were written (`rowid`), and the
# store orders sessions and answers by it where their times tie (to the second). PostgreSQL
# has no such number: its tables get it as a column of that name, so every query reads the
# same on both engines.
_ROWID = """
    ALTER TABLE sessions ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
    ALTER TABLE answers ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
    """

MIGRATIONS: tuple[str | Variants, ...] = (
    Variants(sqlite=_FIRST, postgresql=_FIRST + _ROWID),
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
    # the web form's limits (bad links, new open tests), counted here so that every worker
    # and machine serving the store counts alike; a caller is a keyed hash, never an address
    """
    CREATE TABLE attempts (
        kind TEXT NOT NULL,
        caller TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX attempts_by_caller ON attempts (kind, caller, at);
    CREATE INDEX attempts_by_time ON attempts (at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def known(version: int, where: str) -> int:
    """The version a store holds, refused when a newer quicktest wrote it."""
    if version > SCHEMA_VERSION:
        raise InputError(
            f"store schema version {version} is newer than this quicktest knows "
            f"({SCHEMA_VERSION}); upgrade quicktest",
            where,
        )
    return version


def upgrade(db: Database) -> None:
    """Run the steps the store lacks, each followed by its version (the caller holds the
    write lock and commits)."""
    for step in range(db.version(), SCHEMA_VERSION):
        run_step(db, MIGRATIONS[step])
        db.set_version(step + 1)


def run_step(db: Database, step: str | Variants) -> None:
    """One migration step: its SQL statements (this engine's, for Variants), or its
    function."""
    if isinstance(step, Variants):
        step = getattr(step, db.engine)
    if step.startswith("_"):
        _PYTHON_STEPS[step](db)
        return
    for statement in step.split(";"):
        if statement.strip():
            db.execute(statement)


def _clients_of_sessions(db: Database) -> None:
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
