"""`quicktest serve`: the real server on a loopback port. The consultant's terminal app opens
with the key it prints and nothing else (no other site's page, no proxy, no wrong name),
its messages and terminal sizes are bounded; off loopback it is not offered; two workers
serve one store, SQLite's or PostgreSQL's, and lose no answer."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import aiohttp
import pytest

from quicktest.faces.web.terminal import COLUMNS, ROWS, bounded
from quicktest.sources.bank import load_bank
from quicktest.sources.store import Store

from .browser import Chromium
from .conftest import QUESTIONS, ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    def __init__(self, port: int, proc: subprocess.Popen, said: list[str]) -> None:
        self.port, self.proc, self.said = port, proc, said
        self.base = f"http://127.0.0.1:{port}"

    @property
    def app_address(self) -> str:
        """The consultant's app with its key, as serve printed it."""
        return next(line.split(": ", 1)[1] for line in self.said if "/app?key=" in line)

    def log(self) -> str:
        """What the server wrote on stderr (once it has stopped)."""
        return "\n".join(self.said) + self.proc.stderr.read()


@contextmanager
def serving(db, *more: str, host: str = "127.0.0.1", env: dict | None = None):
    """`quicktest serve` on a free loopback port, until the block ends."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "quicktest", "serve", "--host", host, "--port", str(port),
         "--db", str(db), *more],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    said = [proc.stderr.readline().rstrip("\n")]
    while said[-1] and not said[-1].startswith(("your terminal app", "the terminal app")):
        said.append(proc.stderr.readline().rstrip("\n"))
    if not said[-1]:
        raise AssertionError(f"serve stopped: {said}")
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/form.css", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"serve did not start: {proc.stderr.read()}") from None
            time.sleep(0.1)
    try:
        yield Served(port, proc, said)
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def fetch(url: str, headers: dict | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as page:
            return page.status, page.read().decode(), dict(page.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


async def until(ws, pattern: str, seen: list[str], seconds: float = 30) -> None:
    """Read the app's output until `pattern` shows on its screen."""
    deadline = asyncio.get_running_loop().time() + seconds
    while pattern not in ANSI.sub("", "".join(seen)):
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise AssertionError(f"never saw {pattern!r}")
        message = await ws.receive(timeout=remaining)
        if message.type == aiohttp.WSMsgType.TEXT:
            seen.append(message.data)
        elif message.type == aiohttp.WSMsgType.BINARY:
            seen.append(message.data.decode("utf-8", "replace"))
        else:
            raise AssertionError(f"websocket closed: {message}")


async def app_cookie(http: aiohttp.ClientSession, served: Served) -> None:
    """Open the printed address, as the consultant does: the key becomes a cookie."""
    async with http.get(served.app_address, allow_redirects=False) as opened:
        assert opened.status == 303 and opened.headers["location"] == "app"


def test_the_consultants_app_opens_with_its_printed_key_only(tmp_path):
    with serving(tmp_path / "s.db") as served:
        assert fetch(f"{served.base}/app")[0] == 403
        assert fetch(f"{served.base}/app?key=guess")[0] == 403
        proxied = fetch(f"{served.base}/app", {"X-Forwarded-For": "203.0.113.9"})
        assert proxied[0] == 404  # a proxy in between: not offered at all

        async def drive() -> None:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                socket_url = f"ws://127.0.0.1:{served.port}/app/ws?width=80&height=24"
                with pytest.raises(aiohttp.WSServerHandshakeError):  # no key yet
                    await http.ws_connect(socket_url, origin=served.base)
                await app_cookie(http, served)
                async with http.get(f"{served.base}/app") as page:
                    html = await page.text()
                    assert page.status == 200 and "app/static/js/textual.js" in html
                    assert "googleapis" not in html
                    assert "default-src 'none'" in page.headers["content-security-policy"]
                for headers in ({"Origin": "https://evil.example"}, {"X-Forwarded-For": "1.2.3.4"}):
                    with pytest.raises(aiohttp.WSServerHandshakeError):
                        await http.ws_connect(socket_url, headers=headers)
                async with http.ws_connect(socket_url, origin=served.base) as ws:
                    seen: list[str] = []
                    await until(ws, "Start new test", seen)
                    await ws.send_json(["resize", {"width": 50000, "height": 50000}])
                    await ws.send_json(["stdin", "Web client\r"])
                    await until(ws, "Question 1 of 7", seen)
                    seen.clear()
                    await ws.send_json(["stdin", "1"])
                    await until(ws, "Question 2 of 7", seen)
                    screen = ANSI.sub("", "".join(seen))
                    assert len(screen) < 1_000_000  # drawn for a bounded terminal
                async with http.ws_connect(socket_url, origin=served.base) as ws:
                    await ws.send_str(json.dumps(["stdin", "x" * 100_000]))  # over 64 KiB
                    closing = await ws.receive(timeout=30)
                    while closing.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                        closing = await ws.receive(timeout=30)
                    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

        asyncio.run(drive())
    sessions = Store(tmp_path / "s.db").list(client="Web client")
    assert [dict(s.answers) for s in sessions] == [{"revenue_triggers": "people_always"}]


