"""The web server: textual-serve's, with private links.

- `/i/{token}` serves the page for one invite's session, and `/i/{token}/ws` runs the app on
  that session alone (respondent mode: no list of sessions, no resuming another, no export).
  The token is checked again when the websocket opens, and the session comes from the store,
  never from the address.
- `/` and `/ws`, the consultant's full app, exist only when the server listens on loopback.
  On any other address the server answers private links only.
- An unknown, expired or revoked token gets a plain page and is logged with the caller's
  address; after a few bad tokens from one address each answer waits longer (up to 30 s).
TLS belongs to a reverse proxy in front of this server.
"""

from __future__ import annotations

import asyncio
import datetime
import html
import ipaddress
import logging
import shlex
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from quicktest.app.invites import open_invite
from quicktest.app.workspace import Workspace
from quicktest.domain.invite import Invite

LOG = logging.getLogger("quicktest.serve")
FREE_TRIES = 5  # bad tokens from one address before answers slow down
MAX_DELAY = 30.0
PLAIN = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>quicktest</title>
</head><body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">
<h1>{title}</h1><p>{text}</p></body></html>"""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class QuicktestServer(Server):
    def __init__(
        self,
        command: list[str],
        workspace: Workspace,
        host: str,
        port: int,
        now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
    ) -> None:
        super().__init__(shlex.join(command), host=host, port=port, title="quicktest")
        self.base = command
        self.questions, self.db = workspace.questions, workspace.db_path
        self.full_app = is_loopback(host)
        self.now = now
        self.bad: dict[str, list[float]] = defaultdict(list)

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        routes = [
            web.get("/i/{token}", self.handle_invite, name="invite"),
            web.get("/i/{token}/ws", self.handle_invite_socket, name="invite_socket"),
            web.static("/static", self.statics_path, name="static"),
        ]
        if self.full_app:
            routes += [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
            ]
        else:
            routes.append(web.get("/", self.links_only))
        app.add_routes(routes)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def initialize_logging(self) -> None:
        """Plain lines on stderr, where an operator (or a log collector) reads them."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("quicktest serve: %(message)s"))
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)

    async def links_only(self, request: web.Request) -> web.Response:
        return _plain(
            "Private links only",
            "This server answers the private links a consultant sends. Open the link you "
            "were given.",
            404,
        )

    def _open(self, token: str) -> Invite | None:
        workspace = Workspace(self.questions, self.db)
        try:
            return open_invite(workspace, token, self.now())
        finally:
            workspace.close()

    async def _refuse(self, request: web.Request, token: str) -> web.Response:
        address = request.remote or "unknown"
        now = time.monotonic()
        tries = [t for t in self.bad[address] if now - t < 3600] + [now]
        self.bad[address] = tries
        wait = (
            min(MAX_DELAY, 2.0 ** (len(tries) - FREE_TRIES - 1)) if len(tries) > FREE_TRIES else 0
        )
        LOG.warning(
            "refused a link from %s (attempt %d, answered after %g s): %s…",
            *(address, len(tries), wait, token[:6]),
        )
        await asyncio.sleep(wait)
        return _plain(
            "This link does not open",
            "It may have expired or been withdrawn. Ask the person who sent it for a new one.",
            404,
        )

    async def handle_invite(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if self._open(token) is None:
            return await self._refuse(request, token)
        context = await self._page_context(request, token)
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def _page_context(self, request: web.Request, token: str) -> dict[str, Any]:
        """textual-serve's page, its websocket pointed at this invite's."""
        router = request.app.router
        origin = f"{request.scheme}://{request.host}"
        socket = router["invite_socket"].url_for(token=token)
        scheme = "wss" if request.scheme == "https" else "ws"
        return {
            "font_size": 16,
            "app_websocket_url": f"{scheme}://{request.host}{socket}",
            "config": {"static": {"url": f"{origin}/static/"}},
            "application": {"name": "quicktest"},
        }

    async def handle_invite_socket(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        invite = self._open(token)
        if invite is None:
            return await self._refuse(request, token)
        command = [*self.base, "--invite-session", invite.session_id]
        if invite.hold:
            command.append("--hold-read")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        service = AppService(
            shlex.join(command),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=False,
        )
        width = _number(request.query.get("width"), 80)
        height = _number(request.query.get("height"), 24)
        await service.start(width, height)
        try:
            await self._process_messages(websocket, service)
        finally:
            await service.stop()
        return websocket


def _number(text: str | None, default: int) -> int:
    try:
        return max(20, min(int(text or default), 500))
    except ValueError:
        return default


def _plain(title: str, text: str, status: int) -> web.Response:
    body = PLAIN.format(title=html.escape(title), text=html.escape(text))
    return web.Response(text=body, status=status, content_type="text/html")
