"""The few use cases every face shares: which bank and store, and a response from an answers
file, a session id or a client's latest session, with extra metrics merged in.

A `Workspace` is what one command (or one app) works in; it opens the store only when asked,
and a lookup never creates a store that was not there.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from quicktest.domain.errors import InputError, did_you_mean

if TYPE_CHECKING:  # the store and comparisons load only for the commands that use them
    from quicktest.domain.bank import Bank
    from quicktest.domain.compare import Respondents
    from quicktest.domain.response import Response
    from quicktest.domain.session import Session
    from quicktest.sources.revenue.engine import RevenueFile
    from quicktest.sources.store import Store

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")


class Workspace:
    """A bank folder and a session store path, each opened once, when first needed."""

    def __init__(
        self,
        questions: str | None = None,
        db: str | None = None,
        bank: Bank | None = None,
        store: Store | None = None,
    ) -> None:
        """A workspace of a bank folder and a store path, or of a bank and store already
        open (the app's); what is given open is not closed here."""
        self.questions = questions
        self._db = str(store.path) if store else db
        self._bank = bank
        self._store = store
        self._owns_store = store is None

    @property
    def db_path(self) -> str:
        """--db, else $QUICKTEST_DB, else the user data folder (looked up only when needed)."""
        if self._db is None:
            from quicktest.sources.locations import default_store_path

            self._db = default_store_path()
        return self._db

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
            from pathlib import Path

            from quicktest.sources.store import Store

            self._store = Store(Path(self.db_path))
        return self._store

    def kept_files(self, *inputs: str | None) -> list[str]:
        """Files a command must never write over: its inputs, the bank's files and the
        session store with its journal files."""
        from quicktest.sources.bankfolder import FILES
        from quicktest.sources.locations import questions_dir

        store = self.db_path
        bank = [os.path.join(questions_dir(self.questions), name) for name in FILES]
        return [
            *(i for i in inputs if i),
            *bank,
            store,
            f"{store}-wal",
            f"{store}-shm",
            f"{store}-journal",
        ]

    def close(self) -> None:
        """Close the store (closing merges the write-ahead log into the file)."""
        if self._store is not None and self._owns_store:
            self._store.close()
            self._store = None

    def response(self, ref: str) -> tuple[Response, Session | None]:
        """The response of an answers file or of a stored session, and the session (None
        for a file). A name that is not a file and does not look like one is a session id."""
        suffix = os.path.splitext(ref)[1].lower()
        if os.path.isfile(ref) or suffix in ANSWER_SUFFIXES or os.sep in ref:
            from quicktest.sources.answersfile import load_answers

            return load_answers(ref, self.bank), None
        unknown = f"{ref!r} is neither an answers file nor a session id"
        if not os.path.exists(self.db_path):  # a lookup must not create a store
            raise InputError(unknown, field="ANSWERS", hint="no session store yet")
        try:
            session = self.store.get(ref)
        except InputError as exc:
            raise InputError(unknown, field="ANSWERS", hint=exc.hint) from None
        return session.response(self.bank), session

    def given(
        self,
        ref: str | None,
        client: str | None = None,
        metrics_file: str | None = None,
        revenue_file: RevenueFile | None = None,
    ) -> tuple[Response, Session | None]:
        """A response (a file, a session id or a client's latest session) with a metrics
        file and a revenue file merged in, and the session it came from, if any."""
        if client and ref:
            raise InputError("give ANSWERS or --client, not both", field="--client")
        if client:
            session: Session | None = self.client_sessions(client)[0]
            response = session.response(self.bank)
        elif ref:
            response, session = self.response(ref)
        else:
            raise InputError("give an answers file, a session id or --client NAME", field="ANSWERS")
        metrics = response.metrics
        if metrics_file:
            from quicktest.sources.answersfile import load_metrics_file

            metrics = metrics.merged(load_metrics_file(metrics_file), "the metrics file")
        if revenue_file:
            metrics = metrics.merged(revenue_file.read().metrics())
        return response._replace(metrics=metrics), session

    def client_sessions(self, client: str) -> list[Session]:
        """The client's latest session per respondent; an unknown client gets a near match."""
        if not os.path.exists(self.db_path):
            raise InputError(
                f"no sessions for client {client!r}", field="--client", hint="no session store yet"
            )
        sessions = self.store.respondents(client)
        if not sessions:
            known = sorted({s.client for s in self.store.list() if s.client})
            raise InputError(
                f"no sessions for client {client!r}",
                str(self.store.path),
                field="--client",
                hint=did_you_mean(client, known) or "see quicktest sessions list",
            )
        return sessions

    def respondents_of(self, sessions: list[Session]) -> Respondents | None:
        """Several respondents of one client (their latest sessions), or None for one."""
        if len(sessions) < 2:
            return None
        from quicktest.domain.compare import respondents
        from quicktest.domain.scoring import score

        bank = self.bank
        reads = [score(bank, s.response(bank)) for s in sessions]
        return respondents(bank, sessions[0].client or "", reads)

    def respondents_of_session(self, session: Session | None) -> Respondents | None:
        """For a session's report: its client's respondents, this session's first, or None."""
        if session is None or not session.client:
            return None
        return self.respondents_of(self.store.respondents(session.client, first=session.id))
