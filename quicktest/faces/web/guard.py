"""Every request passes here first: it must name a host this server answers to (no DNS
rebinding), anything that writes (a form, a websocket) must come from one of its own pages
(no cross-site request or websocket), and every response gets headers that keep the page to
itself: a Content-Security-Policy that allows nothing from elsewhere, no referrer sent to
another site (a private link holds its token; to its own pages a browser must still say
where a form comes from), no framing."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOG = logging.getLogger("quicktest.serve")
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
READS = frozenset({"GET", "HEAD"})
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


def host_name(host: str) -> str:
    """The name in a Host header, without its port ([::1]:8000 is [::1])."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.split(":", 1)[0]


def is_loopback_host(host: str) -> bool:
    return host_name(host).lower() in LOOPBACK_NAMES


class Guard:
    def __init__(self, app: ASGIApp, hosts: Iterable[str], origins: Iterable[str]) -> None:
        """`hosts`: Host values answered besides loopback names; `origins`: the origins of
        this server's public addresses (a reverse proxy's)."""
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        address = scope["client"][0] if scope.get("client") else "unknown"
        if not (is_loopback_host(host) or host.lower() in self.hosts):
            LOG.warning(
                "refused a request from %s for host %r: not an address of this server (name "
                "the addresses respondents use with --url)",
                *(address, host[:100]),
            )
            await _refuse(scope, send, 400, "This server does not answer to that address.")
            return
        writes = scope["type"] == "websocket" or scope["method"] not in READS
        if writes and not self._same_origin(scope, headers, host):
            LOG.warning(
                "refused a request from %s from another site (origin %r)",
                *(address, headers.get("origin", "")[:100]),
            )
            await _refuse(scope, send, 403, "This request came from another site.")
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in given]
                if b"content-security-policy" not in given:
                    extra.append((b"content-security-policy", POLICY.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)

    def _same_origin(self, scope: Scope, headers: dict[str, str], host: str) -> bool:
        """Whether a writing request comes from a page of ours. Browsers send Origin on
        every form post and websocket; a request without one (a script, curl) cannot carry
        a visitor's cookies against their will, and still needs the form's token."""
        origin = headers.get("origin")
        if origin is None:
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
        scheme = "https" if scope["scheme"] in ("https", "wss") else "http"
        return origin in self.origins or origin == f"{scheme}://{host}"


async def _refuse(scope: Scope, send: Send, status: int, text: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
