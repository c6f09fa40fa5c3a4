"""A revenue Parquet file, read by DuckDB: each column as text, and as a number where the
file types numbers. A time with a zone (`TIMESTAMP WITH TIME ZONE`) is written as the
instant in UTC, never in the zone of the machine that reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quicktest.domain.errors import InputError
from quicktest.sources.csvfile import check_unique
from quicktest.sources.revenue.files import Source, literal, quote

NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
NUMERIC += tuple("U" + t for t in NUMERIC[:5])
ZONED = "TIMESTAMP WITH TIME ZONE"


class ParquetSource(Source):
    kind = "parquet"

    def __init__(self, name: str, data: Path, link: Path, con: Any) -> None:
        super().__init__(name, data, link)
        scan = f"read_parquet({literal(str(link))}, file_row_number = true)"
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        except Exception:  # duckdb's errors, imported only with duckdb
            raise InputError(
                "not a readable Parquet file: it may be damaged or cut short", name
            ) from None
        described = [(name, kind) for name, kind, *_ in described if name != "file_row_number"]
        self.header = [name.strip() for name, _ in described]
        check_unique(self.keys, self.name)
        self.numeric = {i for i, (_, kind) in enumerate(described) if kind.startswith(NUMERIC)}

        def text(column: str, kind: str) -> str:
            if kind.startswith(ZONED):
                return f"CAST(timezone('UTC', {column}) AS VARCHAR)"
            return f"CAST({column} AS VARCHAR)"

        columns = ", ".join(
            f"{text(quote(name), kind)} AS c{i}, "
            f"{f'CAST({quote(name)} AS DOUBLE)' if i in self.numeric else 'NULL'} AS n{i}"
            for i, (name, kind) in enumerate(described)
        )
        self.relation = f"(SELECT {columns}, file_row_number + 1 AS line FROM {scan})"

    def number(self, column: int) -> str:
        return f"n{column}"

    def unreadable(self) -> InputError:
        return InputError("not a readable Parquet file: it may be damaged or cut short", self.name)
