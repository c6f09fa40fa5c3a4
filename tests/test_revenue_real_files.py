"""Revenue files as clients really send them (issue 21), each written the way the tool that
makes it writes it: ERP credits, workbooks with error cells, uncalculated formulas and
hidden sheets, total rows, names with odd spaces, times with a zone, sentinel and future
dates, pipes, Excel's sep= line, mixed line ends. Each gives the right figure, or exit 2
naming the place."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from quicktest.domain.errors import InputError
from quicktest.domain.periods import SPAN
from quicktest.sources.revenue import engine, opening
from quicktest.sources.revenue.engine import Options, read_revenue

from .conftest import ROOT

TODAY = datetime.date(2026, 3, 15)  # the clock, as the read is given it: never the machine's


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def _read(path: Path, **options: object):
    return read_revenue(path, options=Options(today=TODAY, **options))  # type: ignore[arg-type]


def _codes(read) -> list[str]:
    return [w.code for w in read.warnings]


def _refused(cli, path: Path, *args: str) -> str:
    result = cli("metrics", path, *args)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and "Error:" not in result.err, result.err
    return result.err


# --- amounts: ERP credits ------------------------------------------------------------------

LONG = "account,period,revenue\n"


@pytest.mark.parametrize(
    ("separator", "credit"),
    [(",", "30.00-"), (",", '"(30.00)"'), (";", "30,00-"), (";", '"1.030,00-";x')],
    ids=["trailing-minus", "brackets", "comma-trailing-minus", "grouped-trailing-minus"],
)
def test_an_erp_credit_lowers_revenue(tmp_path, separator, credit):
    # acme pays 100 a year ago and 100 now, less a credit of 30: NRR 70%, not 130%
    extra = 1000 if "1.030" in credit else 0
    rows = [
        ("acme", "2025-01", "100"),
        ("acme", "2026-01", str(100 + extra)),
        ("acme", "2026-01", credit.split(";x")[0]),
    ]
    if separator == ";":
        rows = [(a, p, v.replace(".", ",") if "." in v and v[0] != '"' else v) for a, p, v in rows]
    text = LONG.replace(",", separator) + "".join(separator.join(r) + "\n" for r in rows)
    read = _read(_write(tmp_path / "r.csv", text))
    assert read.total.nrr == pytest.approx(0.7)


def test_a_credit_where_none_belongs_is_refused_at_its_cell(cli, tmp_path):
    path = _write(tmp_path / "r.csv", "account,start,end\nacme,100,60.00-\n")
    assert "r.csv:2:3: end: expected an amount of 0 or more, got '60.00-'" in _refused(cli, path)
    path = _write(tmp_path / "r.csv", LONG + "acme,2025-01,100\nacme,2026-01,--60\n")
    assert "r.csv:3:3: revenue: expected an amount, got '--60'" in _refused(cli, path)


# --- workbooks: error cells, uncalculated formulas, hidden sheets ------------------------


def _openpyxl(path: Path, sheets: dict[str, list[list[object]]], **kwargs: object) -> Path:
    """A workbook as openpyxl writes it: formulas without values; `hidden`, `active`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in kwargs.get("hidden", ()):  # type: ignore[operator]
            sheet.sheet_state = "hidden"
    book.active = list(sheets).index(kwargs.get("active", next(iter(sheets))))  # type: ignore[arg-type]
    book.save(path)
    return path


WIDE = [["account", "start", "end"], ["acme", 100, 100], ["bolt", 100, 0]]


def test_an_error_cell_is_refused_with_its_sheet_and_cell(cli, tmp_path):
    rows = [*WIDE, ["core", 100, "#N/A"]]  # a VLOOKUP that found nothing, saved as an error
    err = _refused(cli, _openpyxl(tmp_path / "r.xlsx", {"Revenue": rows}))
    assert "r.xlsx:4:3: end: Revenue!C4 holds the error #N/A" in err
    assert "correct the formula" in err


