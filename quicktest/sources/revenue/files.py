"""A revenue file opened for the engine: CSV, Parquet or an Excel workbook, seen as columns
that SQL can read (each as text, and as a number where the file typed it), and a way to find
the line of a row that SQL refused.

DuckDB reads CSV and Parquet itself; a workbook is read with python-calamine (a wheel,
where DuckDB's own Excel reader needs a download at run time) into a table of its cells.
Every file is reached through a link in the engine's own folder, so that a name with quotes,
brackets or wildcards in it is never read as SQL or as a glob.
"""

from __future__ import annotations

import csv
import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError, did_you_mean
from quicktest.sources.csvfile import bad_byte, check_unique, delimiter_of
from quicktest.sources.files import reading

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
NUMERIC += tuple("U" + t for t in NUMERIC[:5])


def quote(name: str) -> str:
    """An SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class Source:
    """One revenue file as SQL sees it: `relation` yields a row per data row, columns c0..cN
    (text) and, where the file types numbers, n0..nN."""

    kind = ""

    def __init__(self, path: Path, link: Path) -> None:
        self.path = path
        self.name = str(path)
        self.link = link
        self.header: list[str] = []  # as written, trimmed
        self.relation = ""

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

    @contextmanager
    def numbered(self, con: Any) -> Iterator[str]:
        """The relation with a `line` column: the file line, or (CSV) a row number that
        `lines` turns into one. Slower than `relation`: for finding a fault only."""
        yield self.relation

    def lines(self, numbers: list[int]) -> list[int]:
        return numbers


class CsvSource(Source):
    kind = "csv"

    def __init__(self, path: Path, link: Path) -> None:
        super().__init__(path, link)
        self.delimiter = delimiter_of(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                header = next(csv.reader(handle, delimiter=self.delimiter), None)
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file: {exc}", self.name, 1) from None
        except UnicodeDecodeError:
            raise bad_byte(path) from None
        if not header or not any(h.strip() for h in header):
            raise InputError("empty file, expected a header row", self.name, 1)
        self.header = [h.strip() for h in header]
        check_unique(self.keys, self.name)
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
        self.relation = (
            f"read_csv({literal(str(link))}, header = true, delim = {literal(self.delimiter)}, "
            "quote = '\"', escape = '\"', all_varchar = true, auto_detect = false, "
            f"store_rejects = true, columns = {{{columns}}})"
        )

    def check(self, con: Any) -> None:
        rows = con.execute(
            "SELECT line, csv_line, error_type FROM reject_errors ORDER BY line"
        ).fetchall()
        for line, text, kind in rows:
            if not text.strip(self.delimiter + " \t\r\n"):
                continue  # a blank line, as spreadsheets leave them
            if kind == "INVALID UNICODE":
                raise bad_byte(self.path)
            if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
                found = len(next(csv.reader([text.strip("\r\n")], delimiter=self.delimiter)))
                raise InputError(
                    f"expected {len(self.header)} columns, found {found}", self.name, line
                )
            problem = {
                "UNQUOTED VALUE": "a quote is not closed, or text follows a closing quote",
                "LINE SIZE OVER MAXIMUM": "a line longer than any revenue row (an open quote?)",
            }.get(kind, kind.lower())
            raise InputError(f"not valid CSV: {problem}", self.name, line)

    def sample(self, column: int, pieces: int = 64, size: int = 4096) -> set[str]:
        """The values of one column in evenly spaced pieces of the file: a guess at the
        file's periods, which the pass over the whole file then checks."""
        found: set[str] = set()
        total = self.path.stat().st_size
        with self.path.open("rb") as handle:
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
        with self.path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            next(reader, None)
            for row in reader:
                if len(row) == len(self.header):
                    seen += 1
                    if seen in wanted:
                        found[seen] = reader.line_num
                        if len(found) == len(wanted):
                            break
        return [found.get(n, 0) for n in numbers]


class ParquetSource(Source):
    kind = "parquet"

    def __init__(self, path: Path, link: Path, con: Any) -> None:
        super().__init__(path, link)
        scan = f"read_parquet({literal(str(link))}, file_row_number = true)"
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        except Exception as exc:  # duckdb's errors, imported only with duckdb
            raise InputError(
                f"not a readable Parquet file: {_first_line(exc)}", self.name
            ) from None
        described = [(name, kind) for name, kind, *_ in described if name != "file_row_number"]
        self.header = [name.strip() for name, _ in described]
        check_unique(self.keys, self.name)
        self.numeric = {i for i, (_, kind) in enumerate(described) if kind.startswith(NUMERIC)}
        columns = ", ".join(
            f"CAST({quote(name)} AS VARCHAR) AS c{i}, "
            f"{f'CAST({quote(name)} AS DOUBLE)' if i in self.numeric else 'NULL'} AS n{i}"
            for i, (name, _) in enumerate(described)
        )
        self.relation = f"(SELECT {columns}, file_row_number + 1 AS line FROM {scan})"

    def number(self, column: int) -> str:
        return f"n{column}"


class WorkbookSource(Source):
    kind = "xlsx"

    def __init__(self, path: Path, link: Path, con: Any, sheet: str | None) -> None:
        super().__init__(path, link)
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_path(str(link))
        except Exception as exc:  # calamine's errors for a damaged or foreign file
            raise InputError(
                f"not a readable Excel workbook: {_first_line(exc)}", self.name
            ) from None
        names = book.sheet_names
        if sheet is None:
            sheet = names[0]
        elif sheet not in names:
            raise InputError(
                f"no sheet named {sheet!r}; the workbook has {', '.join(map(repr, names))}",
                self.name,
                field="--sheet",
                hint=did_you_mean(sheet, names),
            )
        self.sheet = sheet
        rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        first = next((i for i, row in enumerate(rows) if any(_filled(c) for c in row)), None)
        if first is None:
            raise InputError(f"sheet {sheet!r} is empty, expected a header row", self.name, 1)
        header = rows[first]
        width = max(i + 1 for i, cell in enumerate(header) if _filled(cell))
        self.header = [_text(cell) or "" for cell in header[:width]]
        check_unique(self.keys, self.name)
        body = rows[first + 1 :]
        texts: list[list[str | None]] = [[] for _ in range(width)]
        numbers: list[list[float | None]] = [[] for _ in range(width)]
        lines = []
        for index, row in enumerate(body, start=first + 2):
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


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def open_source(path: Path, folder: Path, con: Any, sheet: str | None) -> Source:
    """The file as a Source, by its content (a Parquet or zip signature) before its name."""
    with reading(path, "a revenue file"), path.open("rb") as handle:
        magic = handle.read(4)
    suffix = {b"PAR1": ".parquet", b"PK\x03\x04": ".xlsx"}.get(magic, ".csv")
    link = folder / f"input{suffix}"
    os.symlink(path.resolve(), link)
    if suffix == ".parquet":
        return ParquetSource(path, link, con)
    if suffix == ".xlsx":
        return WorkbookSource(path, link, con, sheet)
    if sheet is not None:
        raise InputError("--sheet applies to an Excel workbook; this is a CSV file", str(path))
    return CsvSource(path, link)
