"""What the session store asks of a database engine, and the words its refusals share.

The store (`store.py`) writes its SQL once, for both engines: plain SQL with `?` for each
value, which the PostgreSQL adapter turns into psycopg's `%s`. What differs lives in the
two adapters, `store_sqlite.py` and `store_postgresql.py`: connecting, the write lock, a
consistent read, where the schema version and the mark of ownership are kept, and turning
the engine's errors into one InputError naming the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

WRITABLE_PLACE = "use --db PATH or QUICKTEST_DB to choose a writable place"
NOT_OURS = "nothing was changed (use --db PATH or QUICKTEST_DB to choose another store)"


class Rows(Protocol):
    """What a query gives back: sqlite3's cursor and psycopg's both are."""

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    engine: str  # "sqlite" or "postgresql": which variant of a migration step it runs
    where: str  # how messages name the store: its path, or its URL without the password

    def execute(self, sql: str, params: Sequence[object] = ()) -> Rows: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...

    def writing(self) -> AbstractContextManager[Database]:
        """One transaction, committed on leaving; a failure is an InputError naming the
        store, and nothing of the transaction is kept."""
        ...

    def reading(self) -> AbstractContextManager[None]:
        """Every query inside sees the store as it was at one moment."""
        ...

    def check_writable(self) -> None:
        """Raise the InputError a first write would, before a command starts."""
        ...

    def version(self) -> int:
        """The schema version; InputError for one newer than this quicktest knows."""
        ...

    def set_version(self, version: int) -> None: ...

    def close(self) -> None: ...
