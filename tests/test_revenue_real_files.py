"""Revenue files as clients really send them (issue 21), each written the way the tool that
makes it writes it: ERP credits, workbooks with error cells, uncalculated formulas and
hidden sheets, total rows, names with odd spaces, times with a zone, sentinel and future
dates, pipes, Excel's sep= line, mixed line ends. Each gives the right figure, or exit 2
naming the place."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest
import xlsxwriter

from quicktest.domain.errors import InputError
from quicktest.domain.periods import SPAN
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
