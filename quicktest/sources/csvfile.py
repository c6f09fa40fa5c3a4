"""What every CSV reader here shares: the file's separator, where a bad byte stands, and
column names given once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from quicktest.domain.errors import InputError

_DELIMITERS = (",", ";", "\t")
_BOM = b"\xef\xbb\xbf"
_SEP_LINE = re.compile(rb"sep=([^\r\n\"])\r?\n")


class Separator(NamedTuple):
    """How a CSV file separates its cells."""

    delimiter: str
    stated: bool  # an Excel `sep=X` line stands above the header and says so


def separator_of(path: Path) -> Separator:
    """The file's separator: the one an Excel `sep=X` first line states, or else the one its
    header line uses most of comma, semicolon (as spreadsheets in decimal-comma countries
    write) and tab."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(64 * 1024).removeprefix(_BOM)
    except OSError:
        return Separator(",", False)
    if stated := _SEP_LINE.fullmatch(first):
        return Separator(stated[1].decode("latin-1"), True)
    counts = {d: first.count(d.encode()) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return Separator(best if counts[best] else ",", False)


def bad_byte(path: Path) -> InputError:
    """The error for a file that is not UTF-8, placed on the line where the first bad byte
    stands (a decoder working ahead in blocks cannot say which line it was on)."""
    data = path.read_bytes()
    line, start = 1, 0
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, start) + 1
    return InputError(
        f"not UTF-8 text (byte {start} of the file); save it as UTF-8 (CSV UTF-8 in a spreadsheet)",
        str(path),
        line,
    )


def check_unique(header: list[str], file: str, line: int = 1) -> None:
    """Refuse a column name given twice (after trimming; `header`, on `line`, compared as
    given)."""
    for index, name in enumerate(header):
        if name and name in header[:index]:
            raise InputError(
                f"column {name!r} is given twice (first as column {header.index(name) + 1}); "
                "each column name must be unique",
                file,
                line,
                index + 1,
            )
