"""Private links: `quicktest invite` makes them, `quicktest serve` answers each with its one
session, in headless Chromium and over the page's websocket, on a real server; a wrong,
expired or revoked token gets nothing, and off loopback the full app is not offered."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import aiohttp
import pytest

from quicktest.sources.store import Store

from .browser import Chromium
from .conftest import ROOT, app_for
from .test_serve import _until, free_port


def quicktest(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quicktest", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def invite(db, client: str, respondent: str, *more: str) -> tuple[str, str]:
    """A new invite's token, and its session id, from the command's own output."""
    made = quicktest("invite", "--client", client, "--respondent", respondent, *more, db=db)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().rsplit("/i/", 1)[1]
    session = made.stderr.split("session ", 1)[1].split(",", 1)[0]
    return token, session


@contextmanager
def serving(db, host: str = "127.0.0.1"):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "quicktest", "serve", "--host", host, "--port", str(port),
         "--db", str(db)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/", timeout=2)
        except urllib.error.HTTPError:
            break  # it answers
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {proc.stderr.read()}") from None
            time.sleep(0.2)
            continue
        break
    try:
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as page:
            return page.status, page.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_invite_makes_a_session_and_keeps_only_a_hash(tmp_path):
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme [legacy]", "Dana <CFO>", "--expires", "2d")
    assert len(token) >= 32  # 24 random bytes: 192 bits
    with sqlite3.connect(db) as raw:
        stored = " ".join(str(v) for row in raw.execute("SELECT * FROM invites") for v in row)
    assert token not in stored
    assert Store(db).get(session).respondent == "Dana <CFO>"
    listed = quicktest("invite", "list", "--format", "json", db=db)
    assert '"state": "open"' in listed.stdout and "Dana <CFO>" in listed.stdout
    bad = quicktest("invite", "--client", "A", "--respondent", "B", "--expires", "soon", db=db)
    assert bad.returncode == 2 and "expected a duration such as 14d" in bad.stderr


def test_a_link_opens_its_own_session_and_nothing_else(tmp_path):
    db = tmp_path / "s.db"
    first, first_session = invite(db, "Acme", "Dana, CFO")
    second, second_session = invite(db, "Acme", "Lee, CEO")

    async def answer(port: int, token: str, key: str) -> str:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(f"ws://127.0.0.1:{port}/i/{token}/ws?width=80&height=24") as ws,
        ):
            seen: list[str] = []
            await _until(ws, "Question 1 of 7", seen)
            screen = "".join(seen)
            seen.clear()
            await ws.send_json(["stdin", key])
            await _until(ws, "Question 2 of 7", seen)
            return screen  # and the tab closes at once: the answer must still be saved

    with serving(db) as (port, _):
        status, page = fetch(port, f"/i/{first}")
        assert status == 200 and f"/i/{first}/ws" in page
        asyncio.run(answer(port, first, "1"))
        asyncio.run(answer(port, second, "3"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with Store(db) as store:
                answers = (store.get(first_session).answers, store.get(second_session).answers)
            if all(answers):
                break
            time.sleep(0.2)
    assert answers == ({"revenue_triggers": "people_always"}, {"revenue_triggers": "mixed"})


def test_wrong_expired_and_revoked_links_get_nothing(tmp_path):
    db = tmp_path / "s.db"
    revoked, _ = invite(db, "Acme", "Dana")
    gone = quicktest("invite", "list", "--format", "json", db=db).stdout.split('"id": "')[1][:8]
    assert quicktest("invite", "revoke", gone, db=db).returncode == 0
    expired, _ = invite(db, "Acme", "Lee")
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE invites SET expires_at = '2000-01-01T00:00:00+00:00' WHERE revoked = 0")

    async def socket_refused(port: int, token: str) -> None:
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await http.ws_connect(f"ws://127.0.0.1:{port}/i/{token}/ws")

    with serving(db) as (port, proc):
        for token in (revoked, expired, "x" * 32):
            status, page = fetch(port, f"/i/{token}")
            assert status == 404 and "This link does not open" in page
            assert "websocket" not in page.lower()
            asyncio.run(socket_refused(port, token))
        assert fetch(port, "/i/../../etc/passwd")[0] == 404
        # the full app stays on loopback's own addresses; these tokens never reach it
        assert fetch(port, "/")[0] == 200
    assert "refused a link from 127.0.0.1" in proc.stderr.read()


def test_off_loopback_only_links_are_served(tmp_path):
    db = tmp_path / "s.db"
    token, _ = invite(db, "Acme", "Dana")
    with serving(db, host="0.0.0.0") as (port, proc):
        status, page = fetch(port, "/")
        assert status == 404 and "Private links only" in page
        assert fetch(port, "/ws")[0] == 404
        assert fetch(port, f"/i/{token}")[0] == 200

        async def full_app_refused() -> None:
            async with aiohttp.ClientSession() as http:
                with pytest.raises(aiohttp.WSServerHandshakeError):
                    await http.ws_connect(f"ws://127.0.0.1:{port}/ws")

        asyncio.run(full_app_refused())
        proc.terminate()
        said = proc.stderr.read()
        assert "answers private links only" in said and "reverse proxy" in said


def test_a_link_in_headless_chromium_answers_its_own_session(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/setup --dev installs it)")
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme", "Dana, CFO")
    _, other_session = invite(db, "Acme", "Lee, CEO")

    async def drive(port: int) -> None:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            await browser.open(f"http://127.0.0.1:{port}/i/{token}")
            screen = await browser.wait_for("Question 1 of 7")
            assert "Start new test" not in screen and "Lee, CEO" not in screen
            await browser.type("2")
            await browser.wait_for("Question 2 of 7")

    with serving(db) as (port, _):
        asyncio.run(drive(port))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with Store(db) as store:
                mine, theirs = store.get(session).answers, store.get(other_session).answers
            if mine:
                break
            time.sleep(0.2)
    assert mine == {"revenue_triggers": "people_mostly"} and theirs == {}


def test_repeated_bad_tokens_from_one_address_are_slowed_down(tmp_path):
    db = tmp_path / "s.db"
    invite(db, "Acme", "Dana")
    with serving(db) as (port, proc):
        for _ in range(7):
            assert fetch(port, "/i/" + "y" * 32)[0] == 404
    log = proc.stderr.read()
    assert "(attempt 5, answered after 0 s)" in log
    assert "(attempt 6, answered after 1 s)" in log  # then 2, 4 ... up to 30 s
    assert "(attempt 7, answered after 2 s)" in log


async def test_an_invited_respondent_sees_their_session_only(bank, tmp_path):
    """The app as a link runs it: no start screen, no export, and a held read."""
    from quicktest.faces.tui.screens.held import HeldScreen
    from quicktest.faces.tui.screens.review import ReviewScreen

    with Store(tmp_path / "s.db") as store:
        store.create(bank, "Other client", "Someone else", "2026-11-01")
        mine = store.create(bank, "Acme", "Dana", "2026-11-02")
        app = app_for(bank, store, resume=mine.id, invited=True, hold=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.go("start")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            live = str(app.screen.query_one("#live-read").render())
            assert "Read so far" not in live and "0 of 7 answered" in live
            app.go("result")
            await pilot.pause()
            assert isinstance(app.screen, HeldScreen)
            assert "every answer is saved" in str(app.screen.query_one("#held").render())
