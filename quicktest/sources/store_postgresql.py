"""The session store on a PostgreSQL server, for several machines serving one firm's links.

The store's tables live in the connection's current schema (the first of its search_path
that exists: `public` unless the URL or the role says otherwise). A one-row table,
`quicktest_schema`, marks that schema as a quicktest store and holds its version; quicktest
makes its tables only in a schema that holds no table, view or sequence yet, and refuses
any other without changing it. Migrations run in one transaction under an advisory lock,
so that any number of first users find the store made exactly once; other writes lock only
the rows they change. Imported only for a postgresql:// store: nothing else loads psycopg.

Connections: each process keeps a few per store (`Connections`), which all its threads
share, so a web worker's forty request threads hold at most CONNECTIONS of the server's
connections. psycopg_pool would do this too, but it connects in threads of its own, retries
in the background and says only that it timed out: a wrong password would cost the wait
and lose libpq's reason, where a connection made when needed says it at once.
"""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import psycopg
from psycopg import IsolationLevel
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from quicktest.domain.errors import InputError
from quicktest.sources.locations import passwords_in, shown_location
from quicktest.sources.store_database import NOT_OURS, WRITABLE_PLACE
from quicktest.sources.store_schema import SCHEMA_VERSION, known, upgrade

MARK = "quicktest_schema"
LOCK = 0x516B5473  # "QkTs": the advisory lock migrations take (SQLite's application_id)
CONNECTIONS = 10  # the most one process holds to one store, whatever its threads
CONNECT_TIMEOUT = 10  # seconds to reach the server, or to wait for a free connection
CHECK_URL = "check the URL given with --db or QUICKTEST_DB"
_RELATIONS = "('r', 'p', 'v', 'm', 'f', 'S')"  # tables, views, foreign tables, sequences
_WRITTEN = "('sessions', 'answers', 'metrics', 'invites', 'clients', 'client_tags')"


@functools.cache
def _psycopg_sql(sql: str) -> str:
    """The store's SQL in psycopg's placeholders: `%s` for `?`, `%%` for a literal `%` (the
    store's SQL holds no `?` but its placeholders)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _Fetched(list[Any]):
    """A read's rows, fetched before its connection went back to be shared."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


class Connections:
    """The connections one process holds to one store, shared by its threads: at most
    CONNECTIONS at once; each kept for the next use once its work is done; those made
    before the server dropped one left behind."""

    def __init__(self, url: str, lock_wait: float) -> None:
        self.url, self.lock_wait = url, lock_wait
        self.where, self.secrets = shown_location(url), passwords_in(url)
        self.idle: list[psycopg.Connection] = []
        self.lock = threading.Lock()
        self.free = threading.BoundedSemaphore(CONNECTIONS)
        self.reached = False  # this process has opened the store: a failure now is news

    def said(self, exc: Exception) -> str:
        """The server's or libpq's message on one line, without the password (libpq quotes
        a URL it cannot parse)."""
        lines = (" ".join(line.split()) for line in str(exc).splitlines())
        text = "; ".join(line for line in lines if line).removeprefix("connection failed: ")
        for secret in self.secrets:
            text = text.replace(secret, "…")
        return text

    def _connect(self) -> psycopg.Connection:
        try:
            given = conninfo_to_dict(self.url)
            conn = psycopg.connect(
                self.url,
                autocommit=True,  # each read is its own; `writing` and `reading` span several
                connect_timeout=given.get("connect_timeout", CONNECT_TIMEOUT),
                application_name=given.get("application_name", "quicktest"),
            )
            conn.execute(f"SET lock_timeout = {int(self.lock_wait * 1000)}")
        except psycopg.Error as exc:
            if self.reached:  # it worked before: the server went away
                said = self.said(exc)
                raise InputError(f"cannot reach the session store: {said}", self.where) from None
            raise InputError(
                f"cannot open the session store: {self.said(exc)} ({CHECK_URL})", self.where
            ) from None
        return conn

    @contextmanager
    def one(self) -> Iterator[psycopg.Connection]:
        """A connection for the block: an idle one, else a new one."""
        if not self.free.acquire(timeout=CONNECT_TIMEOUT):
            raise InputError(
                f"cannot reach the session store: all {CONNECTIONS} of this process's "
                f"connections to it stayed busy for {CONNECT_TIMEOUT} s",
                self.where,
            )
        try:
            with self.lock:
                conn = self.idle.pop() if self.idle else None
            conn = conn or self._connect()
            try:
                yield conn
            finally:
                if conn.closed or conn.info.transaction_status != TransactionStatus.IDLE:
                    conn.close()
                else:
                    with self.lock:
                        self.idle.append(conn)
        finally:
            self.free.release()

    def forget_idle(self) -> None:
        """The server dropped a connection: those idle beside it are likely gone too."""
        with self.lock:
            idle, self.idle = self.idle, []
        for conn in idle:
            conn.close()


