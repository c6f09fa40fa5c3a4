"""Respondents answering at once on loopback: the web form against the terminal app in the
browser, each served by a real `quicktest serve`.

Web form: 200 respondents, each with a private link of their own, open it and answer the
seven questions, type two figures and send, all at the same time; each waits a moment
before every answer as a person reads the next question (0.5 to 1.5 s, seeded: a person
takes far longer, so this is a heavy hour compressed). Measured: the time from sending an
answer to its page being saved (the server's 303), every answer counted in the store
afterwards, and the memory of the server (the resident size of all its processes, sampled
while it runs). With one worker and with two.

Terminal app: fewer respondents (one app process each cannot hold 200 here), each starting
a session and answering the seven questions with the same pauses; measured from a key to
the next question on its screen, and the memory of the server with every app process.

The web form runs on a new SQLite file (one worker, two) and on a PostgreSQL server of its
own with two workers, as several machines would share it (Debian's `postgresql`, started
in a temporary folder with its default settings, as the tests start theirs): its memory,
the proportional share of each of its processes, and the connections quicktest held are
reported apart. `--db PATH|URL` runs the web form on that store instead (one worker, two).
Every run is bounded in respondents and time and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import aiohttp
from timing import QUICKTEST, ROOT, prepare, stop_on_signals

ANSWERS = ("people_mostly", "nothing", "activity", "looked_healthy", "nrr_up_margin_down",
           "handful", "faster")  # fmt: skip
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SEED = 22
LIMIT = 300.0  # seconds any one run may take before it is stopped
STEP_LIMIT = 60.0  # seconds the terminal app may take to show what one key brings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resident_mb(root: int) -> float:
    """The resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total / 1024


def proportional_mb(pids: list[int]) -> float:
    """The memory of processes that share most of it (PostgreSQL's, its buffers shared by
    every backend): each page counted once, split among those that map it (PSS), in MB."""
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total / 1024


class Peak:
    """The largest value of a measure, sampled every 0.2 s until stopped."""

    def __init__(self, measure: Callable[[], float]) -> None:
        self.measure = measure
        self.peak = measure()
        self.sampling = True
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while self.sampling:
            self.peak = max(self.peak, self.measure())
            time.sleep(0.2)

    def stop(self) -> float:
        self.sampling = False
        self.sampler.join()
        return self.peak


class Server:
    """`quicktest serve` on a free port, its peak memory sampled until it stops."""

    def __init__(self, db: str, *more: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [QUICKTEST, "serve", "--port", str(self.port), *more],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QUICKTEST_DB": db},  # a URL's password stays off `ps`
        )
        self.said = []
        while not (line := self.proc.stderr.readline()).startswith(("your terminal", "the term")):
            if not line:
                raise SystemExit(f"serve did not start: {self.said}")
            self.said.append(line)
        self.said.append(line)
        self.key_address = line.split(": ", 1)[1].strip() if "/app?key=" in line else ""
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # keep it drained
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/static/form.css", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("serve did not answer") from None
                time.sleep(0.1)
        self.memory = Peak(lambda: resident_mb(self.proc.pid))

    def stop(self) -> float:
        """Stop the server; its peak memory."""
        peak = self.memory.stop()
        self.proc.terminate()
        self.proc.wait(timeout=30)
        return peak


class Database(NamedTuple):
    """A PostgreSQL server the web form's store is on: its memory and quicktest's
    connections, sampled while the respondents answer."""

    memory: Callable[[], float]
    connections: Callable[[], float]


def make_links(db: str, count: int) -> list[tuple[str, str]]:
    """`count` private links (token, session id), made through the use cases."""
    import datetime

    from quicktest.app import invites
    from quicktest.app.workspace import Workspace

    workspace = Workspace(db=db)
    now = datetime.datetime.now(datetime.UTC)
    made = []
    for n in range(count):
        invite, token = invites.created(workspace, "Bench", f"Respondent {n}", "1d", False, now)
        made.append((token, invite.session_id))
    workspace.close()
    return made


