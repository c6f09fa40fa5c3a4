"""A revenue CSV for DuckDB's reader: its separator (from Excel's `sep=;` line, or the
header), its header read by Python, the rows DuckDB refused named by their line.

Two things DuckDB's reader cannot take are straightened in a copy first: a `sep=` line (Excel
writes it above the header to name the separator) and line ends of two kinds in the block it
detects them from (a header written with CRLF above rows written with LF; a change further
on it reads). Both are seen in the first block of the file; line numbers still count the
file's own lines.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from quicktest.domain.errors import InputError
from quicktest.sources.csvfile import bad_byte, check_unique, separator_of
from quicktest.sources.revenue.files import Source, literal

_BLOCK = 64 * 1024


class _Layout(NamedTuple):
    """What the first block of a CSV says about reading it."""

    delimiter: str
    sep_line: bool  # an Excel `sep=X` line stands above the header
    mixed_ends: bool  # lines end with CRLF and with LF


def _layout(path: Path) -> _Layout:
    with path.open("rb") as handle:
        block = handle.read(_BLOCK)
    ends = block.split(b"\n")[:-1]  # complete lines only
    crlf = sum(1 for line in ends if line.endswith(b"\r"))
    return _Layout(*separator_of(path), 0 < crlf < len(ends))


def _straightened(path: Path, folder: Path, drop_first: bool) -> Path:
    """A copy with every line ending in LF, without its first line if asked."""
    copy = folder / "straightened.csv"
    with path.open("rb") as source, copy.open("wb") as out:
        if drop_first:
            source.readline()
        carry = b""
        while chunk := source.read(1 << 22):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            out.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n"))
        out.write(carry)
    return copy


class CsvSource(Source):
    kind = "csv"

    def __init__(self, name: str, data: Path, link: Path, folder: Path) -> None:
        layout = _layout(data)
        self.delimiter = layout.delimiter
        self.offset = 1 if layout.sep_line else 0  # file lines before the header
        if layout.sep_line or layout.mixed_ends:
            data = _straightened(data, folder, layout.sep_line)
            link = data
        super().__init__(name, data, link)
        try:
            with data.open(newline="", encoding="utf-8-sig") as handle:
                header = next(csv.reader(handle, delimiter=self.delimiter), None)
        except csv.Error:
            raise InputError(
                "not a readable CSV file: its header line is not CSV", name, 1 + self.offset
            ) from None
        except UnicodeDecodeError:
            raise self._bad_byte() from None
        if not header or not any(h.strip() for h in header):
            raise InputError("empty file, expected a header row", name, 1 + self.offset)
        self.header = [h.strip() for h in header]
        check_unique(self.keys, name, 1 + self.offset)
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
        self.relation = (
            f"read_csv({literal(str(link))}, header = true, delim = {literal(self.delimiter)}, "
            "quote = '\"', escape = '\"', all_varchar = true, auto_detect = false, "
            f"store_rejects = true, columns = {{{columns}}})"
        )

    def _bad_byte(self) -> InputError:
        found = bad_byte(self.data)
        return InputError(found.message, self.name, (found.line or 1) + self.offset)

    def check(self, con: Any) -> None:
        rows = con.execute(
            "SELECT line, csv_line, error_type FROM reject_errors ORDER BY line"
        ).fetchall()
        for line, text, kind in rows:
            if not text.strip(self.delimiter + " \t\r\n"):
                continue  # a blank line, as spreadsheets leave them
            if kind == "INVALID UNICODE":
                raise self._bad_byte()
            where = line + self.offset
            if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
                found = len(next(csv.reader([text.strip("\r\n")], delimiter=self.delimiter)))
                raise InputError(
                    f"expected {len(self.header)} columns, found {found}", self.name, where
                )
            problem = {
                "UNQUOTED VALUE": "a quote is not closed, or text follows a closing quote",
                "LINE SIZE OVER MAXIMUM": "a line longer than any revenue row (an open quote?)",
            }.get(kind, "a line that is not CSV")
            raise InputError(f"not valid CSV: {problem}", self.name, where)

    def unreadable(self) -> InputError:
        return InputError(
            "not readable as CSV: check its quotes and line ends, or save it again as CSV",
            self.name,
        )

    def sample(self, column: int, pieces: int = 64, size: int = 4096) -> set[str]:
        """The values of one column in evenly spaced pieces of the file: a guess at the
        file's periods, which the pass over the whole file then checks."""
        found: set[str] = set()
        total = self.data.stat().st_size
        with self.data.open("rb") as handle:
            for piece in range(pieces):
                offset = total * piece // pieces
                handle.seek(offset)
                lines = handle.read(size).split(b"\n")[1 if offset else 0 : -1]
                text = (line.rstrip(b"\r").decode("utf-8", "replace") for line in lines)
                for row in csv.reader(text, delimiter=self.delimiter):
                    if len(row) == len(self.header):
                        found.add(row[column])
        return found

    @contextmanager
    def numbered(self, con: Any) -> Iterator[str]:
        """DuckDB numbers rows in file order when it reads on one thread; the connection's
        own settings come back after, for the passes that may follow (blank rows found)."""
        threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
        con.execute("SET threads = 1; SET preserve_insertion_order = true")
        try:
            yield f"(SELECT row_number() OVER () AS line, * FROM {self.relation})"
        finally:
            con.execute(f"SET threads = {int(threads)}; SET preserve_insertion_order = false")

    def lines(self, numbers: list[int]) -> list[int]:
        """Row numbers as file lines, by a walk with Python's reader: quoted fields may span
        lines, and blank lines hold no row."""
        wanted, found, seen = set(numbers), {}, 0
        with self.data.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            for row in reader:
                if len(row) == len(self.header):
                    seen += 1
                    if seen in wanted:
                        found[seen] = reader.line_num + self.offset
                        if len(found) == len(wanted):
                            break
        return [found.get(n, 0) for n in numbers]
