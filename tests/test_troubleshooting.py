"""The failures a user meets (no Pango, a small terminal, a read-only store): the program
prints the message the README's troubleshooting section shows, and loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quicktest.domain.errors import InputError
from quicktest.faces.tui.screens.question import QuestionScreen
from quicktest.faces.tui.screens.too_small import TooSmallScreen
from quicktest.sources.store import Store

from .conftest import EXAMPLES, ROOT, app_for, refusing_library

README = (ROOT / "README.md").read_text()
TROUBLESHOOTING = README[README.index("## Troubleshooting") :]

# Stands in for a machine without Pango: the dynamic loader refuses exactly that library,
# as it would if libpango were not installed; everything else loads for real.


def test_missing_pango_says_what_to_install(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(refusing_library("pango"))
    out = tmp_path / "read.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "quicktest", "report", EXAMPLES / "healthy.yaml", "-o", out],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""  # WeasyPrint's own banner is kept off the terminal
    (message,) = result.stderr.splitlines()
    head, _, tail = message.partition(" (cannot load library")
    assert head == "quicktest: the PDF report needs the Pango library, which is not installed"
    assert tail.endswith(
        "; on Debian or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0, "
        "or run .ci/setup"
    )
    assert head in TROUBLESHOOTING and tail.split(")", 1)[1] in TROUBLESHOOTING
    assert not out.exists()


# --- the terminal app at a small size --------------------------------------------------------


async def test_a_too_small_terminal_is_covered_until_it_grows(bank, tmp_path):
    store = Store(tmp_path / "sessions.db")
    app = app_for(bank, store, client="Acme")
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        shown = str(app.screen.query_one("#too-small").render())
        assert f"```text\n{shown}\n```" in TROUBLESHOOTING
        await pilot.press("1")  # keys do not reach the question underneath
        await pilot.resize_terminal(60, 18)
        assert "The terminal is 60×18." in str(app.screen.query_one("#too-small").render())
        await pilot.resize_terminal(80, 24)
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("1")
        assert app.screen.index == 1
    assert store.list()[0].answers == {"revenue_triggers": "people_always"}


# --- a store on a read-only disk -------------------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` read-only for this process: a read-only mount as root (to whom
    permissions do not apply), else the folder's permissions."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", folder], check=False)
    if mount.returncode:
        pytest.skip("running as root without the right to mount a read-only folder")
    try:
        for name, data in files.items():
            (folder / name).write_bytes(data)
        subprocess.run(["mount", "-o", "remount,ro", folder], check=True)
        yield
    finally:
        subprocess.run(["umount", folder], check=True)


def readme_message(err: str, path: Path, shown_as: str) -> str:
    return err.strip().replace(str(path), shown_as)


def test_a_store_on_a_read_only_disk_is_read_and_never_changed(cli, tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    store = folder / "sessions.db"
    session = cli("sessions", "import", EXAMPLES / "healthy.yaml", "--db", store).out.strip()
    with read_only(folder):
        listed = cli("sessions", "list", "--db", store)
        assert listed.code == 0 and session in listed.out
        assert cli("report", session, "--db", store, "-o", tmp_path / "r.pdf").code == 0
        refused = cli("sessions", "import", EXAMPLES / "healthy.yaml", "--db", store)
        assert refused.code == 2
        shown = readme_message(refused.err, store, "/media/backup/sessions.db")
        assert f"```text\n{shown}\n```" in TROUBLESHOOTING
        assert cli("sessions", "delete", session, "--db", store).code == 2
        for writing in (  # refused before they start: no app, no server, no link
            ("run", "--client", "Acme"),
            ("serve", "--port", "0"),
            ("invite", "--client", "Acme", "--respondent", "Dana"),
        ):
            assert cli(*writing, "--db", store).code == 2, writing
        with Store(store) as opened, pytest.raises(InputError) as up_front:
            opened.check_writable()  # what serve and every writing command ask first
        up_front_message = f"quicktest: {up_front.value}"
        assert readme_message(up_front_message, store, "/media/backup/sessions.db") == shown
        new = cli("sessions", "list", "--db", folder / "new.db")
        assert new.code == 2
        shown = readme_message(new.err, folder / "new.db", "/media/backup/new.db")
        assert f"```text\n{shown}\n```" in TROUBLESHOOTING
    assert [s["id"] for s in json_list(cli, store)] == [session]


def test_a_store_made_before_the_mark_is_read_on_a_read_only_disk(cli, tmp_path):
    """An older quicktest's store (no application_id yet) on a backup disk is recognised by
    its tables and read as it is: it cannot be marked there, and need not be."""
    folder = tmp_path / "backup"
    folder.mkdir()
    store = folder / "sessions.db"
    session = cli("sessions", "import", EXAMPLES / "healthy.yaml", "--db", store).out.strip()
    db = sqlite3.connect(store)
    db.execute("PRAGMA application_id = 0")  # as every store was before the mark
    db.commit()
    db.close()
    before = store.read_bytes()
    with read_only(folder):
        assert [s["id"] for s in json_list(cli, store)] == [session]
        assert store.read_bytes() == before


def test_another_programs_database_is_refused_as_the_readme_shows(cli, tmp_path):
    theirs = tmp_path / "app.db"
    db = sqlite3.connect(theirs)
    db.execute("CREATE TABLE sessions (id INTEGER PRIMARY KEY, name TEXT)")
    db.commit()
    db.close()
    before = theirs.read_bytes()
    result = cli("sessions", "list", "--db", theirs)
    assert result.code == 2
    shown = readme_message(result.err, theirs, "/home/me/app.db")
    assert f"```text\n{shown}\n```" in TROUBLESHOOTING
    assert theirs.read_bytes() == before


def test_a_session_that_cannot_be_read_is_named_as_the_readme_shows(cli, tmp_path):
    store = tmp_path / "sessions.db"
    session = cli("sessions", "import", EXAMPLES / "healthy.yaml", "--db", store).out.strip()
    db = sqlite3.connect(store)
    with db:
        db.execute("UPDATE metrics SET value = '{oops' WHERE name = 'nrr'")
    db.close()
    result = cli("sessions", "show", session, "--db", store)
    assert result.code == 2
    shown = readme_message(result.err, store, "/home/me/sessions.db").replace(session, "3e0f0060")
    assert f"```text\n{shown}\n```" in TROUBLESHOOTING


def json_list(cli, store: Path) -> list[dict]:
    return json.loads(cli("sessions", "list", "--db", store, "--format", "json").out)


async def test_a_write_that_fails_mid_session_loses_nothing_and_says_so(bank, tmp_path):
    """Another process holds the store: the screen goes on (writes are in the background),
    the header and a notification say "not saved", and once the lock is gone every answer
    given meanwhile lands, in order."""
    store = Store(tmp_path / "sessions.db")
    app = app_for(bank, store, client="Acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await asyncio.to_thread(app.saver.flush)
        other = sqlite3.connect(tmp_path / "sessions.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the store: writes fail
        await pilot.press("2")
        await asyncio.to_thread(app.saver.flush)
        await pilot.pause()
        assert app.screen.index == 2  # the respondent is never held up
        (note,) = [n for n in app._notifications if n.title == "Not saved"]
        assert note.message.startswith(
            "cannot write to the session store: another process held its write lock"
        )
        assert app.sub_title.endswith("NOT SAVED")
        await pilot.press("3")  # queued behind the failed write
        await pilot.press("ctrl+q")  # not yet: it warns first
        assert app.is_running
        assert [n.title for n in app._notifications].count("Not saved") == 2
        other.execute("ROLLBACK")
        other.close()
        app.saver.retry()
        await asyncio.to_thread(app.saver.flush)
        await pilot.pause()
        assert app.sub_title.endswith("all saved")
        assert store.list()[0].answers == {
            "revenue_triggers": "people_always",
            "expansion_ready_accounts": "when_someone_has_time",
            "renewal_case": "concessions",
        }


class _Terminal(io.StringIO):
    """Text written to what says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("name", "value"), [("TERM", "dumb"), ("NO_COLOR", "1")])
