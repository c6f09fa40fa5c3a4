"""The command line: the JSON contract, text output, exit codes and lazy heavy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import EXAMPLES, ROOT


def test_score_json_follows_the_contract(cli):
    result = cli("score", EXAMPLES / "vibe_revenue.yaml", "--format", "json")
    assert result.code == 0, result.err
    read = json.loads(result.out)
    assert {
        "client",
        "respondent",
        "date",
        "basis",
        "dominant",
        "patterns",
        "metrics",
        "unanswered",
    } <= set(read)
    assert read["client"] == "Northwind Data" and read["date"] == "2026-11-02"
    assert read["basis"] == "answers+metrics" and read["dominant"] == "vibe_revenue"
    assert read["metrics"]["nrr"] == pytest.approx(1.11)
    assert read["metrics"]["nrr_grr_spread"] == pytest.approx(0.46)
    for pattern in read["patterns"]:
        assert {"id", "name", "score", "level", "caps", "evidence"} <= set(pattern)
        assert 0 <= pattern["score"] <= 1
        assert pattern["level"] in {"strong", "moderate", "weak", "none"}
        for item in pattern["evidence"]:
            assert {"source", "ref", "text"} <= set(item)
            assert item["source"] in {"answer", "metric"} and item["text"]


def test_score_text_reads_like_a_pattern_read(cli):
    result = cli("score", EXAMPLES / "borrowed_nrr.yaml")
    assert result.code == 0
    assert "Dominant pattern: Borrowed NRR" in result.out
    assert "Caps: Gross margin" in result.out
    assert "Renewals are held with discounts, credits or added service." in result.out
    assert "How to measure progress on Borrowed NRR" in result.out


def test_healthy_read_says_no_dominant_pattern(cli):
    result = cli("score", EXAMPLES / "healthy.yaml")
    assert "No dominant pattern" in result.out


def test_usage_errors_exit_2(cli):
    with pytest.raises(SystemExit) as caught:
        cli("score", "examples/healthy.yaml", "--format", "xml")
    assert caught.value.code == 2
    result = cli("score")
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        "quicktest: ANSWERS: give an answers file, a session id or --client NAME"
    )


def test_other_question_bank_by_environment(cli, monkeypatch, bank_copy):
    path = bank_copy / "questions.yaml"
    path.write_text(
        path.read_text().replace(
            "prompt: Who or what sets off most of your revenue events?",
            "prompt: Who starts your revenue?",
        )
    )
    monkeypatch.setenv("QUICKTEST_QUESTIONS", str(bank_copy))
    assert str(bank_copy) in cli("validate").out


def _imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    code = (
        "import sys; from quicktest.faces.cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    return set(proc.stderr.split())


@pytest.mark.parametrize(
    "args",
    [
        ("score", "--help"),
        ("score", str(EXAMPLES / "vibe_revenue.yaml")),
        ("score", str(EXAMPLES / "vibe_revenue.yaml"), "--format", "json"),
    ],
)
def test_score_does_not_import_textual_or_weasyprint(args):
    modules = _imported(*args)
    assert "quicktest.faces.cli.main" in modules
    assert "textual" not in modules and "weasyprint" not in modules


@pytest.mark.parametrize("output", [(), ("--format", "json")])
def test_score_with_a_cached_bank_loads_only_what_it_uses(tmp_path, output):
    """Once the bank is cached, scoring a file needs no validation library, no store, no
    Rich, and no `dataclasses` (whose import of `inspect` alone is a third of the budget)."""
    env = {"QUICKTEST_CACHE": str(tmp_path / "cache")}
    answers = str(EXAMPLES / "vibe_revenue.yaml")
    first = _imported("score", answers, *output, env=env)
    assert "pydantic" in first  # a cold cache validates the bank
    modules = _imported("score", answers, *output, env=env)
    for heavy in ("pydantic", "rich", "textual", "weasyprint", "sqlite3", "dataclasses"):
        assert heavy not in modules, heavy


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "quicktest", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0 and proc.stdout.startswith("quicktest ")


@pytest.mark.parametrize(
    ("missing", "args", "extra"),
    [
        ("textual_serve", ["serve"], "serve"),
        ("psycopg", ["metrics", "postgresql://me@localhost/sales", "--table", "mrr"], "postgres"),
    ],
)
def test_a_missing_extra_is_one_line_saying_what_to_install(missing, args, extra):
    """An optional extra that is not installed is the user's to add: exit 2, one line."""
    code = (
        f"import sys; sys.modules[{missing!r}] = None  # as if the extra were missing\n"
        f"from quicktest.faces.cli.main import main; sys.exit(main({args!r}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.startswith("quicktest: ") and proc.stderr.count("\n") == 1
    assert f"pip install 'quicktest[{extra}]'" in proc.stderr


def test_quicktest_alone_starts_the_app_on_a_terminal(tmp_path):
    """The bare command runs the app with none of run's options parsed: it must start, show
    its first screen and quit on Ctrl+Q with exit 0, on a real pseudo-terminal."""
    import os
    import pty
    import select
    import sys
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the command as a user types it
        os.environ.update(QUICKTEST_DB=str(tmp_path / "s.db"), TERM="xterm-256color")
        os.execv(sys.executable, [sys.executable, "-m", "quicktest"])
    seen, deadline = b"", time.monotonic() + 60
    while b"Start new test" not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 1)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    assert b"Start new test" in seen, seen[-500:]
    os.write(fd, b"\x11")  # Ctrl+Q
    while select.select([fd], [], [], 5)[0]:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