def test_an_error_cell_written_by_xlsxwriter_is_refused_too(cli, tmp_path):
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Q1 revenue")
    for r, row in enumerate(WIDE):
        sheet.write_row(r, 0, row)
    sheet.write_row(3, 0, ["core", 100])
    sheet.write_formula(3, 2, "=1/0", None, "#DIV/0!")
    book.close()
    assert "r.xlsx:4:3: end: 'Q1 revenue'!C4 holds the error #DIV/0!" in _refused(cli, path)


def test_an_error_cell_in_a_column_not_read_changes_nothing(tmp_path):
    rows = [[*r, note] for r, note in zip(WIDE, ["notes", "#REF!", "ok"], strict=True)]
    assert _read(_openpyxl(tmp_path / "r.xlsx", {"S": rows})).total.grr == pytest.approx(0.5)


def test_a_spreadsheet_error_exported_as_an_account_name_is_refused(cli, tmp_path):
    path = _write(tmp_path / "r.csv", "account,start,end\nacme,1,1\n#N/A,5,5\n#N/A,7,0\n")
    assert "r.csv:3:1: account: #N/A is a spreadsheet's error" in _refused(cli, path)


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_a_formula_never_calculated_is_refused(cli, tmp_path, writer):
    path = tmp_path / "r.xlsx"
    if writer == "openpyxl":  # no value at all
        _openpyxl(path, {"Sheet1": [*WIDE, ["core", 100, "=B4*0.9"]]})
    else:  # xlsxwriter stores 0 and asks the spreadsheet to calculate on opening
        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet()
        for r, row in enumerate(WIDE):
            sheet.write_row(r, 0, row)
        sheet.write_row(3, 0, ["core", 100])
        sheet.write_formula(3, 2, "=B4*0.9")
        book.close()
    err = _refused(cli, path)
    assert "r.xlsx:4:3: end: Sheet1!C4 holds a formula whose value was never calculated" in err
    assert "open it in Excel or LibreOffice and save it" in err


def test_formulas_a_spreadsheet_calculated_are_read(tmp_path):
    """What Excel saves: each formula with its value, and no request to calculate on load."""
    written = tmp_path / "written.xlsx"
    book = xlsxwriter.Workbook(written)
    sheet = book.add_worksheet()
    for r, row in enumerate(WIDE):
        sheet.write_row(r, 0, row)
    sheet.write_row(3, 0, ["core", 100])
    sheet.write_formula(3, 2, "=B4*0.5", None, 50)
    book.close()
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(saved, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            target.writestr(item, data)
    assert _read(saved).total.grr == pytest.approx(150 / 300)  # core kept 50 of 100


def test_the_active_sheet_is_read_and_named_never_a_hidden_one(cli, tmp_path):
    last_year = [["account", "start", "end"], ["acme", 100, 100]]
    this_year = [*WIDE]
    path = _openpyxl(
        tmp_path / "r.xlsx",
        {"2025": last_year, "2026": this_year, "Notes": [["x"]]},
        hidden=("2025",),
        active="2026",
    )
    read = json.loads(cli("metrics", path, "--format", "json").out)
    assert (read["sheet"], read["grr"]) == ("2026", 0.5)
    named = json.loads(cli("metrics", path, "--sheet", "2025", "--format", "json").out)
    assert (named["sheet"], named["grr"]) == ("2025", 1.0)
    # a hidden sheet Excel would open on is passed over for the first visible one
    path = _openpyxl(tmp_path / "h.xlsx", {"Old": last_year, "Now": this_year}, hidden=("Old",))
    assert _read(path).sheet == "Now"


def test_a_stray_cell_far_away_is_refused_before_the_sheet_is_read(cli, tmp_path):
    path = tmp_path / "r.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Data")
    for r, row in enumerate(WIDE):
        sheet.write_row(r, 0, row)
    sheet.write(1_048_575, 16_383, "x")  # XFD1048576: the whole grid (calamine aborted)
    book.close()
    assert "the sheet 'Data' reaches cell XFD1048576" in _refused(cli, path)


def test_an_old_excel_file_is_named(cli, tmp_path):
    path = tmp_path / "r.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert "an Excel 97-2003 workbook (.xls)" in _refused(cli, path)


# --- total rows ----------------------------------------------------------------------------


