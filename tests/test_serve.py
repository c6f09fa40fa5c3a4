"""`quicktest serve`: the real server on a loopback port, used from headless Chromium, and
driven over its websocket the way the page drives it (keys in, terminal output back)."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import aiohttp
import pytest

from quicktest.sources.store import Store

from .browser import Chromium
from .conftest import ROOT

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quicktest",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.db"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as page:
                yield port, page.read().decode()
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {proc.stderr.read()}") from None
            time.sleep(0.2)
    proc.terminate()
    proc.wait(timeout=10)


async def _until(ws, pattern: str, seen: list[str], seconds: float = 30) -> None:
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


def test_serve_binds_loopback_and_answers_a_question_in_the_browser_protocol(server):
    port, page = server
    assert "quicktest" in page

    async def drive() -> None:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=80&height=24") as ws,
        ):
            seen: list[str] = []
            await _until(ws, "Start new test", seen)
            await ws.send_json(["stdin", "Web client\r"])
            await _until(ws, "Question 1 of 7", seen)
            seen.clear()
            await ws.send_json(["stdin", "1"])
            await _until(ws, "Question 2 of 7", seen)

    asyncio.run(drive())


def test_answer_a_question_in_headless_chromium_and_see_the_next(server, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/setup --dev installs it)")
    port, _ = server

    async def drive() -> None:
        async with Chromium(chromium, tmp_path / "profile") as browser:
            await browser.open(f"http://127.0.0.1:{port}/")
            await browser.wait_for("Start new test")
            await browser.type("Browser client")
            await browser.enter()
            screen = await browser.wait_for("Question 1 of 7")
            assert "Who or what sets off most of your revenue events?" in screen
            await browser.type("2")
            screen = await browser.wait_for("Question 2 of 7")
            assert "Browser client · 1 answered · saved as you go" in screen

    asyncio.run(drive())
    sessions = Store(tmp_path / "s.db").list(client="Browser client")
    assert [s.answers for s in sessions] == [{"revenue_triggers": "people_mostly"}]
