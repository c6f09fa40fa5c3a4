"""Shared test helpers: the repo's folders, a CLI runner, and a writable copy of the bank."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from quicktest.domain.bank import Bank
from quicktest.faces.cli.main import main
from quicktest.sources.bank import load_bank

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "questions"
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


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
