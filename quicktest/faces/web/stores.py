"""A workspace per thread for the web form: every request runs its store calls on one of a
pool of threads, and each thread keeps its own store connection (an SQLite connection
belongs to the thread that made it). The bank, immutable, is loaded once and shared."""

from __future__ import annotations

import threading

from quicktest.app.workspace import Workspace


class PerThread:
    def __init__(self, workspace: Workspace) -> None:
        self.first = workspace  # the bank is loaded through it once, up front
        self.bank = workspace.bank
        self.local = threading.local()

    def here(self) -> Workspace:
        """This thread's workspace, made on its first request."""
        workspace: Workspace | None = getattr(self.local, "workspace", None)
        if workspace is None:
            workspace = Workspace(self.first.questions, self.first.db_path, bank=self.bank)
            self.local.workspace = workspace
        return workspace
