"""A consultant's brand: a folder with `brand.yaml` (firm, a prepared-by line, contact,
colours, a footer, the currency of its clients' amounts) and a logo beside it, validated
like the bank: every error names its file, line and column.

The logo must be an SVG or PNG file inside the folder, under 1 MB, at most 4000 pixels a
side, and really what its name says; the report's renderer may then fetch that folder's
files and nothing else of it. (The renderer drops a picture far larger than a page without a
word, so its size in pixels is bounded like its size in bytes.)
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from quicktest.domain.brand import Brand
from quicktest.domain.errors import InputError, InputErrors, did_you_mean
from quicktest.sources.yamlfile import load_yaml

MAX_LOGO = 1024 * 1024
MAX_LOGO_SIDE = 4000  # pixels; a logo on an A4 cover needs a few hundred
# CSS pixels in each absolute unit an SVG's width and height may be given in
_PIXELS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54}
_PIXELS["in"] = 96.0
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-z%]*)\s*$")
Colour = Annotated[str, Field(pattern=r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
Line = Annotated[str, Field(min_length=1, max_length=200)]


class _BrandFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    firm: Line
    prepared_by: Line | None = None
    contact: Line | None = None
    accent: Colour | None = None
    text: Colour | None = None
    footer: Annotated[str, Field(min_length=1, max_length=400)] | None = None
    logo: str | None = None
    currency: Currency | None = None


def load_brand(folder: str | os.PathLike) -> Brand:
    """The brand in `folder`, or InputError(s) naming what is wrong and where."""
    root = Path(folder)
    path = root / "brand.yaml"
    if not root.is_dir():
        raise InputError("no such brand folder", str(root), field="--brand")
    if not path.exists():
        raise InputError("missing brand.yaml in the brand folder", str(path))
    located = load_yaml(path)
    try:
        data = _BrandFile.model_validate(located.data)
    except ValidationError as exc:
        keys = list(_BrandFile.model_fields)
        errors = []
        for error in exc.errors(include_url=False):
            where = tuple(error["loc"])
            if error["type"] == "extra_forbidden":
                message, hint = f"unknown key {where[-1]!r}", did_you_mean(str(where[-1]), keys)
            elif error["type"] == "string_pattern_mismatch" and where == ("currency",):
                message = f"expected a currency code such as EUR, got {error.get('input')!r}"
                hint = None
            elif error["type"] == "string_pattern_mismatch":
                message = f"expected a colour such as #1e3a5f, got {error.get('input')!r}"
                hint = None
            elif error["type"] == "missing":
                message, hint, where = f"missing key {where[-1]!r}", None, where[:-1]
            else:
                message, hint = f"{error['msg'][0].lower()}{error['msg'][1:]}", None
            errors.append(located.error(where, message, hint))
        raise InputErrors(errors) from None
    logo = _logo(root, data.logo, located) if data.logo else None
    return Brand(
        root.resolve(),
        data.firm,
        data.prepared_by,
        data.contact,
        data.accent,
        data.text,
        data.footer,
        logo,
        data.currency.upper() if data.currency else None,
    )


def _logo(root: Path, name: str, located) -> Path:
    """The logo file: inside the folder, SVG or PNG, small, and what its name says."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise located.error(
            ("logo",), f"{name!r} is outside the brand folder; put the logo beside brand.yaml"
        )
    if path.suffix.lower() not in (".svg", ".png"):
        raise located.error(("logo",), f"expected an .svg or .png logo, got {name!r}")
    if not path.is_file():
        raise located.error(("logo",), f"no file {name!r} in the brand folder")
    size = path.stat().st_size
    if size > MAX_LOGO:
        raise located.error(
            ("logo",), f"{name!r} is {size / 1024 / 1024:.1f} MB; a logo must be under 1 MB"
        )
    data = path.read_bytes()
    if path.suffix.lower() == ".png":
        if not data.startswith(b"\x89PNG\r\n\x1a\n") or data[12:16] != b"IHDR":
            raise located.error(("logo",), f"{name!r} is not a PNG image")
        pixels: tuple[float, float] = (
            int.from_bytes(data[16:20], "big"),
            int.from_bytes(data[20:24], "big"),
        )
    else:
        try:
            svg = ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise located.error(("logo",), f"{name!r} is not a readable SVG: {exc}") from None
        if svg.tag.rsplit("}", 1)[-1] != "svg":
            raise located.error(("logo",), f"{name!r} is not an SVG image")
        pixels = _svg_size(svg)
    if max(pixels) > MAX_LOGO_SIDE:
        width, height = (f"{side:.0f}" for side in pixels)
        raise located.error(
            ("logo",),
            f"{name!r} is {width}x{height} pixels; a logo may be at most {MAX_LOGO_SIDE} "
            f"pixels a side (scale it down)",
        )
    return path


def _svg_size(svg: ElementTree.Element) -> tuple[float, float]:
    """An SVG's size in pixels: its width and height, each taken from the viewBox where it
    is not given (a size in % or em follows the page and counts as 0)."""
    box = (svg.get("viewBox") or "").replace(",", " ").split()
    try:
        width, height = (abs(float(n)) for n in box[2:4]) if len(box) == 4 else (0.0, 0.0)
    except ValueError:
        width, height = 0.0, 0.0
    return _pixels(svg.get("width"), width), _pixels(svg.get("height"), height)


def _pixels(length: str | None, otherwise: float) -> float:
    if length is None or not length.strip():
        return otherwise
    match = _LENGTH.match(length)
    if match is None or match.group(2) not in _PIXELS:
        return 0.0
    return float(match.group(1)) * _PIXELS[match.group(2)]