_SHARED: dict[tuple[int, str, float], Connections] = {}  # by process, URL and lock wait
_SHARED_LOCK = threading.Lock()


def _connections(url: str, lock_wait: float) -> Connections:
    key = (os.getpid(), url, lock_wait)  # a forked process makes its own
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Connections(url, lock_wait)
        return _SHARED[key]


@atexit.register
def _close_all() -> None:
    for key, connections in list(_SHARED.items()):
        if key[0] == os.getpid():
            connections.forget_idle()


class PostgresDatabase:
    """The store on a server, as the store uses it (`store_database.Database`): each read
    and each transaction on one of the process's shared connections."""

    engine = "postgresql"

    def __init__(self, url: str, lock_wait: float) -> None:
        self.url = url
        self.pool = _connections(url, lock_wait)
        self.where = self.pool.where
        self.conn: psycopg.Connection | None = None  # the one a transaction holds

    def _said(self, exc: Exception) -> str:
        return self.pool.said(exc)

    def _lost(self, exc: Exception) -> InputError:
        return InputError(f"cannot reach the session store: {self._said(exc)}", self.where)

    def _dropped(self, conn: psycopg.Connection, exc: psycopg.OperationalError, last: bool) -> None:
        """After a failure where no transaction was open (a read, or a BEGIN): when the
        server had dropped the connection, that try did nothing and may be made again on
        a new one; otherwise, or the second time, the failure is an InputError."""
        if last or not conn.closed:
            raise self._lost(exc) from None
        self.pool.forget_idle()

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Inside a transaction, on its connection (its owner, `writing`, `reading` or
        `migrate`, names a failure once); else on a shared one, the rows fetched."""
        query = _psycopg_sql(sql)
        if self.conn is not None:
            return self.conn.execute(query, params)
        for last in (False, True):
            with self.pool.one() as conn:
                try:
                    cursor = conn.execute(query, params)
                    return _Fetched(cursor.fetchall() if cursor.description else [])
                except psycopg.OperationalError as exc:
                    self._dropped(conn, exc, last)
        raise AssertionError("the second try returns or raises")

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Inside `writing`, as the store uses it."""
        assert self.conn is not None
        with self.conn.cursor() as cursor:
            cursor.executemany(_psycopg_sql(sql), rows)

    def close(self) -> None:
        """Nothing to close: the connections are the process's, shared by its stores."""

    @contextmanager
    def _held(self, snapshot: bool = False) -> Iterator[None]:
        """A transaction on one shared connection, held for the block; with `snapshot`,
        repeatable-read and read-only (said in its BEGIN: no round trip more)."""
        for last in (False, True):
            with ExitStack() as stack:
                conn = stack.enter_context(self.pool.one())
                try:
                    conn.isolation_level = IsolationLevel.REPEATABLE_READ if snapshot else None
                    conn.read_only = snapshot or None
                    stack.enter_context(conn.transaction())
                except psycopg.OperationalError as exc:
                    self._dropped(conn, exc, last)
                    continue
                self.conn = conn
                try:
                    yield
                finally:
                    self.conn = None
                return

    @contextmanager
    def writing(self) -> Iterator[PostgresDatabase]:
        """One transaction, committed on leaving. Each write locks the rows it changes (a
        session's row first, then its answer or metric), so writers on every machine go on
        side by side; one waits for another's row up to the lock wait."""
        try:
            with self._held():
                yield self
        except psycopg.Error as exc:
            said = self._said(exc)
            raise InputError(f"cannot write to the session store: {said}", self.where) from None

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One snapshot for every query inside (a repeatable-read, read-only transaction)."""
        if self.conn is not None:
            yield
            return
        try:
            with self._held(snapshot=True):
                yield
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None

    def check_writable(self) -> None:
        """The server takes no writes (a standby, or read-only by default), or this role may
        not insert, update and delete in every table of the store."""
        read_only, refused = self.execute(
            "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on', "
            "string_agg(c.relname, ', ' ORDER BY c.relname) FILTER (WHERE NOT ("
            "has_table_privilege(c.oid, 'INSERT') AND has_table_privilege(c.oid, 'UPDATE') "
            "AND has_table_privilege(c.oid, 'DELETE'))) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE n.nspname = current_schema() AND c.relname IN {_WRITTEN}"
        ).fetchone()
        if read_only:
            raise InputError(
                "cannot write to the session store: the server takes no writes (a standby, "
                f"or default_transaction_read_only is on) ({WRITABLE_PLACE})",
                self.where,
            )
        if refused:
            user = conninfo_to_dict(self.url).get("user") or "this user"
            raise InputError(
                f"cannot write to the session store: {user} may not insert, update and "
                f"delete in {refused}; its sessions can be read, not changed (the database's "
                f"administrator grants them: see the README)",
                self.where,
            )

    # --- the schema: ours alone, made once ------------------------------------------------

    def version(self) -> int:
        return known(self.execute(f"SELECT version FROM {MARK}").fetchone()[0], self.where)

    def set_version(self, version: int) -> None:
        self.execute(f"UPDATE {MARK} SET version = ?", (version,))

    def _schema(self) -> tuple[str | None, bool, int]:
        """The current schema's name, whether it is marked as a store, and how many tables,
        views and sequences it holds."""
        schema, marked, relations = self.execute(
            f"SELECT current_schema(), count(*) FILTER (WHERE c.relname = '{MARK}'), "
            "count(c.oid) FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid "
            f"AND c.relkind IN {_RELATIONS} WHERE n.nspname = current_schema() GROUP BY 1"
        ).fetchone() or (None, 0, 0)
        return schema, bool(marked), relations

    def migrate(self) -> None:
        """Bring the store to this version, making it in an empty schema, under the
        advisory lock (the schema looked at again once it is held)."""
        _, marked, _ = self._schema()
        if not (marked and self.version() == SCHEMA_VERSION):
            self._make()
        self.pool.reached = True

    def _make(self) -> None:
        """Make the store, or bring it up to date, in one transaction under the lock."""
        try:
            with self._held():
                self.execute("SELECT pg_advisory_xact_lock(?)", (LOCK,))
                schema, marked, relations = self._schema()
                if schema is None:
                    raise InputError(
                        "cannot open the session store: no schema of its search_path exists "
                        f"({CHECK_URL})",
                        self.where,
                    )
                if not marked:
                    if relations:
                        raise InputError(
                            f"belongs to another program: schema {schema} holds tables that "
                            f"are not a quicktest session store; {NOT_OURS}",
                            self.where,
                        )
                    self.execute(f"CREATE TABLE {MARK} (version INTEGER NOT NULL)")
                    self.execute(f"INSERT INTO {MARK} VALUES (0)")
                upgrade(self)
        except psycopg.Error as exc:
            raise InputError(
                f"cannot open the session store: {self._said(exc)} ({WRITABLE_PLACE})", self.where
            ) from None


def open_postgresql(url: str, lock_wait: float) -> PostgresDatabase:
    """Connect, and make or bring up to date the store's tables; InputError naming the URL
    (never its password) for a server that cannot be reached, a login refused, a missing
    database or schema, a schema that is not ours, or a store of a newer version."""
    db = PostgresDatabase(url, lock_wait)
    db.migrate()
    return db
