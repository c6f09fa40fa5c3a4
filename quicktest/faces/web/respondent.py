"""A respondent's pages, alike for a private link (`/i/TOKEN/`) and the open quick test
(`/open/`): a start page, one question per page, the optional metrics, a review of every
answer, then the respondent's own read (or a thank-you while the consultant holds it for
the debrief) and their PDF.

Each request finds its respondent afresh: the link's token is checked again (a revoked or
expired link stops at the next click), the open test's cookie is checked against its
signature. A form that writes carries a token bound to the respondent; the store calls run
on a worker thread; nothing is kept between requests. Links between pages are relative
(`q2`, `review`), so the pages work at whatever address a reverse proxy gives them.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import secrets
from collections.abc import Awaitable, Callable
from gettext import gettext as _

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from quicktest.app import attempts, respond
from quicktest.app.report import Renderer
from quicktest.app.workspace import Workspace
from quicktest.domain.brand import Brand
from quicktest.domain.errors import InputError
from quicktest.domain.metrics import INPUTS
from quicktest.domain.session import FINISHED, Session
from quicktest.faces.figures import key_figures
from quicktest.faces.web import views
from quicktest.faces.web.pages import Pages
from quicktest.faces.web.settings import Settings
from quicktest.faces.web.signing import form_token, form_token_ok, signed, unsigned
from quicktest.faces.web.stores import PerThread
from quicktest.faces.web.throttle import attempt, bad_link_delay
from quicktest.faces.web.visit import (
    BAD_LINK,
    BadLink,
    Found,
    Handler,
    Space,
    Visit,
    read_form,
    see,
)

LOG = logging.getLogger("quicktest.serve")
OPEN_COOKIE, VISIT_COOKIE = "quicktest_open", "quicktest_visit"
OPEN_LASTS = 30 * 86400  # seconds an open quick test can be resumed from its browser


class RespondentPages:
    def __init__(
        self,
        settings: Settings,
        stores: PerThread,
        pages: Pages,
        render: Renderer | None,
        brand: Brand | None,
        now: Callable[[], datetime.datetime],
    ) -> None:
        self.settings, self.stores, self.pages = settings, stores, pages
        self.bank = stores.bank
        self.render, self.brand, self.now = render, brand, now
        self.one_pdf = asyncio.Semaphore(1)  # a render is heavy: one at a time per process

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = [Route("/i/{token}", self.to_folder)]
        routes += self._space("/i/{token}", self.by_link)
        if self.settings.open_client is None:
            return [*routes, Route("/", self.closed)]
        return [
            *routes,
            Route("/", self.to_open),
            Route("/open", self.to_folder),
            Route("/open/start", self.start_open, methods=["POST"]),
            *self._space("/open", self.by_cookie),
        ]

    def _space(self, prefix: str, find: Callable[[Workspace, Visit], Found]) -> list[BaseRoute]:
        """One respondent's pages under `prefix`, each finding its respondent with `find`."""

        def page(
            path: str,
            handler: Handler,
            methods: tuple[str, ...] = ("GET",),
            gate: asyncio.Semaphore | None = None,
        ) -> Route:
            return Route(prefix + path, self.endpoint(handler, find, gate), methods=list(methods))

        return [
            page("/", self.start),
            page("/q{number:int}", self.question, ("GET", "POST")),
            page("/metrics", self.metrics, ("GET", "POST")),
            page("/review", self.review),
            page("/send", self.send, ("POST",)),
            page("/read", self.read),
            page("/report.pdf", self.pdf, gate=self.one_pdf),
            page("/thanks", self.thanks),
        ]

    # --- how a request becomes a page -------------------------------------------------------

    def endpoint(
        self,
        handler: Handler,
        find: Callable[[Workspace, Visit], Found],
        gate: asyncio.Semaphore | None = None,
    ) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            form = await read_form(request, self.pages) if request.method == "POST" else None
            if isinstance(form, Response):
                return form
            visit = Visit(request, form)
            if gate is not None:
                async with gate:
                    found = await run_in_threadpool(self._answer, handler, find, visit)
            else:
                found = await run_in_threadpool(self._answer, handler, find, visit)
            if isinstance(found, BadLink):
                return await self._bad_link(visit)
            return found

        return serve

    def _answer(
        self, handler: Handler, find: Callable[[Workspace, Visit], Found], visit: Visit
    ) -> Response | BadLink:
        """On a worker thread: find the respondent, check the form's token, make the page."""
        workspace = self.stores.here()
        try:
            found = find(workspace, visit)
            if not isinstance(found, Space):
                return found
            if visit.form is not None and not self._token_ok(found.binding, visit):
                return self._expired(visit)
            return handler(workspace, found, visit)
        except InputError as exc:  # the store cannot be read or written just now
            return self._unreachable(visit, exc)

    def _token_ok(self, binding: str, visit: Visit) -> bool:
        assert visit.form is not None
        if form_token_ok(self.settings.secret, binding, visit.form.get("csrf", "")):
            return True
        LOG.warning("refused a form from %s: its token is wrong or old", visit.address)
        return False

    def _expired(self, visit: Visit) -> Response:
        return self.pages.notice(
            visit.path,
            403,
            _("This page has expired"),
            _("Nothing was saved. Open the page again and send it once more."),
            (visit.here, _("Open the page again")),
        )

    def _unreachable(self, visit: Visit, exc: InputError) -> Response:
        LOG.error("the session store failed a request from %s: %s", visit.address, exc)
        return self.pages.notice(
            visit.path,
            503,
            _("Not saved"),
            _("Your answers could not be reached just now. Wait a moment and try again."),
            (visit.here, _("Try again")),
        )

    def _attempt(self, kind: str, visit: Visit) -> int:
        """On a worker thread: one more attempt of `kind` by this caller (`throttle`)."""
        return attempt(self.stores.here(), self.settings.secret, kind, visit.address, self.now())

    async def _bad_link(self, visit: Visit) -> Response:
        """A link that does not open: logged with the caller's address (never the token),
        and answered more and more slowly after a few in an hour from one address."""
        try:
            made = await run_in_threadpool(self._attempt, attempts.BAD_LINK, visit)
        except InputError as exc:
            return self._unreachable(visit, exc)
        wait = bad_link_delay(made)
        LOG.warning(
            "refused a link from %s (attempt %d in the last hour, answered after %g s)",
            *(visit.address, made, wait),
        )
        await asyncio.sleep(wait)
        return self.pages.notice(
            visit.path,
            404,
            _("This link does not open"),
            _(
                "It may have expired or been withdrawn. Ask the person who sent it to you "
                "for a new one."
            ),
        )

    # --- who the respondent is --------------------------------------------------------------

    def by_link(self, workspace: Workspace, visit: Visit) -> Found:
        respondent = respond.by_link(workspace, visit.request.path_params["token"], self.now())
        if respondent is None:
            return BAD_LINK
        return Space(respondent, f"link:{respondent.session.id}", open_test=False)

    def by_cookie(self, workspace: Workspace, visit: Visit) -> Found:
        """The open quick test of this browser; without one, its start page."""
        nonce = visit.request.cookies.get(VISIT_COOKIE, "")
        session_id = unsigned(
            self.settings.secret,
            "open",
            visit.request.cookies.get(OPEN_COOKIE, ""),
            int(self.now().timestamp()),
            OPEN_LASTS,
        )
        respondent = respond.by_session(workspace, session_id) if session_id else None
        if respondent is None or not nonce:
            return self.open_intro(visit) if visit.here == "./" else see("./")
        return Space(respondent, f"visit:{nonce}", open_test=True)

    # --- the open quick test's own pages ----------------------------------------------------

    async def closed(self, request: Request) -> Response:
        return self.pages.notice(
            request.url.path,
            404,
            _("Private links only"),
            _("This server answers the private links a consultant sends. Open the link you got."),
        )

    async def to_open(self, request: Request) -> Response:
        return see("open/")

    async def to_folder(self, request: Request) -> Response:
        """/i/TOKEN to /i/TOKEN/, so that every link inside it is relative to it."""
        return see(request.url.path.rsplit("/", 1)[1] + "/")

    def open_intro(self, visit: Visit) -> Response:
        nonce = visit.request.cookies.get(VISIT_COOKIE) or secrets.token_urlsafe(16)
        response = self.pages.render(
            "open.html", visit.path, csrf=form_token(self.settings.secret, f"visit:{nonce}")
        )
        self._cookie(response, visit, VISIT_COOKIE, nonce)
        return response

    async def start_open(self, request: Request) -> Response:
        """A new open quick test for this browser, under the consultant's client name; its
        form's token is bound to the browser's visitor cookie."""
        form = await read_form(request, self.pages)
        if isinstance(form, Response):
            return form
        visit = Visit(request, form)
        nonce = request.cookies.get(VISIT_COOKIE, "")
        if not nonce:
            return self.pages.notice(
                visit.path,
                400,
                _("Cookies are needed"),
                _("The open quick test keeps your place with a cookie: allow cookies for it."),
            )
        if not self._token_ok(f"visit:{nonce}", visit):
            return self._expired(visit)
        client = self.settings.open_client or ""
        try:
            made = await run_in_threadpool(self._attempt, attempts.OPEN_START, visit)
            if made > self.settings.open_starts_per_hour:
                LOG.warning("refused a new open quick test from %s: too many", visit.address)
                return self.pages.notice(
                    visit.path,
                    429,
                    _("Too many new tests"),
                    _("Many tests were started from your network in the last hour. Try later."),
                )
            session = await run_in_threadpool(lambda: respond.started(self.stores.here(), client))
        except InputError as exc:
            return self._unreachable(visit, exc)
        response = see("q1")
        issued = int(self.now().timestamp())
        self._cookie(
            response, visit, OPEN_COOKIE, signed(self.settings.secret, "open", session.id, issued)
        )
        return response

    def _cookie(self, response: Response, visit: Visit, name: str, value: str) -> None:
        """A cookie for this folder of pages only (no Path: the browser takes the page's),
        out of scripts' reach, sent on this site's own requests and links to it."""
        response.set_cookie(
            name,
            value,
            max_age=OPEN_LASTS,
            path=None,
            secure=visit.request.url.scheme == "https",
            httponly=True,
            samesite="lax",
        )

    # --- a respondent's pages ---------------------------------------------------------------

    def _render(
        self,
        template: str,
        space: Space,
        visit: Visit,
        saved: str | None = None,
        **context: object,
    ) -> Response:
        return self.pages.render(
            template,
            visit.path,
            csrf=form_token(self.settings.secret, space.binding),
            session=space.session,
            held=space.respondent.held,
            open_test=space.open_test,
            total=len(self.bank.questions),
            saved=saved or self._saved(visit),
            **context,
        )

    def _saved(self, visit: Visit) -> str | None:
        """What the page before saved, for the status line (from its ?saved=)."""
        saved = visit.query("saved")
        if saved == "metrics":
            return _("Saved: your metrics.")
        if saved.isdigit() and 1 <= int(saved) <= len(self.bank.questions):
            return _("Saved: your answer to question %(number)s.") % {"number": saved}
        return None

    def start(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        session = space.session
        position = min(session.position, len(self.bank.questions) - 1)
        return self._render("start.html", space, visit, resume=f"q{position + 1}")

    def question(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        number = visit.request.path_params["number"]
        total = len(self.bank.questions)
        if not 1 <= number <= total:
            return self.pages.notice(visit.path, 404, _("No such question"), _("Go back."))
        question = self.bank.questions[number - 1]
        from_review = (visit.form or {}).get("from", visit.query("from")) == "review"
        error = None
        if visit.form is not None:
            session = space.session
            if visit.form.get("do") == "skip":
                respond.moved(workspace, session, min(number, total - 1))
                return see(self._after(number, session, from_review, saved=False))
            chosen = visit.form.get("answer", "")
            if question.option(chosen) is not None:
                position = min(number, total - 1)
                session = respond.answered(workspace, session, question.id, chosen, position)
                return see(self._after(number, session, from_review, saved=True))
            error = _("Choose an answer, or skip this question")
        back = "review" if from_review else (f"q{number - 1}" if number > 1 else "./")
        return self._render(
            "question.html",
            space,
            visit,
            status=400 if error else 200,
            question=question,
            number=number,
            chosen=space.session.answers.get(question.id),
            error=error,
            back=back,
            from_review=from_review,
        )

    def _after(self, number: int, session: Session, from_review: bool, saved: bool) -> str:
        """Where a question's form leads: the next question, then the metrics (unless some
        were given), then the review; back to the review when it came from there."""
        if from_review or (number >= len(self.bank.questions) and session.metrics):
            target = "review"
        elif number < len(self.bank.questions):
            target = f"q{number + 1}"
        else:
            target = "metrics"
        return f"{target}?saved={number}" if saved else target

    def metrics(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        typed, problems, session = None, {}, space.session
        if visit.form is not None:
            typed = {name: visit.form[name][:200] for name in INPUTS if name in visit.form}
            result = respond.metrics_typed(workspace, session, typed)
            session, problems = result.session, result.problems
            if not problems and visit.form.get("do") == "continue":
                return see("review?saved=metrics")
        rows = views.metric_rows(session, typed, problems)
        space = space._replace(respondent=space.respondent._replace(session=session))
        return self._render(
            "metrics.html",
            space,
            visit,
            status=400 if problems else 200,
            rows=rows,
            errors=[(f"#m-{r.name}", f"{r.label}: {r.error}") for r in rows if r.error],
            just_saved=visit.form is not None and not problems,
            saved=_("Saved: your metrics.") if visit.form is not None and not problems else None,
        )

    def review(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        return self._render(
            "review.html",
            space,
            visit,
            rows=views.review_rows(self.bank, space.session),
            metrics=views.given_metrics(space.session),
            sent=space.session.state == FINISHED,
        )

    def send(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        respond.finished(workspace, space.session)
        return see("thanks" if space.respondent.held else "read")

    def read(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        if space.respondent.held:
            return see("thanks")
        full = respond.read_of(workspace, space.session)
        return self._render(
            "read.html",
            space,
            visit,
            full=full,
            figures=key_figures(workspace.bank, full),
            labels=views.LABELS,
            pdf=self.render is not None,
        )

    def pdf(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        if space.respondent.held or self.render is None:
            return self.pages.notice(visit.path, 404, _("No report here"), _("Go back."))
        pdf = respond.pdf_of(workspace, space.session, self.render, self.brand)
        name = f"quicktest-read-{space.session.date}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "content-disposition": f'attachment; filename="{name}"',
                "cache-control": "no-store",
            },
        )

    def thanks(self, workspace: Workspace, space: Space, visit: Visit) -> Response:
        if not space.respondent.held:
            return see("read")
        return self._render("thanks.html", space, visit)
