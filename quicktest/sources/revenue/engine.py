"""The revenue engine: a file in, NRR, GRR, logo retention, history and warnings out, in DuckDB.

Two passes over the file, both in parallel inside DuckDB:

1. the census (`census`): row counts per period and currency, and the evidence for the
   decimal convention; periods are parsed in Python, once per distinct text (`timeline`,
   `subscriptions`).
2. the cohort query's `by_account` step (`accounts`): one row per account, its revenue per
   month held.

Everything after that (`figures`) runs on the per-account table. A plain long CSV is read in
one pass where a sample of it allows (`quick`). Checks that find a fault name the file line
by asking where the first offending row stands (`rows`): the error path only.
"""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from quicktest.domain.errors import InputError
from quicktest.domain.periods import parse_as_of
from quicktest.domain.retention import RevenueRead
from quicktest.sources.revenue import accounts
from quicktest.sources.revenue.census import choose_currency, settle_amounts, take_census
from quicktest.sources.revenue.columns import Flags, plan
from quicktest.sources.revenue.figures import result
from quicktest.sources.revenue.opening import open_source, readable
from quicktest.sources.revenue.quick import quick_read
from quicktest.sources.revenue.rows import Rows
from quicktest.sources.revenue.subscriptions import subscription_timeline
from quicktest.sources.revenue.timeline import long_timeline, wide_timeline


class Options(NamedTuple):
    """How to read a revenue file, beyond its columns: the window, currency and decimals."""

    start: str | None = None  # --from
    end: str | None = None  # --to
    sheet: str | None = None
    currency: str | None = None
    decimal: str | None = None  # "point" or "comma"
    as_of: str | None = None  # --as-of: the date the read stands at (default: see `periods`)
    today: datetime.date | None = None  # the clock's date, unless given (tests give it)


class RevenueFile(NamedTuple):
    """A revenue file named on a command line, with how to read it."""

    path: str
    flags: Flags = Flags()
    options: Options = Options()

    def read(self) -> RevenueRead:
        return read_revenue(Path(self.path), flags=self.flags, options=self.options)


def read_revenue(
    path: Path,
    by: str | None = None,
    start: str | None = None,
    end: str | None = None,
    flags: Flags | None = None,
    options: Options | None = None,
) -> RevenueRead:
    """The read of one revenue file (CSV, Parquet or xlsx, in any of the three shapes);
    `-` is standard input."""
    flags = (flags or Flags())._replace(by=by) if by is not None else (flags or Flags())
    options = options or Options()
    if start or end:
        options = options._replace(start=start, end=end)
    today = options.today or datetime.date.today()
    with _folder() as folder:
        name, data = readable(path, folder)  # a stream is copied before DuckDB's threads start
        with _duckdb(folder) as (con, refused):
            source = open_source(name, data, folder, con, options.sheet)
            chosen = plan(source, flags)
            source.check_cells(chosen.read)
            try:
                return _read(Rows(con, source, chosen), options, today)
            except refused:
                raise source.unreadable() from None


def _read(rows: Rows, options: Options, today: datetime.date) -> RevenueRead:
    shape, name = rows.plan.shape, rows.name
    as_of = parse_as_of(options.as_of, today, name) if options.as_of else None
    if shape == "wide" and (options.start or options.end or as_of):
        raise InputError(
            "--from, --to and --as-of apply to a long file (account,period,revenue) or "
            "subscriptions; this one is wide",
            name,
        )
    if shape == "long" and rows.source.kind == "csv" and rows.plan.currency is None:
        quick = quick_read(rows, options.start, options.end, as_of, today)
        if quick is not None:
            return quick
    census = take_census(rows)
    rows.source.check(rows.con)
    if not [per for per, _ in census.periods if per is not None or shape != "long"]:
        raise InputError("no rows after the header", name, 2)
    rows, currency = choose_currency(rows, census, options.currency)
    amounts = settle_amounts(rows, census, currency, options.decimal)
    if shape == "long":
        timeline = long_timeline(rows, census, currency, amounts.sql, as_of, today)
    elif shape == "wide":
        timeline = wide_timeline(rows, amounts.sql)
    else:
        timeline = subscription_timeline(rows, amounts.sql, as_of, today)
    totals = accounts.build(rows, timeline)
    if totals and shape == "long":
        timeline = timeline._replace(present=accounts.present(rows, timeline))
    warnings = accounts.check(rows, timeline, totals, amounts.odd)
    return result(rows, timeline, warnings, options.start, options.end)


@contextmanager
def _folder() -> Iterator[Path]:
    """The read's own folder, for spills, file links and copies of streams, removed on every
    way out, Ctrl+C and SIGTERM included (`_signals_end_the_read`)."""
    with _signals_end_the_read():
        folder = Path(tempfile.mkdtemp(prefix="quicktest-revenue-"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _duckdb(folder: Path) -> Iterator[tuple[Any, tuple[type[Exception], ...]]]:
    """An in-process DuckDB that spills into `folder`; no extension is fetched, and times
    are in UTC whatever the machine's zone. Also the errors by which DuckDB's readers refuse
    a file."""
    import duckdb

    con = duckdb.connect(
        config={
            "threads": os.cpu_count() or 1,
            "preserve_insertion_order": False,
            "temp_directory": str(folder / "spill"),
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con, (duckdb.InvalidInputException, duckdb.IOException)
    finally:
        con.close()


@contextmanager
def _signals_end_the_read() -> Iterator[None]:
    """Ctrl+C (SIGINT) ends a read as KeyboardInterrupt and SIGTERM (a `kill`, a job
    stopped) as SystemExit(143), so that the read's folder (with a stream's copy, gigabytes
    maybe) is removed on the way out: left to itself SIGTERM ends the process where it
    stands. DuckDB, which looks for signals during a query, replaces the exception a handler
    raises with its own error, so the handler notes the signal and whatever is raised after
    it is read as that signal. Only in the main thread (where Python runs handlers), for a
    signal nothing else handles or ignores (a server, a shell's background job), and the
    handlers before are put back after."""
    caught: list[int] = []

    def stop(number: int, frame: object) -> None:
        caught.append(number)
        raise _ending(number)

    before = {
        number: signal.getsignal(number)
        for number, default in (
            (signal.SIGINT, signal.default_int_handler),
            (signal.SIGTERM, signal.SIG_DFL),
        )
        if threading.current_thread() is threading.main_thread()
        and signal.getsignal(number) is default
    }
    for number in before:
        signal.signal(number, stop)
    try:
        yield
    except Exception:
        if caught:
            raise _ending(caught[0]) from None
        raise
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _ending(number: int) -> BaseException:
    return KeyboardInterrupt() if number == signal.SIGINT else SystemExit(128 + number)
