"""The revenue read against the bank: a revenue file (or a warehouse table) in, its figures,
the benchmark bands they are compared with, what NRR means in words and every warning on
them out, as one object that the text and JSON faces format alike. And the one rule by which
a revenue file's figures enter a read, with a note wherever they replace a figure given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError
from quicktest.domain.metrics import Metrics
from quicktest.domain.read import BandUsed
from quicktest.domain.readings import FigureReading, figure_warnings
from quicktest.domain.response import Response
from quicktest.domain.scoring import choose_bands

if TYPE_CHECKING:  # the revenue engine's types load only with a revenue file
    from quicktest.domain.retention import DataWarning, RevenueRead

REVENUE_FILE = "the revenue file"


class RevenueSpec(NamedTuple):
    """A revenue source as a face names it: the file (or URL) and how to read it."""

    path: str
    shape: str | None = None
    account: str | None = None
    period: str | None = None
    amount: str | None = None
    start_column: str | None = None
    end_column: str | None = None
    by: str | None = None
    start: str | None = None  # --from
    end: str | None = None  # --to
    sheet: str | None = None
    currency: str | None = None
    decimal: str | None = None
    as_of: str | None = None  # the date the read stands at (default: today or the file's last)


class RevenueReport(NamedTuple):
    """What a revenue file says, read against the bank."""

    revenue: RevenueRead
    metrics: Metrics  # the figures a read takes from it (NRR, GRR, logo retention, history)
    bands: tuple[BandUsed, ...]
    nrr_words: str | None  # what the NRR figure means, from the bank's reading table
    figure_warnings: tuple[FigureReading, ...]  # the bank's readings of these figures
    currency: str | None = None  # the currency of the rows read, where it is known

    @property
    def file_warnings(self) -> tuple[DataWarning, ...]:
        """Why the file's figures may be doubtful (a cut-off end, gaps, a short window)."""
        return self.revenue.warnings

    def band(self, metric: str) -> BandUsed | None:
        return next((u for u in self.bands if u.benchmark.metric == metric), None)

    def as_json(self) -> dict[str, Any]:
        """The file's figures, and every warning: the file's and the bank's on its figures."""
        out = self.revenue.as_json()
        out["warnings"] = [
            *(w.as_json() for w in self.file_warnings),
            *(
                {"code": "figures", "reading": r.code, "message": r.says}
                for r in self.figure_warnings
            ),
        ]
        return out


def report_of(bank: Bank, revenue: RevenueRead) -> RevenueReport:
    """A revenue read against the bank's benchmarks, readings and warnings."""
    metrics = revenue.metrics()
    nrr = revenue.total.nrr
    return RevenueReport(
        revenue,
        metrics,
        choose_bands(bank, metrics),
        None if nrr is None else bank.nrr_reading(nrr),
        figure_warnings(bank, metrics),  # its NRR's range is said beside the figure
    )


def read_file(bank: Bank, spec: RevenueSpec) -> RevenueReport:
    """A revenue file (CSV, Parquet or xlsx, any of its three shapes), read and checked."""
    from pathlib import Path

    from quicktest.sources.revenue.engine import read_revenue

    flags, options = _flags(spec)
    report = report_of(bank, read_revenue(Path(spec.path), flags=flags, options=options))
    # --currency keeps that currency's rows; a file of one currency does not yet say which
    return report._replace(currency=spec.currency.strip().upper()) if spec.currency else report


def read_table(bank: Bank, url: str, table: str, spec: RevenueSpec) -> RevenueReport:
    """The cohort query run on a PostgreSQL server's table, read back into the same figures."""
    try:
        import psycopg  # noqa: F401 - only to say what is missing before any work
    except ImportError:
        raise InputError(
            "reading a PostgreSQL table needs the postgres extra, which is not installed: "
            "pip install 'quicktest[postgres]' (or run .ci/setup)",
            field="FILE",
        ) from None
    from quicktest.sources.revenue.warehouse import read_postgres

    flags, _ = _flags(spec)
    return report_of(bank, read_postgres(url, table, flags, spec.start, spec.end, spec.as_of))


def query_text(dialect: str, table: str, spec: RevenueSpec, months: int) -> str:
    """The cohort query for a table, in a warehouse's SQL dialect."""
    from quicktest.sources.revenue.warehouse import printed

    flags, _ = _flags(spec)
    return printed(dialect, table, flags, months, spec.end, spec.as_of)


def with_revenue(response: Response, report: RevenueReport | None) -> Response:
    """The one rule by which a revenue file enters a read: its figures win over those given,
    and each figure it replaces is named in the read's notes."""
    if report is None:
        return response
    return response._replace(metrics=response.metrics.merged(report.metrics, REVENUE_FILE))


def _flags(spec: RevenueSpec) -> tuple[Any, Any]:
    from quicktest.sources.revenue.columns import Flags
    from quicktest.sources.revenue.engine import Options

    flags = Flags(
        spec.account,
        spec.period,
        spec.amount,
        spec.start_column,
        spec.end_column,
        spec.by,
        spec.shape,
    )
    options = Options(spec.start, spec.end, spec.sheet, spec.currency, spec.decimal, spec.as_of)
    return flags, options