def test_terminal_sizes_are_bounded():
    assert bounded(50000, COLUMNS, 80) == COLUMNS[1] and bounded(-5, ROWS, 24) == ROWS[0]
    assert bounded("wide", COLUMNS, 80) == 80 and bounded(None, ROWS, 24) == 24


def test_the_consultants_app_in_headless_chromium(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/setup --dev installs it)")

    async def drive(served: Served) -> None:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            await browser.open(served.app_address)
            await browser.wait_for("Start new test")
            await browser.type("Browser client")
            await browser.enter()
            screen = await browser.wait_for("Question 1 of 7")
            assert "Who or what sets off most of your revenue events?" in screen
            await browser.type("2")
            screen = await browser.wait_for("Question 2 of 7")
            assert "Browser client · 1 answered · saved as you go" in screen
            assert browser.requested and all(
                url.startswith(served.base) for url in browser.requested
            ), browser.requested

    with serving(tmp_path / "s.db") as served:
        asyncio.run(drive(served))
    sessions = Store(tmp_path / "s.db").list(client="Browser client")
    assert [dict(s.answers) for s in sessions] == [{"revenue_triggers": "people_mostly"}]


def test_off_loopback_the_terminal_app_is_not_offered(tmp_path, cli):
    refused = cli("serve", "--host", "0.0.0.0", "--db", tmp_path / "s.db")
    assert refused.code == 2 and "--url" in refused.err
    port = free_port()
    with serving(tmp_path / "s.db", "--url", f"http://127.0.0.1:{port}", host="0.0.0.0") as served:
        assert any("loopback address only" in line for line in served.said)
        assert fetch(f"{served.base}/app")[0] == 404
        status, page, _ = fetch(f"{served.base}/")
        assert status == 404 and "Private links only" in page


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--url", "quicktest.example.com"), "expected an address such as https://"),
        (("--proxy", "my-proxy"), "expected an address or network"),
        (("--workers", "0"), "expected 1 to 32"),
    ],
)
def test_serve_refuses_bad_choices_before_starting(cli, args, says):
    result = cli("serve", *args)
    assert result.code == 2 and says in result.err


def test_two_workers_serve_one_store_and_every_answer_is_stored(store_at):
    """Respondents answering all seven questions at once, each request landing on either
    process (none keeps anything of a respondent): every answer is in the store after, on
    an SQLite file and on a PostgreSQL database."""
    from .test_invites import answer_over_http, invite
    from .test_web import ANSWERS

    links = [invite(store_at, "Acme", f"Respondent {n}") for n in range(8)]
    with serving(store_at, "--workers", "2") as served:
        assert any("2 worker processes" in line for line in served.said)
        start = threading.Barrier(len(links))

        def respondent(token: str) -> list[str]:
            start.wait()
            return [answer_over_http(served.base, token, n, o) for n, o in ANSWERS.items()]

        with ThreadPoolExecutor(len(links)) as pool:
            led = list(pool.map(respondent, [token for token, _ in links]))
        workers = subprocess.run(
            ["pgrep", "-P", str(served.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) >= 2
    assert all(places[-1] == "metrics?saved=7" for places in led)
    with Store(store_at) as store:
        stored = [store.get(session).answers for _, session in links]
    bank = load_bank(QUESTIONS)
    given = {bank.questions[n - 1].id: option for n, option in ANSWERS.items()}
    assert stored == [given] * len(links)


def test_a_store_url_reaches_the_terminal_app_in_its_environment_not_on_its_command_line():
    """Every user of the machine can list a process's arguments: a URL's password stays
    out of them (serve hands the URL on in QUICKTEST_DB)."""
    from quicktest.app.workspace import Workspace
    from quicktest.faces.cli.commands.serve import settings_of

    url = "postgresql://quicktest:s3cret@db.example.com/firm"
    args = argparse.Namespace(
        workers=1, url=[], host="127.0.0.1", port=8000, questions=None, open=False,
        open_client="Open quick test",
    )  # fmt: skip
    settings = settings_of(args, Workspace(db=url), None)
    assert settings.db == url
    assert not any("s3cret" in part or "://" in part for part in settings.app_command)
