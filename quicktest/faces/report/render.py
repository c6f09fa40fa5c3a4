"""Render a read to HTML (Jinja2, autoescaped) and to PDF (WeasyPrint, PDF/UA-1).

WeasyPrint is imported here only, so only commands that render pay for it. The Jinja
environment, the font configuration and the compiled stylesheet are built once per process
(`Renderer.shared()`), so rendering many reports costs little more than the layout itself.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import os
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache

from quicktest.app.reading import FullRead
from quicktest.app.report import Rendered
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand
from quicktest.domain.errors import SetupError
from quicktest.domain.portfolio import Portfolio
from quicktest.faces import bidi
from quicktest.faces.bidi import shown
from quicktest.faces.report.view import build

PAPERS = {"a4": "A4", "letter": "letter"}


PANGO_MISSING = (
    "the PDF report needs the Pango library, which is not installed ({}); on Debian or "
    "Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0, or run .ci/setup"
)


def _load_weasyprint() -> None:
    """Import WeasyPrint; a missing system library becomes a SetupError saying what to install.

    WeasyPrint prints a banner of its own before it raises; that is kept off the terminal.
    """
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401
    except OSError as exc:
        raise SetupError(PANGO_MISSING.format(exc)) from None


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept for the next process (a report's templates take longer to
    compile than its read to score); a cache folder that cannot be written means no cache.

    Jinja checks each template's source, not how the environment compiled it (its
    `finalize`, its whitespace settings): the files are named after this module and the
    finalize it sets, so a quicktest that sets up the environment otherwise compiles anew."""

    def __init__(self, directory: str) -> None:
        digest = hashlib.sha256()
        for module in (__file__, bidi.__file__):
            digest.update(Path(module).read_bytes())
        super().__init__(directory, f"__quicktest_{digest.hexdigest()[:16]}_%s.cache")

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


class Renderer:
    def __init__(self, folder: Path, cache: str | None = None) -> None:
        _load_weasyprint()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from quicktest.faces.report.fetcher import AssetsOnlyFetcher

        self.folder = folder
        self.jinja = Environment(
            loader=FileSystemLoader(folder),
            autoescape=select_autoescape(
                enabled_extensions=("html", "j2"), default_for_string=True
            ),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            bytecode_cache=_TemplateCache(cache) if cache else None,
            finalize=shown,
        )
        self.jinja.filters["upper_first"] = upper_first
        self.jinja.filters["lower_first"] = lower_first
        self.fetcher = AssetsOnlyFetcher(folder)
        self.fonts = FontConfiguration()
        self.css = CSS(
            filename=str(folder / "read.css"), url_fetcher=self.fetcher, font_config=self.fonts
        )

    @staticmethod
    @cache
    def shared(folder: Path, compiled: str | None = None) -> Renderer:
        return Renderer(folder, compiled)

    def html(
        self, bank: Bank, read: FullRead, paper: str = "a4", brand: Brand | None = None
    ) -> str:
        day = report_date(read)
        view = build(bank, read, PAPERS[paper], day.isoformat(), brand)
        return self.jinja.get_template("read.html.j2").render(
            view=view, created=f"{day.isoformat()}T00:00:00Z"
        )

    def portfolio_html(
        self, bank: Bank, found: Portfolio, day: datetime.date, paper: str, brand: Brand | None
    ) -> str:
        from quicktest.faces.report.portfolio import build as build_portfolio

        view = build_portfolio(bank, found, PAPERS[paper], day.isoformat(), brand)
        return self.jinja.get_template("portfolio.html.j2").render(
            view=view, created=f"{day.isoformat()}T00:00:00Z"
        )

    def pdf(self, html: str, day: datetime.date, brand: Brand | None = None) -> bytes:
        from weasyprint import HTML

        from quicktest.faces.report.fetcher import AssetsOnlyFetcher

        fetcher = AssetsOnlyFetcher(self.folder, brand.folder) if brand else self.fetcher
        document = HTML(string=html, base_url=self.folder.as_uri() + "/", url_fetcher=fetcher)
        with _fonts_dated(day):
            return document.write_pdf(
                stylesheets=[self.css],
                font_config=self.fonts,
                pdf_variant="pdf/ua-1",
                uncompressed_pdf=False,
            )


def upper_first(text: str) -> str:
    """A sentence's first letter in upper case, the rest as written (B2B stays B2B)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless it starts an
    abbreviation (NRR, ARR growth)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


_ENVIRONMENT = threading.Lock()


@contextlib.contextmanager
def _fonts_dated(day: datetime.date) -> Iterator[None]:
    """Without HarfBuzz's subsetter, WeasyPrint subsets fonts with fontTools, which stamps
    each font with the time of the render, so two runs differed. fontTools takes that time
    from SOURCE_DATE_EPOCH when it is set: for the render, it is the report's date."""
    with _ENVIRONMENT:
        given = os.environ.get("SOURCE_DATE_EPOCH")
        if given is None:
            midnight = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
            os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        try:
            yield
        finally:
            if given is None:
                del os.environ["SOURCE_DATE_EPOCH"]


def report_date(read: FullRead) -> datetime.date:
    """The report's date: the read's own, else SOURCE_DATE_EPOCH, else today.

    It is also the PDF's creation date, so the same input renders to the same bytes.
    """
    given = read.read.given
    if given.date:
        return datetime.date.fromisoformat(given.date)
    return _today()


def _today() -> datetime.date:
    """SOURCE_DATE_EPOCH's day when it is set (for reproducible files), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
    return datetime.date.today()


def render(
    bank: Bank,
    read: FullRead,
    templates: str,
    paper: str = "a4",
    brand: Brand | None = None,
    pdf: bool = True,
    cache: str | None = None,
) -> Rendered:
    """The read's report as HTML and (with `pdf`) PDF: a client's respondents get a page on
    where they disagree, and a brand puts a consultant's firm, logo and colours on it.
    `cache`: a folder for the compiled templates."""
    renderer = Renderer.shared(Path(templates), cache)
    html = renderer.html(bank, read, paper, brand)
    return Rendered(html, renderer.pdf(html, report_date(read), brand) if pdf else None)


def render_portfolio(
    bank: Bank,
    found: Portfolio,
    templates: str,
    paper: str = "a4",
    brand: Brand | None = None,
    cache: str | None = None,
) -> Rendered:
    """The portfolio as HTML and PDF, dated by its newest client read (else today)."""
    renderer = Renderer.shared(Path(templates), cache)
    dates = [row.now.combined.given.date for row in found.rows]
    day = datetime.date.fromisoformat(max(d for d in dates if d)) if any(dates) else _today()
    html = renderer.portfolio_html(bank, found, day, paper, brand)
    return Rendered(html, renderer.pdf(html, day, brand))
