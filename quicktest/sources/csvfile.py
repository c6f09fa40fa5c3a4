"""What every CSV reader here shares: the file's separator, where a bad byte stands, and
column names given once."""

from __future__ import annotations

from pathlib import Path

from quicktest.domain.errors import InputError

_DELIMITERS = (",", ";", "\t")


def delimiter_of(path: Path) -> str:
    """The file's separator, from its header line: comma, semicolon (as spreadsheets in
    decimal-comma countries write) or tab, whichever the header uses most."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(64 * 1024)
    except OSError:
        return ","
    counts = {d: first.count(d.encode()) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


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


def check_unique(header: list[str], file: str) -> None:
    """Refuse a column name given twice (after trimming; `header` compared as given)."""
    for index, name in enumerate(header):
        if name and name in header[:index]:
            raise InputError(
                f"column {name!r} is given twice (first as column {header.index(name) + 1}); "
                "each column name must be unique",
                file,
                1,
                index + 1,
            )
