"""A revenue file as the engine sees it: columns that SQL can read (each as text, and as a
number where the file typed it), and a way to find the line of a row that SQL refused.
`opening` chooses the reader; csvsource, parquet and workbook are the three.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError, did_you_mean


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Source:
    """One revenue file as SQL sees it: `relation` yields a row per data row, columns c0..cN
    (text) and, where the file types numbers, n0..nN. `name` is the file as the user named
    it, `data` the bytes read (the file itself, or a copy of a stream)."""

    kind = ""

    def __init__(self, name: str, data: Path, link: Path) -> None:
        self.name = name
        self.data = data
        self.link = link
        self.header: list[str] = []  # as written, trimmed
        self.relation = ""
        self.sheet: str | None = None  # a workbook's sheet read

    @property
    def keys(self) -> list[str]:
        """Column names for matching: trimmed and lower-cased."""
        return [h.lower() for h in self.header]

    def text(self, column: int) -> str:
        return f"c{column}"

    def number(self, column: int) -> str:
        return "NULL"

    def column(self, name: str, why: str, flag: str | None = None) -> int:
        """The index of a column by its name, or an error with a near match."""
        key = name.strip().lower()
        if key in self.keys:
            return self.keys.index(key)
        where = f"{flag} names a column of the file" if flag else why
        raise InputError(
            f"missing column {name.strip()!r}; {where}",
            self.name,
            1,
            hint=did_you_mean(key, self.keys),
        )

    def check(self, con: Any) -> None:
        """Refuse what the reader itself refused (CSV rows of the wrong length)."""

    def check_cells(self, columns: list[int]) -> None:
        """Refuse a cell of these columns whose value the file does not hold (a workbook's
        error cells and formulas never calculated)."""

    def unreadable(self) -> InputError:
        """The error for a file the reader stopped on, in our words."""
        return InputError("cannot be read: the file may be damaged", self.name)

    @contextmanager
    def numbered(self, con: Any) -> Iterator[str]:
        """The relation with a `line` column: the file line, or (CSV) a row number that
        `lines` turns into one. Slower than `relation`: for finding a fault only."""
        yield self.relation

    def lines(self, numbers: list[int]) -> list[int]:
        return numbers
