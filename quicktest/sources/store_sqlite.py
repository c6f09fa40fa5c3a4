"""The session store in one SQLite file: the embedded default.

The file is ours alone: SQLite's `PRAGMA application_id` marks it as a quicktest store, and
quicktest writes only to a new or empty file or to its own store (marked, or made before the
mark and holding exactly our tables). Any other file is refused without a byte changed.
WAL mode lets several processes use one store at once; the schema version lives in
`PRAGMA user_version`, and older stores are migrated forward, under the write lock
(`BEGIN IMMEDIATE`), when opened.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError
from quicktest.sources.store_database import NOT_OURS, WRITABLE_PLACE
from quicktest.sources.store_schema import MIGRATIONS, SCHEMA_VERSION, known, run_step, upgrade

# "QkTs" in the SQLite header (offset 68): this file is a quicktest session store.
APPLICATION_ID = 0x516B5473
_SQLITE = b"SQLite format 3\x00"


class SQLiteDatabase:
    """An open SQLite connection, as the store uses it (`store_database.Database`)."""

    engine = "sqlite"

    def __init__(
        self,
        conn: sqlite3.Connection,
        where: str,
        read_only: bool = False,
        lock_wait: float = 10.0,
    ) -> None:
        self.conn, self.where, self.read_only = conn, where, read_only
        self.lock_wait = lock_wait

    def execute(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self.conn.executemany(sql, rows)

    def close(self) -> None:
        self.conn.close()

    def version(self) -> int:
        return known(self.execute("PRAGMA user_version").fetchone()[0], self.where)

    def set_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def cannot_write(self) -> InputError:
        return InputError(
            f"cannot write to the session store: it is on a read-only disk, or you may not "
            f"write to it or its folder; its sessions can be read, not changed ({WRITABLE_PLACE})",
            self.where,
        )

    def check_writable(self) -> None:
        """The store is on a read-only disk or may not be written, or another process holds
        its write lock for longer than the lock wait."""
        with self.writing():
            pass

    @contextmanager
    def writing(self) -> Iterator[SQLiteDatabase]:
        """One transaction under SQLite's write lock, committed on leaving: a killed process
        loses nothing before it."""
        if self.read_only:
            raise self.cannot_write()
        with self._turn():
            try:
                self.execute("BEGIN IMMEDIATE")
                yield self
                self.execute("COMMIT")
            except sqlite3.Error as exc:
                self._roll_back()
                raise self._not_written(exc) from None
            except BaseException:
                self._roll_back()
                raise

    def _not_written(self, exc: sqlite3.Error) -> InputError:
        """Our words for a write SQLite refused: a held lock says who to wait for."""
        code = getattr(exc, "sqlite_errorcode", None) or 0
        if code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            why = (
                f"another process held its write lock for more than {self.lock_wait:g} s; "
                "try again once it is done"
            )
        else:
            why = str(exc)
        return InputError(f"cannot write to the session store: {why}", self.where)

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write the file. A web worker's threads each hold a
        connection; left to SQLite, the ones waiting for the write lock sleep and poll,
        and an unlucky one waits seconds while others come and go. Queued here they take
        turns; other processes still wait through SQLite's busy timeout."""
        turn = _turns(self.where)
        if not turn.acquire(timeout=self.lock_wait):
            raise InputError(
                f"cannot write to the session store: it stayed busy for {self.lock_wait:g} s "
                "with other writes of this process",
                self.where,
            )
        try:
            yield
        finally:
            turn.release()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A read transaction: in WAL mode it reads one snapshot until it ends."""
        if self.conn.in_transaction:
            yield
            return
        self.execute("BEGIN")
        try:
            yield
        finally:
            self._roll_back()

    def migrate(self) -> None:
        """Bring the store to this version and mark it as ours, under the write lock (taken
        before the version is read), so that any number of processes opening a new store
        at once find it made exactly once."""
        if _marked(self.conn) and self.version() == SCHEMA_VERSION:
            return
        if self.read_only:
            if self.version() == SCHEMA_VERSION:
                return  # a store made before the mark: read it as it is
            raise self.cannot_write()
        with self._turn():
            self.execute("BEGIN IMMEDIATE")
            try:
                if not _ours(self.conn):  # made by another program since it was looked at
                    raise _another_programs(self.where)
                upgrade(self)
                self.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.execute("COMMIT")
            except BaseException:
                self._roll_back()
                raise

    def _roll_back(self) -> None:
        if self.conn.in_transaction:
            self.execute("ROLLBACK")


def open_sqlite(path: Path, lock_wait: float) -> SQLiteDatabase:
    """Open (or create) the store; a write waits up to `lock_wait` seconds for another
    process's lock. A store on a read-only disk (or that we may not write) opens for
    reading: its sessions can still be listed, shown, exported and reported.

    Raises InputError for a file that is not ours (changing nothing), a store of a newer
    version, and a store that cannot be opened or created."""
    writable = os.access(path.parent, os.W_OK)
    read_only = path.is_file() and not (writable and os.access(path, os.W_OK))
    if path.parent.is_dir() and not path.exists() and not writable:
        raise InputError(
            f"cannot create the session store: its folder is on a read-only disk or "
            f"you cannot write to it ({WRITABLE_PLACE})",
            str(path),
        )
    conn = None
    try:
        _refuse_another_programs_file(path)
        if read_only:
            conn = _open_read_only(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=lock_wait, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {int(lock_wait * 1000)}")
        db = SQLiteDatabase(conn, str(path), read_only, lock_wait)
        db.execute("PRAGMA foreign_keys = ON")
        db.migrate()
        if not read_only:
            db.execute("PRAGMA journal_mode = WAL")
        return db
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.Error | OSError):
            raise InputError(
                f"cannot open the session store: {exc} ({WRITABLE_PLACE})", str(path)
            ) from None
        raise


_TURNS: dict[str, threading.RLock] = {}
_TURNS_MADE = threading.Lock()


def _turns(where: str) -> threading.RLock:
    """The one lock this process takes to write the store at `where` (however named)."""
    key = os.path.realpath(where)
    with _TURNS_MADE:
        return _TURNS.setdefault(key, threading.RLock())


# --- the file is ours alone ------------------------------------------------------------------


def _marked(conn: sqlite3.Connection) -> bool:
    """Whether the file is marked as a quicktest store."""
    return bool(conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID)


def _ours(conn: sqlite3.Connection) -> bool:
    """Whether quicktest may write to this database: marked as ours; or unmarked and empty;
    or unmarked with exactly the tables of one of our versions (a store made before the
    mark). Anything else is another program's."""
    (mark,) = conn.execute("PRAGMA application_id").fetchone()
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if mark:
        return bool(mark == APPLICATION_ID)
    if version == 0:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    return version <= SCHEMA_VERSION and _tables(conn) == _schema(version)


