"""A WeasyPrint URL fetcher that serves only the project's own template assets (and a brand
folder's files, when a brand is used).

Everything else (network, file:// outside those folders, large data: URLs) is refused and
logged on the `weasyprint` logger, so a report can never embed anything from outside.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

LOGGER = logging.getLogger("weasyprint")
MAX_DATA_URL = 64 * 1024  # characters; an inline SVG or small image, no more


class AssetsOnlyFetcher(URLFetcher):
    def __init__(self, *roots: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URL:
                raise self._refuse(url, f"data: URL over {MAX_DATA_URL} characters")
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": _content_type(path)}
                )
        raise self._refuse(url, "outside the report's own assets")

    @staticmethod
    def _refuse(url: str, why: str) -> ValueError:
        LOGGER.warning("quicktest refused to fetch %s: %s", url[:200], why)
        return ValueError(f"refused: {why}")


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
    }.get(path.suffix, "application/octet-stream")