async def web_respondent(base: str, token: str, pause: random.Random, saves: list[float]) -> None:
    folder = f"{base}/i/{token}/"
    async with aiohttp.ClientSession(headers={"Origin": base}) as http:

        async def send(page: str, form: dict[str, str], shown_on: str = "") -> None:
            """Open the page, pause as a person does, send its form: the send is timed."""
            async with http.get(folder + (shown_on or page)) as shown:
                form["csrf"] = CSRF.search(await shown.text()).group(1)
            await asyncio.sleep(pause.uniform(0.5, 1.5))
            start = time.perf_counter()
            async with http.post(folder + page, data=form, allow_redirects=False) as saved:
                if saved.status != 303:
                    raise SystemExit(f"{page}: {saved.status} {await saved.text()}")
            saves.append(time.perf_counter() - start)

        async with http.get(folder) as opened:
            opened.raise_for_status()
        for number, option in enumerate(ANSWERS, 1):
            await send(f"q{number}", {"answer": option, "do": "save"})
        await send("metrics", {"nrr": "111%", "grr": "0.65", "do": "continue"})
        await send("send", {}, shown_on="review")


def count_stored(db: str, sessions: list[str]) -> tuple[int, int]:
    """Answers stored, and sessions sent, among `sessions`."""
    from quicktest.app.sessions import opened
    from quicktest.app.workspace import Workspace

    workspace = Workspace(db=db)
    found = [opened(workspace, s) for s in sessions]
    workspace.close()
    return sum(len(s.answers) for s in found), sum(s.state == "finished" for s in found)


def web_run(db: str, respondents: int, workers: int, server_db: Database | None = None) -> dict:
    links = make_links(db, respondents)
    server = Server(db, "--workers", str(workers))
    on_server = [Peak(server_db.memory), Peak(server_db.connections)] if server_db else []
    saves: list[float] = []
    started = time.perf_counter()
    try:

        async def everyone() -> None:
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        web_respondent(server.base, token, random.Random(SEED + n), saves)
                        for n, (token, _) in enumerate(links)
                    )
                ),
                LIMIT,
            )

        asyncio.run(everyone())
    finally:
        took = time.perf_counter() - started
        memory = server.stop()
        database_memory, connections = (peak.stop() for peak in on_server) if on_server else (0, 0)
    answers, sent = count_stored(db, [session for _, session in links])
    return {
        "saves": saves,
        "p50": statistics.median(saves),
        "p95": statistics.quantiles(saves, n=20)[-1],
        "max": max(saves),
        "memory": memory,
        "database_memory": database_memory,
        "connections": connections,
        "stored": answers,
        "expected": respondents * len(ANSWERS),
        "sent": sent,
        "seconds": took,
    }


async def terminal_respondent(
    server: Server, n: int, pause: random.Random, answers: list[float]
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.get(server.key_address, allow_redirects=False):
            pass
        socket_url = f"ws://127.0.0.1:{server.port}/app/ws?width=80&height=24"
        async with http.ws_connect(socket_url, origin=server.base, max_msg_size=0) as ws:
            seen: list[str] = []

            async def until(text: str) -> None:
                deadline = time.monotonic() + STEP_LIMIT
                while text not in ANSI.sub("", "".join(seen)):
                    try:
                        message = await ws.receive(timeout=max(deadline - time.monotonic(), 0))
                    except TimeoutError:
                        screen = " ".join(ANSI.sub("", "".join(seen)).split())[-300:]
                        raise SystemExit(f"{text!r} never came on screen; last: {screen}") from None
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen.append(message.data.decode("utf-8", "replace"))
                    elif message.type != aiohttp.WSMsgType.TEXT:
                        raise SystemExit(f"the app closed: {message}")

            await until("Start new test")
            await ws.send_json(["stdin", f"Terminal {n}\r"])
            await until("Question 1 of 7")
            for number in range(1, len(ANSWERS) + 1):
                await asyncio.sleep(pause.uniform(0.5, 1.5))
                seen.clear()
                start = time.perf_counter()
                await ws.send_json(["stdin", "1"])
                await until(f"Question {number + 1} of 7" if number < 7 else "Optional figures")
                answers.append(time.perf_counter() - start)
            await ws.send_json(["stdin", "\x11"])  # Ctrl+Q: the app ends, its writes done


def terminal_run(db: str, respondents: int) -> dict:
    server = Server(db)
    answers: list[float] = []
    try:

        async def everyone() -> None:
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        terminal_respondent(server, n, random.Random(SEED + n), answers)
                        for n in range(respondents)
                    )
                ),
                LIMIT,
            )

        asyncio.run(everyone())
    finally:
        memory = server.stop()
    return {
        "p50": statistics.median(answers),
        "p95": statistics.quantiles(answers, n=20)[-1],
        "max": max(answers),
        "memory": memory,
    }


