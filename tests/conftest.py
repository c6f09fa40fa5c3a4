"""Shared test helpers: the repo's folders, a CLI runner, and a writable copy of the bank."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from quicktest.domain.bank import Bank
from quicktest.faces.cli.main import main
from quicktest.sources.bank import load_bank

from . import postgres

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "questions"
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
# the shipped bank's questions, in its order, for answers written by hand in tests
QUESTION_IDS = (
    "revenue_triggers",
    "expansion_ready_accounts",
    "renewal_case",
    "lost_accounts",
    "nrr_and_margin",
    "expansion_source",
    "headcount_vs_arr",
)

# No test leans on the machine's speed: hypothesis's per-example deadline (200 ms) failed a
# property on a busy machine. A hang is still caught: the fuzz tests carry an alarm.
settings.register_profile("quicktest", deadline=None)
settings.load_profile("quicktest")


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run the quicktest command line in this process; returns exit code, stdout, stderr."""
    monkeypatch.setenv("QUICKTEST_DB", str(tmp_path / "sessions.db"))
    monkeypatch.delenv("QUICKTEST_QUESTIONS", raising=False)

    def run(*args: str) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def refusing_library(part: str) -> str:
    """A sitecustomize.py that makes cffi fail to load any library whose name holds `part`,
    as on a machine without it (everything else loads for real)."""
    return f"""
import cffi.api
_dlopen = cffi.api.FFI.dlopen
def dlopen(self, name, *args, **kwargs):
    if {part!r} in str(name):
        raise OSError(f"cannot load library {{name!r}}: cannot open shared object file")
    return _dlopen(self, name, *args, **kwargs)
cffi.api.FFI.dlopen = dlopen
"""


def older_store(path: Path, version: int) -> sqlite3.Connection:
    """An SQLite store as the quicktest of schema `version` made it, before the mark: its
    steps run, nothing more (the caller adds rows and sets `PRAGMA user_version`)."""
    from quicktest.sources.store_schema import MIGRATIONS, run_step
    from quicktest.sources.store_sqlite import SQLiteDatabase

    db = SQLiteDatabase(sqlite3.connect(path, isolation_level=None), str(path))
    for step in MIGRATIONS[:version]:
        run_step(db, step)
    return db.conn


def text_of(pdf: Path) -> str:
    """A PDF's text as read back by pypdf, with every run of white space as one space."""
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(pdf).pages).split())


@pytest.fixture(scope="session", autouse=True)
def bank_cache(tmp_path_factory) -> Path:
    """Every test process keeps its bank cache in a folder of its own, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("QUICKTEST_CACHE", str(folder))
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the whole test session, started when a test first needs it
    and stopped at the end (tests/postgres.py)."""
    if postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed (.ci/setup --dev installs it)")
    with postgres.running(postgres.FAST) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A new, empty database on the tests' server: its URL (the superuser's, over the
    socket)."""
    return postgres_server.url(postgres_server.new_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def store_at(request, tmp_path) -> str:
    """Where a new session store is made, on each engine in turn: an SQLite file, then a new
    PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "sessions.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def on_each_engine(store_at, cli, monkeypatch) -> str:
    """`cli` (every command, through QUICKTEST_DB) on the store `store_at` names."""
    monkeypatch.setenv("QUICKTEST_DB", store_at)
    return store_at


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(QUESTIONS)


@pytest.fixture
def bank_copy(tmp_path) -> Path:
    """A writable copy of the shipped bank, to break in one place per test."""
    target = tmp_path / "bank"
    shutil.copytree(QUESTIONS, target)
    return target


def app_for(bank: Bank, store, **options):
    """The terminal app on a bank and an open store (the factory every app test uses)."""
    from quicktest.app.workspace import Workspace
    from quicktest.faces.tui.app import QuickTestApp

    return QuickTestApp(Workspace(bank=bank, store=store), **options)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, bank) -> dict[str, Path]:
    """Every example rendered once, through the real command line in one process."""
    from quicktest.faces.cli.main import main

    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for example in sorted(EXAMPLES.glob("*.yaml")):
        pdf = folder / f"{example.stem}.pdf"
        assert main(["report", str(example), "-o", str(pdf)]) == 0
        out[example.stem] = pdf
    return out
