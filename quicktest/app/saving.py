"""Store writes off the UI thread, in order, with a short lock wait.

Each change is queued and written by one background thread on its own connection; the
screen never waits for the store. A write that fails (a lock held elsewhere, a disk gone
read-only) stays queued with every change after it and is tried again, so the order holds
and nothing given is dropped while the app runs; the app shows "not saved" until it lands.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from quicktest.domain.errors import InputError
from quicktest.sources.store import Store

LOCK_WAIT = 0.5  # seconds a write waits for another process's lock before giving up


class Saver:
    def __init__(self, location: str, report: Callable[[str, str], None]) -> None:
        """Writes to the store at `location` (a path or a postgresql:// URL); `report(state,
        reason)` is called from the writing thread after each attempt."""
        self.location = location
        self.report = report
        self.pending: deque[tuple[str, tuple[Any, ...]]] = deque()
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quicktest-saver")
        self.store: Store | None = None

    def submit(self, method: str, *args: Any) -> None:
        """Queue `Store.<method>(*args)` and write everything queued, in order."""
        with self.lock:
            self.pending.append((method, args))
        self.pool.submit(self._drain)

    def retry(self) -> None:
        if self.pending:
            self.pool.submit(self._drain)

    def _drain(self) -> None:
        self.report("saving", "")
        while True:
            with self.lock:
                if not self.pending:
                    break
                method, args = self.pending[0]
            try:
                if self.store is None:
                    self.store = Store(self.location, lock_wait=LOCK_WAIT)
                getattr(self.store, method)(*args)
            except InputError as exc:
                self.report("not saved", exc.message)
                return
            with self.lock:
                self.pending.popleft()
        self.report("saved", "")

    def flush(self) -> None:
        """Wait until every write queued so far has been tried (blocks: not on the UI thread)."""
        self.pool.submit(self._drain).result()

    def close(self) -> None:
        """Finish what is queued, trying for up to three seconds (a browser tab closed just
        after an answer ends the app while another process may hold the lock), then close
        the connection on its thread."""
        self.pool.submit(self._last_tries)
        self.pool.submit(self._close_store)
        self.pool.shutdown(wait=True)

    def _last_tries(self, seconds: float = 3.0) -> None:
        deadline = time.monotonic() + seconds
        self._drain()
        while self.pending and time.monotonic() < deadline:
            time.sleep(LOCK_WAIT)
            self._drain()

    def _close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
