"""A consultant's brand as the report and the portfolio show it: firm, lines for the cover,
the logo the fetcher may read, and colours only from checked #hex values."""

from __future__ import annotations

from typing import NamedTuple

from quicktest.domain.brand import Brand


class BrandView(NamedTuple):
    firm: str
    prepared_by: str | None
    contact: str | None
    logo: str | None  # the logo's file URI, which the fetcher allows
    colours: str  # CSS custom properties from validated #hex colours only


def brand_view(brand: Brand) -> BrandView:
    colours = {"--accent": brand.accent, "--ink": brand.text}
    return BrandView(
        brand.firm,
        brand.prepared_by,
        brand.contact,
        brand.logo.as_uri() if brand.logo else None,
        " ".join(f"{name}: {value};" for name, value in colours.items() if value),
    )
