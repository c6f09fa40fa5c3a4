"""What `serve` hands every worker process: where the bank and store are, what to offer and
to whom, and the secret that signs cookies and forms. Carried in one environment variable,
so that a worker started afresh (`--workers N`) reads the same as the process that checked it.
"""

from __future__ import annotations

import json
import os
from typing import NamedTuple

ENVIRONMENT = "QUICKTEST_SERVE"


class Settings(NamedTuple):
    questions: str | None  # the bank folder (None: the shipped bank)
    db: str  # the session store
    secret: str  # signs the open test's cookie, every form's token and the consultant's key
    open_client: str | None  # the client open quick tests land under; None: no open test
    hosts: tuple[str, ...]  # Host values answered besides loopback names (from --url)
    origins: tuple[str, ...]  # the public origins pages are served at (from --url)
    full_app: bool  # the consultant's terminal app is offered (a loopback bind only)
    app_command: tuple[str, ...]  # the command that runs the terminal app
    brand: str | None = None  # the brand folder the respondents' PDFs carry
    open_starts_per_hour: int = 20  # new open quick tests from one address in an hour

    def to_environment(self) -> None:
        os.environ[ENVIRONMENT] = json.dumps(self._asdict())

    @classmethod
    def from_environment(cls) -> Settings:
        saved = json.loads(os.environ[ENVIRONMENT])
        saved["hosts"], saved["origins"] = tuple(saved["hosts"]), tuple(saved["origins"])
        saved["app_command"] = tuple(saved["app_command"])
        return cls(**saved)
