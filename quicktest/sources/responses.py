"""Batch responses from a form tool: one CSV row per respondent, streamed, bad rows skipped.

Columns: a question id per question (holding the option id or its label text), optional
client, respondent and date, and optional metric columns named as in patterns.md.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.metrics import INPUTS
from quicktest.domain.response import Response
from quicktest.sources.answersfile import answers_from
from quicktest.sources.csvfile import bad_byte, check_unique, separator_of
from quicktest.sources.yamlfile import Located

DETAILS = ("client", "respondent", "date")


@dataclass(frozen=True)
class Row:
    line: int
    answers: Response | None  # None when the row is wrong
    error: InputError | None = None


def _option_ids(bank: Bank) -> dict[str, dict[str, str]]:
    """Per question, the option id for each id and each label (case-insensitive)."""
    return {
        q.id: {
            **{o.label.casefold(): o.id for o in q.options},
            **{o.id.casefold(): o.id for o in q.options},
        }
        for q in bank.questions
    }


class ResponsesFile:
    """A responses CSV whose header has been checked: its rows, read one by one in order
    (`lines`), each turned into a Response or the error that made it wrong (`row`). The two
    are apart so that rows can be read in one process and made into reads in others."""

    def __init__(self, path: Path, bank: Bank) -> None:
        self.path, self.bank = path, bank
        try:
            self.handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"cannot be read: {exc.strerror}", str(path)) from None
        separator = separator_of(path)
        self.reader = csv.reader(self.handle, delimiter=separator.delimiter)
        self.sep_line = separator.stated
        try:
            self.header = self._header()
        except BaseException:
            self.handle.close()
            raise
        self.options = _option_ids(bank)

    def _header(self) -> list[str]:
        path = self.path
        try:
            if self.sep_line:
                next(self.reader)  # Excel's `sep=X` line; line numbers still count it
            first = next(self.reader, None)
        except csv.Error as exc:
            raise InputError(
                f"not a readable CSV file: {exc}", str(path), self.reader.line_num
            ) from None
        except UnicodeDecodeError:
            raise bad_byte(path) from None
        line = self.reader.line_num + (first is None)
        header = [h.strip() for h in first or []]
        if not header:
            raise InputError("empty file, expected a header row", str(path), line)
        check_unique(header, str(path), line)
        known = [*self.bank.question_by_id, *DETAILS, *INPUTS]
        for column, name in enumerate(header, 1):
            if name not in known:
                raise InputError(
                    f"unknown column {name!r}",
                    str(path),
                    line,
                    column,
                    hint=did_you_mean(name, known)
                    or "expected question ids, client, respondent, date, metrics",
                )
        return header

    def lines(self) -> Iterator[tuple[int, list[str]]]:
        """Each row that is not blank, with its line number; the file closes at the end."""
        reader = self.reader
        with self.handle:
            try:
                for cells in reader:
                    if any(cell.strip() for cell in cells):
                        yield reader.line_num, cells
            except csv.Error as exc:
                raise InputError(f"not valid CSV: {exc}", str(self.path), reader.line_num) from None
            except UnicodeDecodeError:
                raise bad_byte(self.path) from None

    def row(self, line: int, cells: list[str]) -> Row:
        return _row(self.path, line, self.header, cells, self.bank, self.options)


def read_rows(path: Path, bank: Bank) -> Iterator[Row]:
    """Each data row as a Response, or with the error that made it wrong; the header is checked."""
    responses = ResponsesFile(path, bank)
    for line, cells in responses.lines():
        yield responses.row(line, cells)


def _row(
    path: Path,
    line: int,
    header: list[str],
    row: list[str],
    bank: Bank,
    options: dict[str, dict[str, str]],
) -> Row:
    if len(row) != len(header):
        return Row(
            line,
            None,
            InputError(f"expected {len(header)} columns, found {len(row)}", str(path), line),
        )
    data: dict = {"answers": {}, "metrics": {}}
    marks = {}
    for column, (name, cell) in enumerate(zip(header, row, strict=True), 1):
        cell = cell.strip()
        if not cell:
            continue
        if name in bank.question_by_id:
            # a label is turned into its option id; anything else is checked as an id
            data["answers"][name] = options[name].get(cell.casefold(), cell)
            marks[("answers", name)] = (line, column)
        elif name in INPUTS:
            data["metrics"][name] = cell  # read as a form field is: quarters by '; ' or ', '
            marks[("metrics", name)] = (line, column)
        else:
            data[name] = cell
            marks[(name,)] = (line, column)
    try:
        return Row(line, answers_from(Located(data, str(path), marks), bank))
    except InputError as exc:
        return Row(line, None, exc)
