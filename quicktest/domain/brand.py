"""A consultant's brand, as checked: their firm, lines for the cover, colours, a logo and the
currency its clients' amounts are written in."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # a brand is rare: pathlib stays off the start-up path of every command
    from pathlib import Path


class Brand(NamedTuple):
    folder: Path
    firm: str
    prepared_by: str | None
    contact: str | None
    accent: str | None  # #rrggbb, or None for the report's own
    text: str | None
    footer: str | None
    logo: Path | None
    currency: str | None = None  # ISO 4217 code, upper case: the report's amounts where no
    # revenue file or option names one