def test_a_dumb_terminal_or_no_color_gets_plain_text(monkeypatch, name, value):
    from quicktest.faces.text.style import Out

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = _Terminal()
    Out(coloured).line(("Dominant pattern", "bold"))
    assert "\x1b[" in coloured.getvalue()  # a real terminal gets its styles
    monkeypatch.setenv(name, value)
    plain = _Terminal()
    Out(plain).line(("Dominant pattern", "bold"))
    assert plain.getvalue() == "Dominant pattern\n"


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_any_terminal_encoding_prints_what_it_can(tmp_path, encoding):
    """A Latin-1 or ASCII terminal gets the read, with what it cannot show replaced."""
    answers = tmp_path / "a.yaml"
    answers.write_text('client: "Ärzte 🚀 GmbH"\nanswers: {renewal_case: activity}\n')
    env = {**os.environ, "PYTHONIOENCODING": encoding, "QUICKTEST_DB": str(tmp_path / "s.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "quicktest", "score", str(answers)],
        capture_output=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    shown = proc.stdout.decode(encoding)
    assert "GmbH" in shown and "Hollow Usage" in shown


def test_sessions_list_names_a_damaged_session_and_lists_the_rest(cli, tmp_path):
    store = tmp_path / "s.db"
    good = cli("sessions", "import", EXAMPLES / "healthy.yaml", "--db", store).out.strip()
    bad = cli("sessions", "import", EXAMPLES / "vibe_revenue.yaml", "--db", store).out.strip()
    with contextlib.closing(sqlite3.connect(store)) as db, db:
        db.execute("UPDATE metrics SET value = 'NaN' WHERE session_id = ? AND name = 'nrr'", (bad,))
    listed = cli("sessions", "list", "--db", store)
    assert listed.code == 0 and good in listed.out and bad not in listed.out
    assert f"warning: session {bad}: metrics.nrr: " in listed.err
    assert f"quicktest sessions delete {bad} removes it" in listed.err
    shown = cli("sessions", "show", bad, "--db", store)
    assert shown.code == 2 and f"session {bad}" in shown.err and "metrics.nrr" in shown.err
