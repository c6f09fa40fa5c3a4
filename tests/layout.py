"""The page-layout check: a rendered report read back page by page with pdfplumber, and every
fault a reader would see on it named by report and page.

- a page other than the report's last that is under a quarter filled (from the top margin
  to its lowest word or drawing);
- a heading last on its page: a section or block heading (h2, h3), or a line of small
  capitals (an eyebrow, a table's head) with nothing after it;
- a word past the left or right margin.

The margins and type sizes are those of reports/templates/read.css.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

MM = 72 / 25.4
TOP, SIDE, BOTTOM = 22 * MM, 18 * MM, 20 * MM  # read.css: @page { margin: 22mm 18mm 20mm }
LEAST_FILLED = 0.25
HEADING_SIZES = (17.0, 10.5)  # h2 and h3, bold
SMALL_CAPS = 7.5  # eyebrows and table heads, semi-bold capitals
SLACK = 1.0  # points


def _is_heading(chars: list[dict]) -> bool:
    """Whether a line of text is all heading: h2 or h3 type, or bold small capitals."""
    text = "".join(c["text"] for c in chars).strip()
    if not text:
        return False
    bold = all("Bold" in c["fontname"] for c in chars if c["text"].strip())
    sizes = {round(c["size"], 1) for c in chars if c["text"].strip()}
    if bold and sizes <= set(HEADING_SIZES):
        return True
    return bold and sizes == {SMALL_CAPS} and text == text.upper() and any(map(str.isalpha, text))


def _lines(chars: list[dict]) -> list[list[dict]]:
    """The page's characters as lines, top to bottom (characters whose baselines meet)."""
    lines: list[list[dict]] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        if lines and abs(lines[-1][-1]["bottom"] - char["bottom"]) < 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return lines


def _text(line: list[dict]) -> str:
    """A line's characters as words: a space where a gap between two is wider than a hair."""
    out = ""
    for before, char in zip([None, *line], line, strict=False):
        if before is not None and char["x0"] - before["x1"] > 1:
            out += " "
        out += char["text"]
    return " ".join(out.split())


def layout_faults(pdf: Path, name: str) -> list[str]:
    """Every layout fault of a report, each as "NAME page N: what is wrong"."""
    faults = []
    with pdfplumber.open(pdf) as document:
        count = len(document.pages)
        for number, page in enumerate(document.pages, 1):
            where = f"{name} page {number} of {count}"
            height, width = page.height, page.width
            inside = [
                o
                for o in (*page.chars, *page.rects, *page.lines, *page.curves)
                if o["top"] >= TOP - SLACK and o["bottom"] <= height - BOTTOM + SLACK
            ]
            lines = _lines([c for c in page.chars if c in inside and c["text"].strip()])
            last = _text(lines[-1]) if lines else ""
            lowest = max((o["bottom"] for o in inside), default=TOP)
            filled = (lowest - TOP) / (height - TOP - BOTTOM)
            if number < count and filled < LEAST_FILLED:
                faults.append(f"{where}: only {filled:.0%} filled, ending with {last!r}")
            if lines and _is_heading(lines[-1]):
                faults.append(f"{where}: a heading last on the page: {last!r}")
            past = [
                w["text"]
                for w in page.extract_words()
                if w["x0"] < SIDE - SLACK or w["x1"] > width - SIDE + SLACK
            ]
            if past:
                faults.append(f"{where}: text past the margins: {' '.join(past[:8])!r}")
    return faults
