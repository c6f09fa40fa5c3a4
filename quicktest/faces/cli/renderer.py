"""The report face as the other faces are handed it: WeasyPrint loads on the first PDF."""

from __future__ import annotations

from quicktest.app.reading import FullRead
from quicktest.app.report import Rendered
from quicktest.domain.bank import Bank
from quicktest.domain.brand import Brand


def lazy_render(
    bank: Bank,
    read: FullRead,
    templates: str,
    paper: str = "a4",
    brand: Brand | None = None,
    pdf: bool = True,
) -> Rendered:
    from quicktest.faces.report.render import render

    return render(bank, read, templates, paper, brand, pdf)
