"""What one command (or one app) works in: a question bank and a session store, each opened
once, when first needed. A lookup never creates a store that was not there."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

JOURNALS = ("wal", "shm", "journal")  # the files SQLite keeps beside a store

if TYPE_CHECKING:  # the store loads only for the commands that use it
    from quicktest.domain.bank import Bank
    from quicktest.domain.brand import Brand
    from quicktest.sources.store import Store


class Workspace:
    def __init__(
        self,
        questions: str | None = None,
        db: str | None = None,
        bank: Bank | None = None,
        store: Store | None = None,
    ) -> None:
        """A workspace of a bank folder and a store (a path or a postgresql:// URL), or of a
        bank and store already open (the app's); what is given open is not closed here."""
        self.questions = questions
        self._db = store.location if store else db
        self._bank = bank
        self._store = store
        self._owns_store = store is None

    @property
    def db_path(self) -> str:
        """--db, else $QUICKTEST_DB, else the user data folder (looked up only when needed):
        a file's path, or a server's URL (which may hold a password: never show it)."""
        if self._db is None:
            from quicktest.sources.locations import default_store_path

            self._db = default_store_path()
        return self._db

    @property
    def has_store(self) -> bool:
        """Whether a store exists yet (looking must not make a file; a server's database is
        there, and its tables are made on first use)."""
        from quicktest.sources.locations import is_server_url

        return (
            self._store is not None or is_server_url(self.db_path) or os.path.exists(self.db_path)
        )

    @property
    def bank(self) -> Bank:
        if self._bank is None:
            from quicktest.sources.bank import load_bank
            from quicktest.sources.locations import questions_dir

            self._bank = load_bank(questions_dir(self.questions))
        return self._bank

    @property
    def store(self) -> Store:
        if self._store is None:
            from quicktest.sources.store import Store

            self._store = Store(self.db_path)
        return self._store

    def check_writable(self) -> None:
        """Refuse, before a command that writes starts, a store it could not write: on a
        read-only disk, not ours, or locked by another process past the lock wait."""
        self.store.check_writable()

    def kept_files(self, *inputs: str | None) -> list[str]:
        """Files a command must never write over: its inputs, the bank's files and the
        session store with its journal files."""
        from quicktest.sources.bankfolder import FILES
        from quicktest.sources.locations import is_server_url, questions_dir

        store = self.db_path
        bank = [os.path.join(questions_dir(self.questions), name) for name in FILES]
        files = [] if is_server_url(store) else [store, *(f"{store}-{end}" for end in JOURNALS)]
        return [*(i for i in inputs if i), *bank, *files]

    def check_output(self, path: str, flag: str, *inputs: str | None) -> None:
        """Refuse an output path that is an input, the bank or the store, a folder, or in a
        place that cannot be written, before any work starts."""
        from quicktest.sources.files import check_output

        check_output(path, flag, self.kept_files(*inputs))

    def brand(self, flag: str | None) -> Brand | None:
        """The brand a command's PDFs carry: --brand, $QUICKTEST_BRAND or the user's own;
        checked before any work, so a bad one stops the command with exit 2."""
        from quicktest.sources.locations import brand_folder

        folder = brand_folder(flag)
        if folder is None:
            return None
        from quicktest.sources.brandfile import load_brand  # pydantic: only for a brand

        return load_brand(folder)

    def on_this_thread(self) -> Workspace:
        """The same bank and store, for another thread: its store connection is its own (an
        SQLite connection belongs to the thread that made it); close it when done."""
        return Workspace(self.questions, self.db_path, bank=self._bank)

    def close(self) -> None:
        """Close the store (closing merges SQLite's write-ahead log into the file)."""
        if self._store is not None and self._owns_store:
            self._store.close()
            self._store = None