def test_a_total_row_is_left_out_with_a_warning(cli, tmp_path):
    # acme keeps 100 of 100, bolt keeps 0 of 100: GRR 50% (56% with the total as an account)
    path = _write(
        tmp_path / "r.csv", "account,start,end\nacme,100,100\nbolt,100,0\nTOTAL:,200,100\n"
    )
    read = json.loads(cli("metrics", path, "--format", "json").out)
    assert read["grr"] == 0.5 and read["accounts"]["start"] == 2
    [warning] = read["warnings"]
    assert warning["code"] == "total_rows" and "'TOTAL:'" in warning["message"]


@pytest.mark.parametrize(
    "total",
    ["Grand total", "Subtotal", "Sub-total 2026", "Gesamt", "Summe:", "Totaal", "Total général",
     "Total MRR", "acme Total", "Total bolt"],
)  # fmt: skip
def test_totals_in_many_languages_and_excel_subtotals_are_not_accounts(tmp_path, total):
    rows = [
        "acme,2025-01,100", "bolt,2025-01,100", "acme,2026-01,100",
        f"{total},,200",  # a blank period, as spreadsheets write totals
        f"{total},2026-01,100",
    ]  # fmt: skip
    read = _read(_write(tmp_path / "r.csv", LONG + "\n".join(rows) + "\n"))
    assert read.total.grr == pytest.approx(0.5)
    assert read.total.cohort == 2 and read.total.new == 0
    assert "total_rows" in _codes(read)


@pytest.mark.parametrize("credit", ["", "acme,2026-01,0.00-"], ids=["one-pass", "two-pass"])
def test_a_period_only_totals_were_written_in_is_no_period_of_the_read(tmp_path, credit):
    lines = ["x,2025-01,1", "x,2026-01,1", "acme,2025-01,100", "acme,2026-01,50", credit]
    lines.append("Total,2026-02,51")
    read = _read(_write(tmp_path / "r.csv", LONG + "\n".join(line for line in lines if line)))
    assert read.window == ("2025-01", "2026-01")
    assert read.total.grr == pytest.approx(51 / 101)


def test_a_file_of_totals_only_is_refused(cli, tmp_path):
    path = _write(tmp_path / "r.csv", LONG + "Total,2025-01,5\nTotal,2026-01,5\n")
    assert "r.csv: the file holds totals only" in _refused(cli, path)


def test_a_customer_whose_name_starts_with_total_is_an_account(tmp_path):
    path = _write(tmp_path / "r.csv", "account,start,end\nTotal Wine & More,100,50\n")
    read = _read(path)
    assert read.total.grr == pytest.approx(0.5) and read.warnings == ()


def test_a_row_without_a_period_that_is_no_total_is_still_refused(cli, tmp_path):
    path = _write(tmp_path / "r.csv", LONG + "acme,2025-01,100\nbolt,,100\nTotal,,100\n")
    assert "r.csv:3:2: period: expected a period" in _refused(cli, path)


# --- account names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "space",
    ["\t", "\u00a0", "\u202f", "\u3000", "\u200b", "  "],
    ids=["tab", "nbsp", "narrow-nbsp", "ideographic", "zero-width", "run"],
)
def test_any_space_around_a_name_is_no_part_of_it(tmp_path, space):
    text = LONG + f"Acme{space},2025-01,100\n{space}Acme,2026-01,100\nAc{space}me,2026-01,1\n"
    total = _read(_write(tmp_path / "r.csv", text)).total
    invisible = space == "\u200b"  # 'Ac me' is another account, unless the space is invisible
    assert (total.cohort, total.retained, total.new) == (1, 1, 0 if invisible else 1)
    assert total.nrr == pytest.approx(1.01 if invisible else 1.0)


def test_names_differing_in_case_or_inner_spacing_are_still_named(tmp_path):
    text = "account,start,end\nAcme\u00a0 Corp,1,1\nacme corp\t,1,1\n"
    [warning] = _read(_write(tmp_path / "r.csv", text)).warnings
    assert warning.code == "similar_names" and "'Acme  Corp' / 'acme corp'" in warning.message


# --- times with a zone ---------------------------------------------------------------------


