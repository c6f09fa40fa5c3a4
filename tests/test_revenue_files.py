"""The revenue engine on the files clients send: CSV dialects, Parquet, xlsx, subscription
exports, column flags, currencies, decimal conventions, warnings and exact errors."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from quicktest.sources.revenue.columns import Flags
from quicktest.sources.revenue.engine import Options, read_revenue

from .conftest import DATA

# acme and bolt across a year; bolt shrinks, core churns, dune is new
ROWS = [
    ("acme", "2025-01", 100.0),
    ("acme", "2026-01", 150.0),
    ("bolt", "2025-01", 200.0),
    ("bolt", "2026-01", 120.0),
    ("core", "2025-01", 50.0),
    ("dune", "2026-01", 80.0),
]
EXPECTED = {"start": 350, "churn": 50, "contraction": 80, "expansion": 50, "new": 1}


def _check(read) -> None:
    total = read.total
    assert (total.start, total.churn, total.contraction, total.expansion) == pytest.approx(
        (350, 50, 80, 50), abs=1e-9
    )
    assert total.new == 1 and total.cohort == 3 and total.retained == 2
    assert total.nrr == pytest.approx(270 / 350, abs=1e-9)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _comma(value: float) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")  # 1 234,50


@pytest.mark.parametrize(
    ("header", "line", "amount"),
    [
        ("account,period,revenue", "{a},{p},{v}", "{:.2f}".format),
        ("\ufeffAccount;Period;Revenue", "{a};{p};{v}", _comma),
        ("account\tperiod\trevenue", "{a}\t{p}\t{v}", "{:.2f}".format),
        ('"account","period","revenue"', '"{a}","{p}","{v}"', "$ {:,.2f}".format),
        ("account;period;revenue", "{a};{p};{v}", lambda v: _comma(v) + " €"),
    ],
    ids=["comma", "bom-semicolon-decimal-comma", "tab", "quoted-dollars", "euro-sign"],
)
def test_csv_dialects_read_the_same(tmp_path, header, line, amount):
    body = [line.format(a=a, p=p, v=amount(v)) for a, p, v in ROWS]
    path = _write(tmp_path / "r.csv", "\r\n".join([header, *body]) + "\r\n")
    _check(read_revenue(path))


def test_a_decimal_comma_file_reads_thousands_with_dots(tmp_path):
    # 1.200 means twelve hundred once 0,50 shows the file writes decimal commas
    path = _write(tmp_path / "r.csv", "account;start;end\nA;1.200;1.300,50\nB;0,50;0\n")
    total = read_revenue(path).total
    assert total.start == pytest.approx(1200.5)
    assert total.expansion == pytest.approx(100.5)


def test_an_amount_two_conventions_read_differently_is_refused_then_read_with_a_flag(cli, tmp_path):
    path = _write(tmp_path / "r.csv", 'account,start,end\nA,"1,200","1,300"\n')
    result = cli("metrics", path)
    assert result.code == 2
    assert "r.csv:2:2: start: 1,200 could be 1200 or 1.2" in result.err
    assert "--decimal" in result.err
    read = json.loads(cli("metrics", path, "--decimal", "point", "--format", "json").out)
    assert read["start"] == 1200
    read = json.loads(cli("metrics", path, "--decimal", "comma", "--format", "json").out)
    assert read["start"] == pytest.approx(1.2)


def test_mixed_conventions_are_refused(cli, tmp_path):
    path = _write(tmp_path / "r.csv", 'account,start,end\nA,"1.234,50",1\nB,12.5,1\n')
    result = cli("metrics", path)
    assert result.code == 2 and "both with a decimal point" in result.err


def test_parquet_written_by_duckdb(tmp_path):
    path = tmp_path / "r.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE t (account VARCHAR, period DATE, revenue DECIMAL(12, 2))")
    con.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [(a, datetime.date(int(p[:4]), int(p[5:]), 1), v) for a, p, v in ROWS],
    )
    con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    _check(read_revenue(path))


def _workbook(path: Path, rows: list[list], sheet: str = "Revenue") -> Path:
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Cover").write(0, 0, "Prepared for the board")
    sheet_ = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "yyyy-mm"})
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, datetime.date):
                sheet_.write_datetime(
                    r, c, datetime.datetime(cell.year, cell.month, cell.day), dates
                )
            else:
                sheet_.write(r, c, cell)
    book.close()
    return path


def test_xlsx_written_by_xlsxwriter_with_a_sheet_and_own_column_names(cli, tmp_path):
    rows = [["Client", "Month", "Net revenue"]] + [
        [a, datetime.date(int(p[:4]), int(p[5:]), 1), v] for a, p, v in ROWS
    ]
    path = _workbook(tmp_path / "r.xlsx", rows)
    flags = Flags(account="client", amount="net revenue")
    _check(read_revenue(path, flags=flags, options=Options(sheet="Revenue")))
    result = cli("metrics", path, "--sheet", "Revenu")
    assert result.code == 2 and "did you mean Revenue?" in result.err
    result = cli("metrics", path, "--sheet", "Revenue", "--account", "clent")
    assert result.code == 2 and "did you mean client?" in result.err


def test_xlsx_bad_cell_named_by_row_and_column(cli, tmp_path):
    rows = [["account", "period", "revenue"], ["a", "2025-01", 5], ["b", "2025-01", "n/a"]]
    result = cli("metrics", _workbook(tmp_path / "r.xlsx", rows, "Sheet1"), "--sheet", "Sheet1")
    assert result.code == 2 and "r.xlsx:3:3: revenue: expected an amount, got 'n/a'" in result.err


def test_subscription_periods_become_monthly_revenue(cli, tmp_path):
    path = _write(
        tmp_path / "subs.csv",
        "customer,start_date,end_date,mrr\n"
        "acme,2025-01-15,,100\n"  # runs on
        "acme,2025-06-01,2026-01-01,50\n"  # an add-on, ended before the window's end
        "bolt,2024-12-01,2025-07-01,200\n"  # churns
        "core,2025-01-01,,300\n"
        "dune,2025-11-20,,80\n",  # new
    )
    read = json.loads(cli("metrics", path, "--to", "2026-01", "--format", "json").out)
    assert read["shape"] == "subscriptions"
    assert read["window"] == {"from": "2025-01", "to": "2026-01"}
    assert read["start"] == 600 and read["churn"] == 200
    assert read["accounts"] == {"start": 3, "retained": 2, "churned": 1, "new": 1}


def test_a_subscription_ending_before_it_starts_is_refused(cli, tmp_path):
    path = _write(
        tmp_path / "s.csv", "customer,start_date,end_date,mrr\na,2025-03-01,2025-01-01,5\n"
    )
    result = cli("metrics", path)
    assert result.code == 2 and "s.csv:2:3: end_date: the subscription ends before" in result.err


def test_several_currencies_are_refused_unless_one_is_chosen(cli, tmp_path):
    lines = [f"{a},{p},{v},EUR" for a, p, v in ROWS] + ["zed,2025-01,999,usd"]
    path = _write(tmp_path / "r.csv", "account,period,revenue,currency\n" + "\n".join(lines))
    result = cli("metrics", path)
    assert result.code == 2
    assert "EUR (6 rows), USD (1 rows)" in result.err and "--currency EUR" in result.err
    read = json.loads(cli("metrics", path, "--currency", "eur", "--format", "json").out)
    assert read["start"] == 350


def _long(tmp_path: Path, months: dict[str, int], name: str = "r.csv") -> Path:
    """A long file with `months[period]` accounts paying 100 in each period."""
    lines = [f"a{i},{p},100" for p, n in months.items() for i in range(n)]
    return _write(tmp_path / name, "account,period,revenue\n" + "\n".join(lines) + "\n")


def test_warns_of_an_end_period_only_partly_in_the_file(cli, tmp_path):
    months = {f"2025-{m:02d}": 20 for m in range(1, 13)} | {"2026-01": 20, "2026-02": 3}
    read = json.loads(cli("metrics", _long(tmp_path, months), "--format", "json").out)
    [warning] = read["warnings"]
    assert warning["code"] == "incomplete_end"
    assert "2026-02 has 3 paying accounts against 20 in 2026-01" in warning["message"]
    assert "--to 2026-01" in warning["message"]
    text = cli("metrics", _long(tmp_path, months)).out
    assert text.index("Check:") < text.index("Starting revenue")  # words before numbers
    # the window the warning suggests reads clean
    read = json.loads(
        cli("metrics", _long(tmp_path, months), "--to", "2026-01", "--format", "json").out
    )
    assert read["warnings"] == [] and read["nrr"] == 1.0


def test_warns_of_gaps_and_of_a_short_window(cli, tmp_path):
    months = {"2025-01": 5, "2025-02": 5, "2025-05": 5, "2025-06": 5}
    read = json.loads(cli("metrics", _long(tmp_path, months), "--format", "json").out)
    codes = {w["code"]: w["message"] for w in read["warnings"]}
    assert "2025-03, 2025-04" in codes["gaps"]
    assert "spans 5 months" in codes["short_window"]
    assert read["window"] == {"from": "2025-01", "to": "2025-06"}


def test_warns_of_names_that_differ_only_in_case_or_spacing(cli, tmp_path):
    path = _write(
        tmp_path / "r.csv", "account,start,end\nAcme Corp,1,1\nACME  corp,1,1\nBolt,1,1\n"
    )
    read = json.loads(cli("metrics", path, "--format", "json").out)
    [warning] = read["warnings"]
    assert warning["code"] == "similar_names" and "'ACME  corp' / 'Acme Corp'" in warning["message"]


def test_warnings_reach_the_read_and_the_pdf(cli, tmp_path):
    from .conftest import EXAMPLES, text_of

    months = {f"2025-{m:02d}": 20 for m in range(1, 13)} | {"2026-01": 20, "2026-02": 3}
    revenue = _long(tmp_path, months)
    read = json.loads(
        cli("score", EXAMPLES / "vibe_revenue.yaml", "--revenue", revenue, "--format", "json").out
    )
    assert any("2026-02 has 3 paying accounts" in w for w in read["warnings"])
    pdf = tmp_path / "r.pdf"
    assert cli("report", EXAMPLES / "vibe_revenue.yaml", "--revenue", revenue, "-o", pdf).code == 0
    assert "2026-02 has 3 paying accounts against 20 in 2026-01" in text_of(pdf)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "account,period,revenue\na,2025-01,5\nb,2025-01,5,extra\n",
            "r.csv:3: expected 3 columns, found 4",
        ),
        (
            "account,period,revenue\na,2025-01,5\n\n  \nb,2025-02,$x\n",
            "r.csv:5:3: revenue: expected an amount, got '$x'",
        ),
        ('account,period,revenue\n"a\nb",2025-01,5\nc,2025-01,1e999\n', "r.csv:4:3: revenue:"),
        ("account,period,revenue\na,2025-01,5\n,2025-01,5\n", "r.csv:3:1: account: empty account"),
        (
            "account,period,revenue\na,2025-01,nan\n",
            "r.csv:2:3: revenue: expected an amount, got 'nan'",
        ),
        ("account,period,revenue\na,03/2025,5\n", "r.csv:2:2: period: expected a period"),
    ],
)
def test_exact_errors(cli, tmp_path, text, expected):
    result = cli("metrics", _write(tmp_path / "r.csv", text))
    assert result.code == 2 and expected in result.err, result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("name", ["it's [Q1] *.csv", 'a"b;--.csv', "{x}.csv"])
def test_hostile_file_names_are_only_names(cli, tmp_path, name):
    path = tmp_path / name
    path.write_text((DATA / "source_trap_case.csv").read_text())
    read = json.loads(cli("metrics", path, "--format", "json").out)
    assert read["nrr"] == 1.11 and read["file"] == str(path)


def test_a_missing_column_names_the_shape_and_a_near_match(cli, tmp_path):
    text = "customer,start_dte,end_date,mrr\na,2025-01-01,,5\nb,2025-01-01,2026-02-01,5\n"
    path = _write(tmp_path / "r.csv", text)
    result = cli("metrics", path)
    assert result.code == 2 and "missing column 'start_date'" in result.err
    assert "did you mean start_dte?" in result.err
    result = cli("metrics", path, "--start-column", "start_dte")
    assert result.code == 0, result.err
