"""The session store on a PostgreSQL server, for several machines serving one firm's links.

The store's tables live in the connection's current schema (the first of its search_path
that exists: `public` unless the URL or the role says otherwise). A one-row table,
`quicktest_schema`, marks that schema as a quicktest store and holds its version; quicktest
makes its tables only in a schema that holds no table, view or sequence yet, and refuses
any other without changing it. Migrations run in one transaction under an advisory lock,
so that any number of first users find the store made exactly once; other writes lock only
the rows they change. Imported only for a postgresql:// store: nothing else loads psycopg.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TypeVar

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from quicktest.domain.errors import InputError
from quicktest.sources.locations import passwords_in, shown_location
from quicktest.sources.store_database import NOT_OURS, WRITABLE_PLACE
from quicktest.sources.store_schema import SCHEMA_VERSION, known, upgrade

T = TypeVar("T")
MARK = "quicktest_schema"
LOCK = 0x516B5473  # "QkTs": the advisory lock migrations take (SQLite's application_id)
CHECK_URL = "check the URL given with --db or QUICKTEST_DB"
CONNECT_TIMEOUT = 10  # seconds to reach the server before saying it cannot be reached
_RELATIONS = "('r', 'p', 'v', 'm', 'f', 'S')"  # tables, views, foreign tables, sequences
_WRITTEN = "('sessions', 'answers', 'metrics', 'invites', 'clients', 'client_tags')"


@functools.cache
def _psycopg_sql(sql: str) -> str:
    """The store's SQL in psycopg's placeholders: `%s` for `?`, `%%` for a literal `%` (the
    store's SQL holds no `?` but its placeholders)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase:
    """One connection to the server, as the store uses it (`store_database.Database`),
    made again at the next use when the server dropped it (a restart, a fail-over)."""

    engine = "postgresql"
    read_only = False  # what this role may do is asked of the server: `check_writable`

    def __init__(self, url: str, lock_wait: float) -> None:
        self.url, self.where, self.lock_wait = url, shown_location(url), lock_wait
        self.secrets = passwords_in(url)
        self.conn = self._connect()

    def _said(self, exc: psycopg.Error) -> str:
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
        except psycopg.Error as exc:
            raise InputError(
                f"cannot open the session store: {self._said(exc)} ({CHECK_URL})", self.where
            ) from None
        conn.execute(f"SET lock_timeout = {int(self.lock_wait * 1000)}")
        return conn

    def _live(self) -> psycopg.Connection:
        if self.conn.closed:
            self.conn = self._connect()
        return self.conn

    def _lost(self, exc: psycopg.OperationalError) -> InputError:
        return InputError(f"cannot reach the session store: {self._said(exc)}", self.where)

    def _in_transaction(self) -> bool:
        status = self.conn.info.transaction_status
        return status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def _again_if_dropped(self, act: Callable[[psycopg.Connection], T]) -> T:
        """`act(connection)` where no transaction is open: a read, or a BEGIN. When the
        server had dropped the connection while it was idle (a restart, a fail-over, an idle
        timeout), that try did nothing, and `act` runs once more on a new connection."""
        conn = self._live()
        try:
            return act(conn)
        except psycopg.OperationalError as exc:
            if not conn.closed:
                raise self._lost(exc) from None
        try:
            return act(self._live())
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from None

    def execute(self, sql: str, params: Sequence[object] = ()) -> psycopg.Cursor:
        """Outside a transaction (every such statement of the store reads), a failure is an
        InputError; inside one, the transaction's owner (`writing`, `reading`, `migrate`)
        names it once."""
        query = _psycopg_sql(sql)
        if self._in_transaction():
            return self.conn.execute(query, params)
        return self._again_if_dropped(lambda conn: conn.execute(query, params))

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Inside `writing`, as the store uses it."""
        with self.conn.cursor() as cursor:
            cursor.executemany(_psycopg_sql(sql), rows)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """A transaction, begun on a new connection when the server had dropped the last."""
        with ExitStack() as stack:
            self._again_if_dropped(lambda conn: stack.enter_context(conn.transaction()))
            yield

    @contextmanager
    def writing(self) -> Iterator[PostgresDatabase]:
        """One transaction, committed on leaving. Each write locks the rows it changes (a
        session's row first, then its answer or metric), so writers on every machine go on
        side by side; one waits for another's row up to the lock wait."""
        try:
            with self._transaction():
                yield self
        except psycopg.Error as exc:
            said = self._said(exc)
            raise InputError(f"cannot write to the session store: {said}", self.where) from None

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One snapshot for every query inside (a repeatable-read, read-only transaction)."""
        if self._in_transaction():
            yield
            return
        try:
            with self._transaction():
                self.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
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
        if marked and self.version() == SCHEMA_VERSION:
            return
        try:
            with self._transaction():
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
    try:
        db.migrate()
    except BaseException:
        db.close()
        raise
    return db
