"""The report face as the other faces are handed it: WeasyPrint loads on the first PDF."""

from __future__ import annotations

from typing import Any

from quicktest.app.report import Rendered


def lazy_render(*args: Any, **kwargs: Any) -> Rendered:
    """`faces.report.render.render`, imported when first called."""
    from quicktest.faces.report.render import render

    return render(*args, **kwargs)
