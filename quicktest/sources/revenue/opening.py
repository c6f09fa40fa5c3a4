"""Which reader a revenue file needs, told by its content (a Parquet or zip signature)
before its name.

Every file is reached through a link in the engine's own folder, so that a name with quotes,
brackets or wildcards in it is never read as SQL or as a glob. A stream (standard input as
`-`, /dev/stdin, a shell's `<(...)`, a device) is copied into that folder first: the readers
need a file they can read twice and seek in. Its first block is looked at before anything is
copied, so that /dev/zero or /dev/urandom is refused at once as no text, and the copy stops at
MAX_STREAM, so that an endless stream (`yes | quicktest metrics -`) cannot fill the disk.
"""

from __future__ import annotations

import codecs
import itertools
import os
import select
import stat
import sys
from collections.abc import Iterator
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
MAX_STREAM = 2 << 30  # bytes copied from a stream at most: 2 GiB, some 60 million long rows
_BLOCK = 64 * 1024  # the start of a file, looked at before it is read
_BINARY = (b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # Parquet, xlsx (a zip), xls


def open_source(name: str, data: Path, folder: Path, con: Any, sheet: str | None) -> Source:
    """The file as a Source, by its content (a Parquet or zip signature) before its name."""
    with reading(name, "a revenue file"), data.open("rb") as handle:
        first = handle.read(_BLOCK)
    _check_text(first, name)
    magic = first[:4]
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


def readable(path: Path, folder: Path) -> tuple[str, Path]:
    """The file's name as the user knows it, and a regular file holding the input: the file
    itself, or a copy of what a stream holds. Called before DuckDB starts its threads: a
    signal may go to any thread of the process, and only the one it reaches is woken from a
    read that waits on a quiet pipe."""
    name = STDIN_NAME if str(path) == STDIN else str(path)
    return name, _regular(path, folder, name)


def _regular(path: Path, folder: Path, name: str) -> Path:
    if str(path) == STDIN:
        if sys.stdin is None or sys.stdin.isatty():
            raise InputError(
                "- reads the revenue file from standard input: pipe one in "
                "(quicktest metrics - < billing.csv)",
                STDIN_NAME,
            )
        return _copy(sys.stdin.buffer, folder, name)
    with reading(path, "a revenue file"):
        if stat.S_ISREG(os.stat(path).st_mode):
            return path
        with path.open("rb") as stream:  # a pipe, a terminal, a device: read it once
            return _copy(stream, folder, name)


def _copy(stream: Any, folder: Path, name: str) -> Path:
    """The stream in a file of the folder, its first block looked at before any is copied,
    and no more than MAX_STREAM bytes of it. Ctrl+C or SIGTERM stops it (`_blocks`), and the
    folder goes with the copy (the engine's `_folder`)."""
    blocks = _blocks(stream.fileno())
    first = next(blocks, b"")
    _check_text(first, name)
    copy = folder / "stream"
    size = 0
    try:
        with copy.open("wb") as out:
            for block in itertools.chain([first], blocks):
                size += len(block)
                if size > MAX_STREAM:
                    raise InputError(
                        f"more than {_size(MAX_STREAM)} through a pipe, the most copied from "
                        "one: save it to a file and name the file (quicktest metrics "
                        "billing.csv)",
                        name,
                    )
                out.write(block)
    except OSError as exc:  # the copy's disk: full, or a quota used up
        raise InputError(
            f"cannot copy it to read it ({exc.strerror}): save it to a file and name the file",
            name,
        ) from None
    return copy


def _blocks(fd: int) -> Iterator[bytes]:
    """What a stream holds, as it comes (a pipe left open is not waited on to fill a block).
    A signal that lands just before a read begins is acted on only when the read returns,
    and a pipe may stay quiet for ever: so on POSIX each read waits in select for a second at
    most, and the loop's next turn runs the handler (Ctrl+C's, SIGTERM's) that was left."""
    while True:
        if os.name == "posix" and not select.select([fd], [], [], 1.0)[0]:
            continue
        block = os.read(fd, 1 << 20)
        if not block:
            return
        yield block


def _check_text(first: bytes, name: str) -> None:
    """Refuse a first block that no CSV starts with: bytes that are not UTF-8 (/dev/urandom,
    a gzipped file) or a NUL byte (a binary file, /dev/zero), whichever comes first, named by
    byte and line. Parquet and workbooks, binary by nature, are told by their signature."""
    if first.startswith(_BINARY):
        return
    bad = len(first)
    try:  # a character cut at the block's end is no fault: what follows may complete it
        codecs.getincrementaldecoder("utf-8")().decode(first)
    except UnicodeDecodeError as exc:
        bad = exc.start
    nul = first.find(b"\0", 0, bad)
    if nul >= 0:
        raise InputError(
            f"not text: byte {nul} of the file is a NUL byte, as binary files hold; expected "
            "a CSV, Parquet or Excel (.xlsx) file",
            name,
            first.count(b"\n", 0, nul) + 1,
        )
    if bad < len(first):
        raise InputError(
            f"not UTF-8 text (byte {bad} of the file); save it as UTF-8 (CSV UTF-8 in a "
            "spreadsheet)",
            name,
            first.count(b"\n", 0, bad) + 1,
        )


def _size(count: int) -> str:
    return f"{count / (1 << 30):g} GiB" if count >= 1 << 30 else f"{count:,} bytes"
