"""The web form behind a real TLS reverse proxy: Debian's nginx, started by the test in a
temporary folder on loopback with a certificate made by openssl, in front of `quicktest
serve --proxy 127.0.0.1`. A private link opens and saves answers over HTTPS in headless
Chromium, at the proxy's root and under a path of its own, and nothing is asked for over
plain HTTP. Forwarded headers from anyone but the named proxy are not believed."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from quicktest.sources.store import Store

from .browser import Chromium
from .test_invites import invite
from .test_serve import fetch, free_port, serving

NGINX = """
daemon off;
master_process off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {folder}/cert.pem;
        ssl_certificate_key {folder}/key.pem;
        location / {{
            proxy_pass http://127.0.0.1:{app};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
        location /quicktest/ {{
            proxy_pass http://127.0.0.1:{app}/;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@contextmanager
def nginx_in_front(folder: Path, app: int):
    """nginx with a fresh self-signed certificate on a free loopback port; its port."""
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None:
            pytest.skip(f"Debian's {tool} is not installed (.ci/setup --dev installs it)")
    folder.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", folder / "key.pem", "-out", folder / "cert.pem",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    port = free_port()
    (folder / "nginx.conf").write_text(NGINX.format(folder=folder, port=port, app=app))
    proc = subprocess.Popen(
        [shutil.which("nginx"), "-c", folder / "nginx.conf", "-p", folder, "-e",
         folder / "error.log"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
                raise AssertionError(f"nginx did not start: {proc.stderr.read()} {log}") from None
            time.sleep(0.05)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_link_behind_a_tls_proxy_loads_and_saves_answers(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/setup --dev installs it)")
    db = tmp_path / "s.db"
    token, session = invite(db, "Acme", "Dana")
    other, other_session = invite(db, "Acme", "Lee")

    async def answer(address: str, profile: Path, options: list[str]) -> list[str]:
        """Answer the first questions with clicks; the addresses the pages asked for (but the
        icon a browser asks of every site's root by itself)."""
        async with Chromium(chromium, profile, "--ignore-certificate-errors") as browser:
            await browser.open(address)
            await browser.until("document.readyState === 'complete'")
            await browser.tap("a.start", touch=False)
            for number, option in enumerate(options, 1):
                await browser.until(
                    "document.readyState === 'complete' && "
                    f"document.body.innerText.includes('Question {number} of 7')"
                )
                await browser.tap(f"label[for=o-{option}]", touch=False)
            last = len(options) + 1
            await browser.until(f"document.body.innerText.includes('Question {last} of 7')")
            return [url for url in browser.requested if not url.endswith("/favicon.ico")]

    with serving(db, "--proxy", "127.0.0.1") as served:
        app = int(served.base.rsplit(":", 1)[1])
        with nginx_in_front(tmp_path / "nginx", app) as port:
            public = f"https://127.0.0.1:{port}"
            asked = asyncio.run(
                answer(f"{public}/i/{token}", tmp_path / "p1", ["mixed", "nothing"])
            )
            assert asked and all(url.startswith(f"{public}/") for url in asked), asked
            under = f"{public}/quicktest/i/{other}"
            asked = asyncio.run(answer(under, tmp_path / "p2", ["people_always"]))
            assert all(url.startswith(f"{public}/quicktest/") for url in asked), asked
    with Store(db) as store:
        assert dict(store.get(session).answers) == {
            "revenue_triggers": "mixed",
            "expansion_ready_accounts": "nothing",
        }
        assert dict(store.get(other_session).answers) == {"revenue_triggers": "people_always"}


def test_forwarded_headers_are_believed_from_the_named_proxy_only(tmp_path):
    db = tmp_path / "s.db"
    invite(db, "Acme", "Dana")
    claims = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    with serving(db) as served:  # no --proxy: the caller is who connects
        assert fetch(f"{served.base}/i/bad-token/", claims)[0] == 404
    assert "refused a link from 127.0.0.1 " in served.log()
    with serving(db, "--proxy", "127.0.0.1") as served:
        assert fetch(f"{served.base}/i/bad-token/", claims)[0] == 404
    assert "refused a link from 203.0.113.9 " in served.log()
