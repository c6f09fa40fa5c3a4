"""The web face put together: the respondents' pages, the consultant's terminal app when it
is offered, the static files, the guard in front of them all, and answers for what goes
wrong that say what happened and never how (no trace of the code in a page).

Made by a factory (`create`), one per worker process: it holds no respondent's state, so
any number of workers, on any number of machines sharing the store, can serve it.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from gettext import gettext as _

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from quicktest.app.report import Renderer
from quicktest.app.workspace import Workspace
from quicktest.domain.brand import Brand
from quicktest.faces.web.guard import Guard
from quicktest.faces.web.pages import STATIC, Pages
from quicktest.faces.web.respondent import RespondentPages
from quicktest.faces.web.settings import Settings
from quicktest.faces.web.stores import PerThread

LOG = logging.getLogger("quicktest.serve")
MAX_BODY = 16 * 1024  # bytes in a request: the largest form, every figure typed, is under 4 KB


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def create(
    settings: Settings,
    workspace: Workspace,
    render: Renderer | None = None,
    brand: Brand | None = None,
    now: Callable[[], datetime.datetime] = utc_now,
) -> ASGIApp:
    """The web face on `workspace`'s bank and store; `render` makes the respondents' PDFs
    (handed in by the command line: a face never imports another); `now` is the clock
    links expire by."""
    stores = PerThread(workspace)
    pages = Pages(brand.firm if brand else stores.bank.title)
    routes = RespondentPages(settings, stores, pages, render, brand, now).routes()
    if settings.full_app:
        from quicktest.faces.web.terminal import Terminal  # textual-serve: only when offered

        routes += Terminal(settings, pages).routes()
    routes.append(Mount("/static", StaticFiles(directory=STATIC)))

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if status == 404:
            return pages.notice(
                request.url.path, 404, _("Page not found"), _("There is no page at this address.")
            )
        return pages.notice(
            request.url.path, status, _("Not possible"), _("This page cannot do that.")
        )

    async def failed(request: Request, exc: Exception) -> Response:
        path = re.sub(r"^/i/[^/]+", "/i/…", request.url.path)  # never a link's token
        LOG.error("a fault answering %s %s: %r", request.method, path, exc)
        return pages.notice(
            request.url.path,
            500,
            _("Something went wrong"),
            _("Your answers so far are saved. Wait a moment and try again."),
        )

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: refused, Exception: failed},
        max_body_size=MAX_BODY,
    )
    return Guard(app, settings.hosts, settings.origins)  # in front of all, faults included
