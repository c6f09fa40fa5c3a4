"""A revenue workbook (.xlsx): the sheet Excel opens on (or the one --sheet names), its
cells read with python-calamine (a wheel, where DuckDB's own Excel reader needs a download
at run time) into a table for the engine. Hidden sheets are never read unless named; a cell
that holds no value (an error, a formula never calculated) is refused where it is read.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.sources.csvfile import check_unique
from quicktest.sources.revenue import xlsx
from quicktest.sources.revenue.files import Source


class WorkbookSource(Source):
    kind = "xlsx"

    def __init__(self, name: str, data: Path, link: Path, con: Any, sheet: str | None) -> None:
        super().__init__(name, data, link)
        book = xlsx.describe(data, name)
        chosen = xlsx.choose(book, sheet)
        if chosen is None:
            names = [s.name for s in book.sheets]
            if sheet is None:
                raise InputError(
                    "no visible worksheet: name the sheet to read with --sheet "
                    f"({', '.join(map(repr, names))})",
                    name,
                )
            raise InputError(
                f"no sheet named {sheet!r}; the workbook has {', '.join(map(repr, names))}",
                name,
                field="--sheet",
                hint=did_you_mean(sheet, names),
            )
        self.sheet = chosen.name
        self.faults = xlsx.scan(data, book, chosen, name)
        rows = _cells(link, chosen.name, name)
        first = next((i for i, row in enumerate(rows) if any(_filled(c) for c in row)), None)
        if first is None:
            raise InputError(f"sheet {chosen.name!r} is empty, expected a header row", name, 1)
        self.header_row = first + 1
        header = rows[first]
        width = max(i + 1 for i, cell in enumerate(header) if _filled(cell))
        self.header = [_text(cell) or "" for cell in header[:width]]
        check_unique(self.keys, self.name)
        texts: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[list[float | None]] = [[] for _ in range(width)]
        lines = []
        for index, row in enumerate(rows[first + 1 :], start=first + 2):
            if not any(_filled(c) for c in row):
                continue
            lines.append(index)
            for column in range(width):
                cell = row[column] if column < len(row) else ""
                is_number = isinstance(cell, (int, float)) and not isinstance(cell, bool)
                numbers[column].append(float(cell) if is_number else None)
                texts[column].append(_text(cell))
        columns = ", ".join(
            f"unnest(${2 * i + 2}) AS c{i}, unnest(${2 * i + 3}) AS n{i}" for i in range(width)
        )
        con.execute(
            f"CREATE TEMP TABLE sheet AS SELECT unnest($1) AS line, {columns}",
            [lines, *(x for pair in zip(texts, numbers, strict=True) for x in pair)],
        )
        self.relation = "sheet"

    def number(self, column: int) -> str:
        return f"n{column}"

    def check_cells(self, columns: list[int]) -> None:
        for fault in self.faults:
            if fault.row > self.header_row and fault.column in columns:
                if fault.error is None:
                    message = (
                        f"{fault.ref} holds a formula whose value was never calculated (the "
                        "workbook was written by a program, not saved by a spreadsheet): open "
                        "it in Excel or LibreOffice and save it, so that its values are "
                        "calculated"
                    )
                else:
                    message = (
                        f"{fault.ref} holds the error {fault.error} where a value belongs: "
                        "correct the formula (a lookup that found nothing, a reference to "
                        "deleted cells) and save the workbook again"
                    )
                raise InputError(
                    message, self.name, fault.row, fault.column + 1, self.keys[fault.column]
                )

    def unreadable(self) -> InputError:
        return InputError("not a readable Excel workbook: it may be damaged", self.name)


def _cells(link: Path, sheet: str, file: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(link))
        rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception:  # calamine's errors for a damaged or foreign file
        raise InputError("not a readable Excel workbook: it may be damaged", file) from None
    return rows


def _filled(cell: object) -> bool:
    return cell is not None and cell != ""


def _text(cell: object) -> str | None:
    """A workbook cell as text: dates in ISO form, empty cells as None."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, (datetime.date, datetime.datetime)):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # an id or a count typed as a number: 1001, not 1001.0
    return str(cell)
