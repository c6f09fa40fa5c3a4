"""A request as a respondent's pages use it: the request and its form, the respondent it
answers for, and the form's fields read with their count and size bounded."""

from __future__ import annotations

from collections.abc import Callable
from gettext import gettext as _
from typing import NamedTuple
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from quicktest.app import respond
from quicktest.app.workspace import Workspace
from quicktest.domain.session import Session
from quicktest.faces.web.pages import Pages

MAX_FIELDS = 40  # fields in one form: the metrics form has 17 and two of its own


class Visit(NamedTuple):
    """One request as the pages use it."""

    request: Request
    form: dict[str, str] | None  # a POST's fields

    @property
    def path(self) -> str:
        return self.request.url.path

    @property
    def here(self) -> str:
        """This page, relative to itself (for a link back to it)."""
        return self.path.rsplit("/", 1)[1] or "./"

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def query(self, name: str) -> str:
        return self.request.query_params.get(name, "")


class Space(NamedTuple):
    """The respondent a request answers for, and what their forms' tokens are bound to."""

    respondent: respond.Respondent
    binding: str
    open_test: bool

    @property
    def session(self) -> Session:
        return self.respondent.session


class BadLink:
    """A private link that does not open: answered slowly, on the event loop."""


BAD_LINK = BadLink()
Found = Space | Response | BadLink
Handler = Callable[[Workspace, Space, Visit], Response]


def see(location: str) -> RedirectResponse:
    """On to another page of the same respondent (a relative address, checked by the caller)."""
    return RedirectResponse(location, status_code=303)


async def read_form(request: Request, pages: Pages) -> dict[str, str] | Response:
    """A form's fields: URL-encoded only, its size bounded by the app, its fields too."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return pages.notice(
            request.url.path, 415, _("Not a form"), _("This page takes a form only.")
        )
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS
        )
    except ValueError:
        return pages.notice(
            request.url.path, 413, _("Too much"), _("This form holds too many fields.")
        )
    return dict(pairs)
