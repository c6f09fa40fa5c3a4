"""How the web form's pages are made: its Jinja2 templates, autoescaped (every name and bank
text is shown as written), with every sentence marked for translation (gettext, through
Jinja2's i18n extension); and the links between pages, all relative, so the form works at
any address a reverse proxy gives it, under any path.

The templates and the stylesheet live beside this module, not beside the report's: they
are this face's own, as the terminal app keeps its stylesheet, and the report's folder is
the one place WeasyPrint may fetch from, which these pages have no business in.
"""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from quicktest.faces.bidi import shown

HERE = Path(__file__).parent
TEMPLATES, STATIC = HERE / "templates", HERE / "static"
_ = gettext.gettext


def environment() -> Environment:
    jinja = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    jinja.install_gettext_callables(gettext.gettext, gettext.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return jinja


def to_static(path: str) -> str:
    """The static folder relative to the page at `path` (/i/TOKEN/q3: ../../static/)."""
    return "../" * (path.count("/") - 1) + "static/"


class Pages:
    def __init__(self, site: str) -> None:
        self.jinja = environment()
        self.site = site  # the name every page carries: the bank's title, or the firm's

    def render(self, template: str, path: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page; respondents' pages are never cached (a shared computer keeps no copy)."""
        html = self.jinja.get_template(template).render(
            site=self.site, static=to_static(path), **context
        )
        return HTMLResponse(html, status, headers={"cache-control": "no-store"})

    def notice(
        self, path: str, status: int, title: str, text: str, link: tuple[str, str] | None = None
    ) -> HTMLResponse:
        """A page that says one thing: a link that does not open, a form that expired."""
        return self.render("notice.html", path, status, title=title, text=text, link=link)
