"""The consultant's terminal app in the browser: textual-serve's app service runs one app
process per tab, on every client's sessions, so it is offered on a loopback address only,
and opens with the key `serve` prints.

The page and its websocket answer a loopback Host reached directly (no proxy header: a
reverse proxy on the same machine must not make it public); the websocket answers a page of
this server only (the guard checks its Origin) that holds the key's cookie; each message's
size and every terminal size are bounded; the page loads nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import json
import shlex
from collections.abc import Awaitable, Callable
from gettext import gettext as _
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketState
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from quicktest.faces.web.guard import is_loopback_host
from quicktest.faces.web.pages import Pages
from quicktest.faces.web.settings import Settings
from quicktest.faces.web.signing import consultant_key

KEY_COOKIE = "quicktest_app"
COLUMNS, ROWS = (20, 400), (10, 200)  # the terminal sizes a tab may ask for
MAX_TYPED = 4096  # characters in one message of keys
PROXIED = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip")
POLICY = (  # xterm.js adds style elements of its own
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def bounded(value: Any, limits: tuple[int, int], default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(limits[0], min(number, limits[1]))


class Terminal:
    def __init__(self, settings: Settings, pages: Pages) -> None:
        self.command = shlex.join(settings.app_command)
        self.key = consultant_key(settings.secret)
        self.pages = pages
        self.downloads = DownloadManager()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/app", self.page),
            WebSocketRoute("/app/ws", self.socket),
            Mount("/app/static", StaticFiles(packages=[("textual_serve", "static")])),
        ]

    def _direct(self, headers: Any) -> bool:
        """A loopback Host, and no sign of a proxy in between."""
        return is_loopback_host(headers.get("host", "")) and not any(h in headers for h in PROXIED)

    def _keyed(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.key.encode())

    async def page(self, request: Request) -> Response:
        if not self._direct(request.headers):
            return self.pages.notice(
                request.url.path, 404, _("Not here"), _("The consultant's app is not offered here.")
            )
        key = request.query_params.get("key")
        if key is not None and self._keyed(key):
            opened = RedirectResponse("app", status_code=303)  # the key leaves the address bar
            opened.set_cookie(KEY_COOKIE, self.key, path="/app", httponly=True, samesite="strict")
            return opened
        if not self._keyed(request.cookies.get(KEY_COOKIE, "")):
            return self.pages.notice(
                request.url.path,
                403,
                _("The app needs its key"),
                _("Open the address quicktest serve printed when it started."),
            )
        response = self.pages.render(
            "terminal.html",
            request.url.path,
            socket=f"ws://{request.headers['host']}/app/ws",
        )
        response.headers["content-security-policy"] = POLICY
        return response

    async def socket(self, websocket: WebSocket) -> None:
        if not (
            self._direct(websocket.headers) and self._keyed(websocket.cookies.get(KEY_COOKIE, ""))
        ):
            await websocket.close(code=1008)
            return
        await websocket.accept()

        async def send_bytes(data: bytes) -> None:
            if websocket.application_state == WebSocketState.CONNECTED:
                await websocket.send_bytes(data)

        async def send_text(data: str) -> None:
            if websocket.application_state == WebSocketState.CONNECTED:
                await websocket.send_text(data)

        async def close() -> None:
            if websocket.application_state == WebSocketState.CONNECTED:
                await websocket.close()

        service = AppService(
            self.command,
            write_bytes=send_bytes,
            write_str=send_text,
            close=close,
            download_manager=self.downloads,
            debug=False,
        )
        query = websocket.query_params
        await service.start(
            bounded(query.get("width"), COLUMNS, 80), bounded(query.get("height"), ROWS, 24)
        )
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("text"):
                    await self._handle(message["text"], service, send_text)
        finally:
            await service.stop()

    async def _handle(
        self, text: str, service: AppService, send_text: Callable[[str], Awaitable[None]]
    ) -> None:
        """One message of the page's protocol: keys, a terminal size, a ping, focus."""
        try:
            kind, data = json.loads(text)
        except (ValueError, TypeError):
            return
        if kind == "stdin" and isinstance(data, str):
            await service.send_bytes(data[:MAX_TYPED].encode("utf-8", "replace"))
        elif kind == "resize" and isinstance(data, dict):
            width = bounded(data.get("width"), COLUMNS, 80)
            await service.set_terminal_size(width, bounded(data.get("height"), ROWS, 24))
        elif kind == "ping" and isinstance(data, str):
            await send_text(json.dumps(["pong", data[:64]]))
        elif kind == "blur":
            await service.blur()
        elif kind == "focus":
            await service.focus()
