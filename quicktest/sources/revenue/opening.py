"""Which reader a revenue file needs, told by its content (a Parquet or zip signature)
before its name.

Every file is reached through a link in the engine's own folder, so that a name with quotes,
brackets or wildcards in it is never read as SQL or as a glob. A stream (standard input as
`-`, /dev/stdin, a shell's `<(...)`) is copied into that folder first: the readers need a
file they can read twice and seek in.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError
from quicktest.sources.files import reading
from quicktest.sources.revenue.csvsource import CsvSource
from quicktest.sources.revenue.files import Source
from quicktest.sources.revenue.parquet import ParquetSource
from quicktest.sources.revenue.workbook import WorkbookSource

STDIN = "-"
STDIN_NAME = "<stdin>"


def open_source(path: Path, folder: Path, con: Any, sheet: str | None) -> Source:
    """The file as a Source, by its content (a Parquet or zip signature) before its name."""
    name = STDIN_NAME if str(path) == STDIN else str(path)
    data = _readable(path, folder)
    with reading(name, "a revenue file"), data.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"\xd0\xcf\x11\xe0":
        raise InputError(
            "an Excel 97-2003 workbook (.xls), which is not read: save it as .xlsx or CSV", name
        )
    suffix = {b"PAR1": ".parquet", b"PK\x03\x04": ".xlsx"}.get(magic, ".csv")
    link = folder / f"input{suffix}"
    os.symlink(data.resolve(), link)
    if suffix == ".parquet":
        return ParquetSource(name, data, link, con)
    if suffix == ".xlsx":
        return WorkbookSource(name, data, link, con, sheet)
    if sheet is not None:
        raise InputError("--sheet applies to an Excel workbook; this is a CSV file", name)
    return CsvSource(name, data, link, folder)


def _readable(path: Path, folder: Path) -> Path:
    """A regular file holding the input: the file itself, or a copy of what a stream holds."""
    if str(path) == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "- reads the revenue file from standard input: pipe one in "
                "(quicktest metrics - < billing.csv)",
                STDIN_NAME,
            )
        return _copy(sys.stdin.buffer, folder)
    with reading(path, "a revenue file"):
        if stat.S_ISREG(os.stat(path).st_mode):
            return path
        with path.open("rb") as stream:  # a pipe, a terminal, a device: read it once, whole
            return _copy(stream, folder)


def _copy(stream: Any, folder: Path) -> Path:
    copy = folder / "stream"
    with copy.open("wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return copy