def _metrics(path: Path, zone: str) -> dict:
    """`quicktest metrics` in a process whose machine zone is `zone`."""
    result = subprocess.run(
        [sys.executable, "-m", "quicktest", "metrics", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TZ": zone},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_parquet_time_with_a_zone_is_its_utc_month_on_any_machine(tmp_path):
    path = tmp_path / "r.parquet"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE t (account VARCHAR, period TIMESTAMPTZ, revenue DOUBLE)")
    con.execute(  # midnight UTC on the first: the last day of the month before in Los Angeles
        "INSERT INTO t VALUES ('acme', '2025-01-01 00:30:00+00', 100), "
        "('bolt', '2025-01-01 00:30:00+00', 100), ('acme', '2026-01-01 00:30:00+00', 100)"
    )
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    for zone in ("UTC", "America/Los_Angeles", "Asia/Tokyo"):
        read = _metrics(path, zone)
        assert (read["nrr"], read["window"]) == (0.5, {"from": "2025-01", "to": "2026-01"}), zone


def test_iso_times_with_a_zone_are_read_as_the_utc_instant(tmp_path):
    text = LONG + (
        "acme,2024-12-31T23:30:00-02:00,100\n"  # 2025-01-01 01:30 UTC
        "bolt,2025-01-01T01:00:00+02:00,100\n"  # 2024-12-31 23:00 UTC
        "acme,2026-01-15T10:00:00Z,100\n"
    )
    read = _read(_write(tmp_path / "r.csv", text), start="2025-01")
    assert read.total.cohort == 1 and read.total.nrr == pytest.approx(1.0)
    subs = (
        "customer,start_date,end_date,mrr\n"
        "acme,2024-12-31T23:30:00-02:00,,100\n"  # starts 2025-01-01 in UTC
        "bolt,2024-12-01,2026-01-31T23:30:00-02:00,100\n"  # ends 2026-02-01: paying in 2026-01
    )
    read = _read(_write(tmp_path / "s.csv", subs), end="2026-01")
    assert read.window == ("2025-01", "2026-01") and read.total.nrr == pytest.approx(1.0)


# --- the as-of date ------------------------------------------------------------------------


def test_the_window_never_ends_after_the_as_of_date(cli, tmp_path):
    rows = [f"a{i},2025-02,100" for i in range(3)] + [f"a{i},2026-02,100" for i in range(3)]
    rows += ["a0,2026-05,999", "a1,4000-01,5"]  # a forecast month and a mistyped year
    path = _write(tmp_path / "r.csv", LONG + "\n".join(rows) + "\n")
    read = _read(path)  # today is 2026-03-15: the read stands at the end of 2026-02
    assert read.window == ("2025-02", "2026-02") and read.total.nrr == pytest.approx(1.0)
    assert read.as_of == datetime.date(2026, 2, 28)
    [warning] = [w for w in read.warnings if w.code == "after_as_of"]
    assert "2 rows of 2026-05, 4000-01 (first on line 8)" in warning.message
    given = _read(path, as_of="2026-02-10")
    assert given.as_of == datetime.date(2026, 2, 10) and given.window[1] == "2026-02"
    assert "after_as_of" in _codes(given)
    with pytest.raises(InputError, match="--to 2026-05 is after the as-of date 2026-02-28"):
        _read(path, end="2026-05")
    with pytest.raises(InputError, match="after today"):
        _read(path, as_of="2026-04-01")
    # a file of the past is read as of its own latest period
    old = _write(tmp_path / "old.csv", LONG + "a,2024-01,1\na,2025-01,1\n")
    assert read_revenue(old).as_of == datetime.date(2025, 1, 31)


def test_a_term_ending_after_the_as_of_date_is_scheduled_not_churn(tmp_path):
    # a contract book: every term started in 2025 and ends next year
    subs = "customer,start_date,end_date,mrr\n" + "".join(
        f"c{i},2025-0{i + 1}-01,2027-0{i + 1}-01,100\n" for i in range(4)
    )
    subs += "gone,2025-01-01,2026-02-15,100\n"  # a cancellation that has happened
    read = _read(_write(tmp_path / "s.csv", subs))
    assert read.window == ("2025-03", "2026-03")
    assert (read.total.cohort, read.total.retained) == (4, 3)  # c0, c1, c2 and gone at start
    assert read.total.grr == pytest.approx(0.75)
    [warning] = [w for w in read.warnings if w.code == "scheduled_ends"]
    assert "4 subscriptions ending 2027-01-01, 2027-02-01, 2027-03-01 ..." in warning.message


def test_a_subscription_starting_after_the_as_of_date_is_not_counted(tmp_path):
    subs = "customer,start_date,end_date,mrr\na,2025-01-01,,100\nb,2026-03-20,,100\n"
    read = _read(_write(tmp_path / "s.csv", subs), end="2026-03")
    assert read.total.new == 0 and "after_as_of" in _codes(read)


# --- sentinel and far-off dates: bounded work, named dates ----------------------------------


def test_open_ended_and_unknown_dates_are_read_and_named(tmp_path):
    subs = (
        "customer,start_date,end_date,mrr\n"
        "a,2025-01-01,9999-12-31,100\n"  # a warehouse's 'no end'
        "b,0001-01-01,2999-12-31,100\n"  # and its 'unknown start'
        "c,2025-01-01,2025-06-01,100\n"
        "d,2026-03-02,,50\n"  # the latest date: the read stands at it
    )
    read = _read(_write(tmp_path / "s.csv", subs))
    assert read.as_of == datetime.date(2026, 3, 2) and read.window == ("2025-03", "2026-03")
    assert (read.total.start, read.total.churn, read.total.new) == (300, 100, 1)
    assert {"open_ended", "far_dates"} <= set(_codes(read))
    assert len(read.history) <= SPAN  # one column per month held, not per month of 9,999 years


def test_a_long_file_with_a_far_off_period_is_bounded_and_names_it(tmp_path):
    rows = ["a,0001-01,5", "a,2025-03,100", "b,2025-03,100", "a,2026-03,100", "b,9999-12,1"]
    read = _read(_write(tmp_path / "r.csv", LONG + "\n".join(rows) + "\n"), start="2025-03")
    assert read.total.grr == pytest.approx(0.5)
    assert {"far_dates", "after_as_of"} <= set(_codes(read))
    assert [p.period for p in read.history] == ["2026-03"]


def test_the_printed_query_has_bounded_months(cli):
    result = cli("metrics", "--sql", "duckdb", "--table", "t", "--months", "100000")
    assert result.code == 2 and f"--months: runs from 13 to {SPAN}" in result.err


# --- reading the file ----------------------------------------------------------------------

TRAP = "account,start,end\nacme,100,100\nbolt,100,0\n"


@pytest.mark.parametrize("how", ["-", "/dev/stdin"])
def test_a_file_from_a_pipe_is_read(tmp_path, how):
    result = subprocess.run(
        [sys.executable, "-m", "quicktest", "metrics", how, "--format", "json"],
        input=TRAP,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["grr"] == 0.5


def test_a_workbook_from_a_pipe_is_read(tmp_path):
    path = _openpyxl(tmp_path / "r.xlsx", {"S": WIDE})
    with path.open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "quicktest", "metrics", "-", "--format", "json"],
            stdin=stdin,
            capture_output=True,
            cwd=ROOT,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["file"] == "<stdin>"


def test_excels_sep_line_names_the_separator(cli, tmp_path):
    path = _write(
        tmp_path / "r.csv", "sep=;\r\naccount;start;end\r\nacme;100;100\r\nbolt;100;0\r\n"
    )
    assert json.loads(cli("metrics", path, "--format", "json").out)["grr"] == 0.5
    path = _write(tmp_path / "r.csv", "sep=;\naccount;start;end\nacme;100;100\nbolt;100;x\n")
    assert "r.csv:4:3: end: expected an amount, got 'x'" in _refused(cli, path)  # the file's line


def test_a_crlf_header_above_lf_rows_is_read(cli, tmp_path):
    path = _write(tmp_path / "r.csv", "account,start,end\r\nacme,100,100\nbolt,100,0\n")
    assert json.loads(cli("metrics", path, "--format", "json").out)["grr"] == 0.5


@pytest.mark.parametrize(("first", "then"), [("\r\n", "\n"), ("\n", "\r\n")])
def test_line_ends_changing_far_into_a_file_are_read(tmp_path, first, then):
    rows = "".join(f"a{i},1,1{first}" for i in range(5000))  # past the first block
    text = f"account,start,end{first}{rows}late,1,0{then}last,1,1{then}"
    total = _read(_write(tmp_path / "r.csv", text)).total
    assert (total.cohort, total.retained, total.churn) == (5002, 5001, 1)


# --- currency signs: one file, one currency -------------------------------------------------


def test_amounts_with_different_currency_signs_are_refused_with_their_counts(cli, tmp_path):
    # a sheet formatted as currency, saved by a spreadsheet as "CSV UTF-8" as it is shown: a
    # byte-order mark, CRLF, each amount quoted with its sign and grouping
    rows = [
        ("acme", "2025-01", "$1,200.50"),
        ("bolt", "2025-01", "$900.00"),
        ("acme", "2026-01", "€150.25"),
        ("bolt", "2026-01", "$950.00"),
        ("carl", "2026-01", "£80.00"),
    ]
    text = "\ufeffaccount,period,revenue\r\n" + "".join(f'{a},{p},"{v}"\r\n' for a, p, v in rows)
    err = _refused(cli, _write(tmp_path / "r.csv", text))
    assert (
        "r.csv:4:3: revenue: amounts in several currencies, by their signs: 3 in $, 1 in €, "
        "1 in £; this is the first not in $, got '€150.25'"
    ) in err
    # with a currency column, --currency keeps one currency's rows, and with them one sign
    text = (
        "account,period,revenue,currency\n"
        "acme,2025-01,$100.00,USD\nacme,2026-01,$120.00,USD\n"
        "bolt,2025-01,€90.00,EUR\nbolt,2026-01,€10.00,EUR\n"
    )
    read = _read(_write(tmp_path / "c.csv", text), currency="USD")
    assert read.total.nrr == pytest.approx(1.2)


# --- times: only real ones ------------------------------------------------------------------

IMPOSSIBLE = {  # a time, and what is wrong with it
    "2026-01-31T25:00:00": "25:00:00 is no time of day",
    "2026-01-31T99:99:99": "99:99:99 is no time of day",
    "2026-01-31T23:61:00": "23:61:00 is no time of day",
    "2026-01-31T10:00:00+99:99": "+99:99 is no time zone",
    "2026-01-31T23:00:00-25:00": "-25:00 is no time zone",  # would move it into February
}


@pytest.mark.parametrize(("written", "why"), IMPOSSIBLE.items(), ids=list(IMPOSSIBLE))
def test_an_impossible_time_is_refused_at_its_cell(cli, tmp_path, written, why):
    # a script's export, times written in ISO 8601 as isoformat() writes them
    long = LONG + f"acme,2025-01-31T10:00:00+00:00,100\nacme,{written},100\n"
    err = _refused(cli, _write(tmp_path / "r.csv", long))
    expected = "a period such as 2026-03 or 2026-Q1"
    assert f"r.csv:3:2: period: expected {expected}, got '{written}' ({why}" in err
    subs = f"customer,start_date,end_date,mrr\nacme,2025-01-01T00:00:00+00:00,{written},100\n"
    err = _refused(cli, _write(tmp_path / "s.csv", subs))
    assert f"s.csv:2:3: end_date: expected a date such as 2025-03-14, got '{written}' ({why}" in err


def test_times_at_the_edges_of_the_real_are_read(tmp_path):
    long = LONG + (
        "acme,2024-12-31T12:30:00-12:00,100\n"  # Baker Island: 2025-01-01 00:30 UTC
        "bolt,2025-01-31T23:59:59.999999Z,100\n"
        "bolt,2024-02-29,100\n"  # a leap day
        "acme,2026-01-31T05:44:00+05:45,100\n"  # Nepal: 2026-01-30 23:59 UTC
    )
    read = _read(_write(tmp_path / "r.csv", long), start="2025-01")
    assert read.window == ("2025-01", "2026-01") and read.total.nrr == pytest.approx(0.5)
    subs = (
        "customer,start_date,end_date,mrr\n"
        "acme,2024-02-29 00:00:00 UTC,,100\n"  # as BigQuery exports a TIMESTAMP
        "bolt,2025-01-01T09:00:00+14:00,2026-01-31T23:30:00 -12:00,100\n"  # Kiribati: 2024-12-31
    )
    read = _read(_write(tmp_path / "s.csv", subs), end="2026-01")
    assert read.window == ("2025-01", "2026-01") and read.total.nrr == pytest.approx(1.0)


# --- streams: looked at before they are copied, bounded, stopped ------------------------------


def _metrics_of_a_pipe(tmp_path: Path) -> subprocess.Popen[bytes]:
    """`quicktest metrics -` reading a pipe the test writes, its temporary folders in
    tmp_path/tmp, and Ctrl+C in force whatever the shell that started the tests ignores."""
    (tmp_path / "tmp").mkdir()
    return subprocess.Popen(
        [sys.executable, "-m", "quicktest", "metrics", "-"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (gzip.compress(TRAP.encode() * 100), "<stdin>:1: not UTF-8 text (byte 1 of the file)"),
        (bytes(4096), "<stdin>:1: not text: byte 0 of the file is a NUL byte"),  # /dev/zero's
    ],
    ids=["gzipped", "zeros"],
)
def test_a_stream_that_is_no_text_is_refused_before_it_is_copied(tmp_path, written, expected):
    reader = _metrics_of_a_pipe(tmp_path)
    assert reader.stdin is not None and reader.stderr is not None
    reader.stdin.write(written)
    reader.stdin.flush()  # and the pipe stays open: the read ends without waiting for more
    try:
        assert reader.wait(timeout=120) == 2  # a guard against a hang, not a measure
    finally:
        reader.stdin.close()
    err = reader.stderr.read().decode()
    assert expected in err and "Traceback" not in err
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_stream_past_the_limit_is_refused_and_its_copy_removed(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(opening, "MAX_STREAM", 256 * 1024)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "r")
    monkeypatch.setattr(sys, "stdin", stdin)

    def yes() -> None:  # `yes 'acme,2025-01,100' | quicktest metrics -`, 4 MiB of it
        with contextlib.suppress(BrokenPipeError), os.fdopen(write_end, "wb", 0) as pipe:
            pipe.write(LONG.encode())
            for _ in range(64):
                pipe.write(b"acme,2025-01,100\n" * 4096)

    writer = threading.Thread(target=yes)
    writer.start()
    err = _refused(cli, "-")
    stdin.close()  # the writer's next write fails, and it stops
    writer.join()
    assert "<stdin>: more than 262,144 bytes through a pipe" in err
    assert "save it to a file" in err
    assert list(tmp_path.glob("quicktest-revenue-*")) == []


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stream_being_copied_stops_on_a_signal_and_leaves_nothing(tmp_path, stop, code):
    reader = _metrics_of_a_pipe(tmp_path)
    assert reader.stdin is not None
    reader.stdin.write((LONG + "acme,2025-01,100\n" * 6000).encode())  # the pipe stays open
    reader.stdin.flush()
    started = time.monotonic()
    while not list((tmp_path / "tmp").glob("quicktest-revenue-*/stream")):
        assert time.monotonic() - started < 120, "the copy never began"  # a guard, not a measure
        time.sleep(0.01)
    reader.send_signal(stop)
    try:
        assert reader.wait(timeout=120) == code
    finally:
        reader.stdin.close()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_signal_during_a_query_ends_the_read_as_that_signal(tmp_path):
    """DuckDB replaces the exception a signal's handler raises during a query with an error of
    its own ("Query interrupted"); the read ends as the signal all the same."""
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("the test runner handles SIGTERM itself")
    with pytest.raises(SystemExit) as ended, engine._signals_end_the_read():
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # never the default's kill
        try:
            signal.raise_signal(signal.SIGTERM)
        except SystemExit:
            raise RuntimeError("as DuckDB raises it") from None
    assert ended.value.code == 143
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