def _tables(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's columns: name, type, not null, default and key, as SQLite reports them."""
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
        "ESCAPE '!' ORDER BY name"
    ).fetchall()
    return {
        name: conn.execute("SELECT * FROM pragma_table_info(?)", (name,)).fetchall()
        for (name,) in names
    }


@cache
def _schema(version: int) -> dict[str, list[tuple[Any, ...]]]:
    """The tables a store of `version` holds: made by its migrations in memory."""
    db = SQLiteDatabase(sqlite3.connect(":memory:", isolation_level=None), ":memory:")
    try:
        for step in MIGRATIONS[:version]:
            run_step(db, step)
        return _tables(db.conn)
    finally:
        db.close()


def _refuse_another_programs_file(path: Path) -> None:
    """Refuse, without changing a byte, a file quicktest must not write: anything but a
    new or empty file, a store marked as ours, or an older store made before the mark
    whose tables are exactly ours. The header is read directly; only an unmarked SQLite
    file is opened, read-only, to see its tables."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return
    if not header:
        return
    if len(header) < 100 or not header.startswith(_SQLITE):
        raise InputError(
            f"is not a quicktest session store (not an SQLite file); {NOT_OURS}", str(path)
        )
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return
    look = sqlite3.connect(_looking_uri(path), uri=True, isolation_level=None)
    try:
        ours = _ours(look)
    finally:
        look.close()
    if not ours:
        raise _another_programs(str(path))


def _looking_uri(path: Path) -> str:
    """How to look at a file without leaving anything behind: as a fixed file, unless a
    write-ahead log beside it holds changes not yet in it (then read with the log, whose
    files already exist)."""
    uri = path.absolute().as_uri()
    log, index = (path.with_name(path.name + end) for end in ("-wal", "-shm"))
    live = log.is_file() and log.stat().st_size and index.is_file()
    return f"{uri}?mode=ro" if live else f"{uri}?immutable=1"


def _another_programs(where: str) -> InputError:
    return InputError(
        f"belongs to another program: it is an SQLite database, not a quicktest session "
        f"store; {NOT_OURS}",
        where,
    )


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open without the WAL's shared-memory file, which a read-only folder cannot hold.

    That skips the write-ahead log, so a log still holding sessions (left by a process that
    was killed) must be merged first, on a writable disk.
    """
    log = path.with_name(path.name + "-wal")
    if log.is_file() and log.stat().st_size:
        raise sqlite3.OperationalError(
            f"it is read-only and {log.name} holds sessions not yet merged into it; copy "
            "both files to a writable folder and open them there once"
        )
    uri = f"{path.absolute().as_uri()}?immutable=1"
    return sqlite3.connect(uri, uri=True, isolation_level=None)