def postgres_run(respondents: int) -> dict | None:
    """The web form with two workers on a PostgreSQL server of its own; None without one."""
    from tests.postgres import binaries, running

    if binaries() is None:
        print("PostgreSQL is not installed (.ci/setup --dev installs it): its run is left out")
        return None
    with running() as server:
        url = server.url(server.new_database())

        def connections() -> float:
            import psycopg

            with psycopg.connect(server.url()) as con:
                query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'quicktest'"
                return float(con.execute(query).fetchone()[0])

        return web_run(
            url, respondents, 2, Database(lambda: proportional_mb(server.pids()), connections)
        )


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db",
        help="the session store (default: a new SQLite file, then a new PostgreSQL database)",
    )
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--terminal-respondents", type=int, default=20)
    args = parser.parse_args(argv if argv is not None else [])
    if not 1 <= args.respondents <= 500 or not 1 <= args.terminal_respondents <= 50:
        parser.error("up to 500 respondents on the web form and 50 on the terminal app")
    prepare()
    engine = "PostgreSQL" if args.db and "://" in args.db else "SQLite"
    with tempfile.TemporaryDirectory() as folder:
        runs = {
            (engine, workers): web_run(
                args.db or f"{folder}/web-{workers}.db", args.respondents, workers
            )
            for workers in (1, 2)
        }
        if not args.db and (run := postgres_run(args.respondents)):
            runs["PostgreSQL", 2] = run
        terminal = terminal_run(args.db or f"{folder}/terminal.db", args.terminal_respondents)
    results = []
    for (engine, workers), run in runs.items():
        on_server = (
            f"; PostgreSQL {run['database_memory']:.0f} MB, {run['connections']:.0f} connections"
            if run["connections"]
            else ""
        )
        print(
            f"web form on {engine}, {args.respondents} respondents, {workers} worker(s): answer "
            f"saved in p50 {run['p50'] * 1000:.1f} ms, p95 {run['p95'] * 1000:.1f} ms, max "
            f"{run['max'] * 1000:.1f} ms; {run['stored']} of {run['expected']} answers stored, "
            f"{run['sent']} sent; server {run['memory']:.0f} MB in all{on_server}; "
            f"{run['seconds']:.1f} s"
        )
    print(
        f"terminal app, {args.terminal_respondents} respondents: next question on screen in "
        f"p50 {terminal['p50'] * 1000:.1f} ms, p95 {terminal['p95'] * 1000:.1f} ms, max "
        f"{terminal['max'] * 1000:.1f} ms; server {terminal['memory']:.0f} MB in all "
        f"({terminal['memory'] / args.terminal_respondents:.0f} MB a respondent)"
    )
    for (engine, workers), run in runs.items():
        if run["stored"] != run["expected"]:
            raise SystemExit(f"answers lost: {run['stored']} of {run['expected']} stored")
        database = (
            f"; PostgreSQL's own {run['database_memory']:.0f} MB" if run["connections"] else ""
        )
        results.append(
            {
                "name": f"web form on {engine}: p95 to save an answer, {args.respondents} "
                f"respondents, {workers} worker{'s' if workers > 1 else ''}",
                "ours_s": run["p95"],
                "baseline": f"terminal app, {args.terminal_respondents} respondents: p95 to "
                "the next question",
                "baseline_s": terminal["p95"],
                "ratio": run["p95"] / terminal["p95"],
                "note": f"memory {run['memory']:.0f} MB in all{database}, against "
                f"{terminal['memory']:.0f} MB for the terminal app's "
                f"{args.terminal_respondents}",
            }
        )
    return results


if __name__ == "__main__":
    stop_on_signals()
    main(sys.argv[1:])
