"""Golden reads: every example's full JSON read, and `metrics --format json` of every revenue
file under tests/data, kept as files and compared byte for byte. Any change to what a read
says shows up as a diff to review.

When a change is meant, write the files anew and read the diff before committing:
    QUICKTEST_GOLDEN=update .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import DATA, EXAMPLES, ROOT

GOLDEN = Path(__file__).resolve().parent / "golden"
REVENUE_SUFFIXES = (".csv", ".parquet", ".xlsx")
UPDATE = os.environ.get("QUICKTEST_GOLDEN") == "update"

CASES = [
    *(
        ("reads", p.stem, ("score", p, "--format", "json", "--way-out"))
        for p in sorted(EXAMPLES.glob("*.yaml"))
    ),
    *(
        ("metrics", p.name, ("metrics", p, "--format", "json"))
        for p in sorted(DATA.iterdir())
        if p.suffix in REVENUE_SUFFIXES
    ),
]


@pytest.mark.parametrize(("kind", "name", "args"), CASES, ids=[f"{k}/{n}" for k, n, _ in CASES])
def test_output_is_the_golden_file(cli, monkeypatch, kind, name, args):
    monkeypatch.chdir(ROOT)  # paths in the output as a user in the checkout types them
    result = cli(*(a.relative_to(ROOT) if isinstance(a, Path) else a for a in args))
    assert result.code == 0, result.err
    golden = GOLDEN / kind / f"{name}.json"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(result.out)
    assert golden.is_file(), f"no golden file yet: QUICKTEST_GOLDEN=update writes {golden}"
    assert result.out == golden.read_text()


def test_every_golden_file_has_its_case():
    """A golden file whose example or revenue file is gone is removed with it."""
    expected = {GOLDEN / kind / f"{name}.json" for kind, name, _ in CASES}
    assert set(GOLDEN.rglob("*.json")) <= expected
