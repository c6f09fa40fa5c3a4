"""What a workbook's XML says that python-calamine does not: which sheets are hidden and
which one is active, how far a sheet's cells reach, and which cells hold no value.

calamine gives an error cell (#N/A, #REF!) and a formula never calculated as an empty cell,
which would be read as no revenue. A cell `<c t="e">` is an error; a formula `<f>` without
a value `<v>` was never calculated; and a workbook whose `calcPr` says `fullCalcOnLoad` was
written by a program that asks the spreadsheet to calculate on opening (openpyxl, xlsxwriter:
the values they store are placeholders), so none of its formulas holds a value to trust.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

from quicktest.domain.errors import InputError

MAX_CELLS = 20_000_000  # a sheet's used range past this is stray cells, not revenue
MAX_PART = 1 << 30  # bytes of one sheet's XML
_KEPT = 64  # faults kept per column: enough to reach past any title rows to the data
_ERROR = re.compile(rb"<(?:\w+:)?c\b[^>]*\bt=[\"']e[\"']")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_NO_VALUE = re.compile(  # a formula followed by an empty value or none
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)"
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=[\"']([A-Z$]*\d*:)?\$?([A-Z]+)\$?(\d+)[\"']")
_REF = re.compile(r"([A-Z]+)(\d+)")


class Sheet(NamedTuple):
    name: str
    visible: bool
    worksheet: bool  # not a chart or dialog sheet
    part: str  # its XML's name in the zip


class Book(NamedTuple):
    sheets: list[Sheet]
    active: int  # the sheet Excel opens on (an index in sheets)
    calculate_on_load: bool


class Fault(NamedTuple):
    """A cell that holds no value: an error (its text, such as #N/A) or an uncalculated
    formula (error None)."""

    row: int  # 1-based, as Excel numbers rows
    column: int  # 0-based
    ref: str  # Sheet1!C7
    error: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element: Element, name: str) -> str | None:
    return next((v for k, v in element.attrib.items() if _local(k) == name), None)


def _part(book: zipfile.ZipFile, member: str, file: str) -> bytes:
    info = book.getinfo(member)
    if info.file_size > MAX_PART:
        raise InputError(
            f"the workbook's part {member} is over {MAX_PART >> 20} MiB: export the sheet as CSV",
            file,
        )
    data = book.read(member)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError("not a workbook as spreadsheets write them (it declares a DTD)", file)
    return data


def _relations(book: zipfile.ZipFile, part: str, file: str) -> dict[str, tuple[str, str]]:
    """A part's relations: id -> (type, the target's name in the zip)."""
    path = PurePosixPath(part)
    rels = path.parent / "_rels" / f"{path.name}.rels"
    if str(rels) not in book.namelist():
        return {}
    found = {}
    for element in fromstring(_part(book, str(rels), file)):
        target = element.get("Target", "")
        where = target.lstrip("/") if target.startswith("/") else str(path.parent / target)
        found[element.get("Id", "")] = (element.get("Type", ""), _normal(where))
    return found


def _normal(path: str) -> str:
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def describe(path: Path, file: str) -> Book:
    """The workbook's sheets, the active one, and whether it asks to be calculated on load."""
    try:
        with zipfile.ZipFile(path) as book:
            main = next(
                (
                    t
                    for kind, t in _relations(book, "", file).values()
                    if kind.endswith("/officeDocument")
                ),
                "xl/workbook.xml",
            )
            if main not in book.namelist():
                raise InputError(
                    "not an Excel workbook (.xlsx): save it as .xlsx or CSV from the program that "
                    "made it",
                    file,
                )
            root = fromstring(_part(book, main, file))
            targets = _relations(book, main, file)
    except (zipfile.BadZipFile, ParseError, KeyError, OSError):
        raise InputError("not a readable Excel workbook: it may be damaged", file) from None
    sheets, active, calculate = [], 0, False
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "sheet":
            kind, part = targets.get(_attribute(element, "id") or "", ("", ""))
            sheets.append(
                Sheet(
                    element.get("name", ""),
                    element.get("state", "visible") == "visible",
                    kind.endswith("/worksheet"),
                    part,
                )
            )
        elif tag == "workbookView" and element.get("activeTab", "0").isdigit():
            active = int(element.get("activeTab", "0"))
        elif tag == "calcPr":
            calculate = element.get("fullCalcOnLoad", "0") in ("1", "true")
    return Book(sheets, active, calculate)


def choose(book: Book, wanted: str | None) -> Sheet | None:
    """The sheet named, else the active sheet when it is a visible worksheet, else the first
    visible worksheet; None where the name or a visible worksheet is missing."""
    if wanted is not None:
        return next((s for s in book.sheets if s.name == wanted), None)
    if book.active < len(book.sheets):
        active = book.sheets[book.active]
        if active.visible and active.worksheet:
            return active
    return next((s for s in book.sheets if s.visible and s.worksheet), None)


def reference(sheet: str, column: int, row: int) -> str:
    """A cell as Excel writes it in a formula: Sheet1!C7, 'Q1 revenue'!C7."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    shown = (
        sheet
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet)
        else ("'" + sheet.replace("'", "''") + "'")
    )
    return f"{shown}!{letters}{row}"


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def scan(path: Path, book: Book, sheet: Sheet, file: str) -> list[Fault]:
    """The cells of a sheet that hold no value, the first few of each column (rows above
    the header may hold some); a sheet whose cells reach past MAX_CELLS is refused before
    anything reads it whole."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = _part(archive, sheet.part, file)
    except (zipfile.BadZipFile, KeyError, OSError):
        raise InputError("not a readable Excel workbook: it may be damaged", file) from None
    extent = _DIMENSION.search(data[:4096])
    if extent:
        columns, rows = _column(extent[2].decode()) + 1, int(extent[3])
        if columns * rows > MAX_CELLS:
            raise InputError(
                f"the sheet {sheet.name!r} reaches cell {extent[2].decode()}{rows} "
                f"({columns * rows:,} cells): clear what lies past the data (Ctrl+End shows "
                "the last cell kept) or export the sheet as CSV",
                file,
            )
    suspect = _FORMULA if book.calculate_on_load else _NO_VALUE
    if not (_ERROR.search(data) or suspect.search(data)):
        return []
    return _faults(data, sheet.name, book.calculate_on_load, file)


def _faults(data: bytes, sheet: str, calculate_on_load: bool, file: str) -> list[Fault]:
    found: dict[int, list[Fault]] = {}
    row, column = 0, -1
    try:
        for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
            tag = _local(element.tag)
            if event == "start" and tag == "row":
                given = element.get("r", "")
                row, column = (int(given) if given.isdigit() else row + 1), -1
            elif event == "end" and tag == "c":
                ref = _REF.fullmatch(element.get("r", ""))
                column = _column(ref[1]) if ref else column + 1
                children = {_local(child.tag): child for child in element}
                value = children["v"].text if "v" in children else None
                if element.get("t") == "e":
                    error: str | None = (value or "#VALUE!").strip()
                elif "f" in children and (
                    calculate_on_load or (not value and element.get("t") != "str")
                ):
                    error = None
                else:
                    element.clear()
                    continue
                kept = found.setdefault(column, [])
                if len(kept) < _KEPT:
                    kept.append(Fault(row, column, reference(sheet, column, row), error))
                element.clear()
    except ParseError:
        raise InputError("not a readable Excel workbook: a sheet is damaged", file) from None
    return sorted(fault for kept in found.values() for fault in kept)
