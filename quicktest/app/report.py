"""The shareable report: its outputs checked before any work, the full read rendered by the
report face (handed in: the use cases never import a face), and each file written whole."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from quicktest.app.reading import FullRead
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand

PAPERS = ("a4", "letter")


class Rendered(NamedTuple):
    html: str
    pdf: bytes | None  # None when only the HTML was asked for


class Renderer(Protocol):
    """The report face: a full read as HTML and PDF, from the templates in `templates`."""

    def __call__(
        self,
        bank: Bank,
        read: FullRead,
        templates: str,
        paper: str = "a4",
        brand: Brand | None = None,
        pdf: bool = True,
        cache: str | None = None,
    ) -> Rendered: ...


def slug(text: str, limit: int = 80) -> str:
    """A name for a file, from any text: letters and digits of any script, hyphens between."""
    kept = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in kept.split("-") if part)[:limit].strip("-")


def templates_folder() -> str:
    """The report's Jinja2 templates and print CSS (shipped beside the package)."""
    from quicktest.sources.locations import templates_dir

    return templates_dir()


def templates_cache() -> str | None:
    """Where the templates, once compiled, are kept for the next process (None: nowhere)."""
    from quicktest.sources.locations import cache_dir

    return cache_dir("templates")


def check_outputs(
    workspace: Workspace, output: str | None, html: str | None, *inputs: str | None
) -> None:
    """Refuse outputs that cannot be written or that name an input, the bank or the store."""
    if output is not None:
        workspace.check_output(output, "--output", *inputs)
    if html is not None:
        workspace.check_output(html, "--html", *inputs, output)


def write_report(
    bank: Bank,
    read: FullRead,
    render: Renderer,
    output: str | None,
    html: str | None = None,
    paper: str = "a4",
    brand: Brand | None = None,
) -> None:
    """Render the read and write its PDF (and HTML): each file appears whole or not at all,
    and only once the render has succeeded."""
    from quicktest.sources.files import write_whole

    rendered = render(
        bank,
        read,
        templates_folder(),
        paper,
        brand,
        pdf=output is not None,
        cache=templates_cache(),
    )
    if html is not None:
        write_whole(html, rendered.html)
    if output is not None and rendered.pdf is not None:
        write_whole(output, rendered.pdf)
