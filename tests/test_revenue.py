"""Revenue metrics from account-level files: the source's worked examples, hand-checked
cases for every kind of account, --by, windows, history, bad files and properties."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quicktest.domain.errors import InputError
from quicktest.sources.revenue.engine import Options, read_revenue

from .conftest import DATA


def wide(tmp_path: Path, rows: list[tuple], header: str = "account,start,end") -> Path:
    path = tmp_path / "revenue.csv"
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("start", "lost", "expansion", "nrr", "grr"),
    [
        (1_000_000, 100_000, 250_000, 1.15, 0.90),
        (10_000_000, 700_000, 1_800_000, 1.11, 0.93),
        (10_000_000, 3_500_000, 4_600_000, 1.11, 0.65),
    ],
)
def test_the_sources_worked_examples(tmp_path, start, lost, expansion, nrr, grr):
    # one account churns `lost`, another expands by `expansion`, the rest stay flat
    rows = [
        ("lost", lost, 0),
        ("grower", 1_000, 1_000 + expansion),
        ("rest", start - lost - 1_000, start - lost - 1_000),
    ]
    read = read_revenue(wide(tmp_path, rows))
    assert read.total.start == start
    assert read.total.nrr == pytest.approx(nrr)
    assert read.total.grr == pytest.approx(grr)


def test_source_trap_case_file(cli):
    result = cli("metrics", DATA / "source_trap_case.csv", "--format", "json")
    out = json.loads(result.out)
    assert (out["start"], out["churn"] + out["contraction"], out["expansion"]) == (
        10_000_000,
        3_500_000,
        4_600_000,
    )
    assert (out["nrr"], out["grr"]) == (1.11, 0.65)
    assert out["accounts"] == {"start": 8, "retained": 5, "churned": 3, "new": 0}
    assert out["logo_retention"] == 0.625


def test_each_kind_of_account_by_hand(tmp_path):
    rows = [
        ("churned", 100, 0),
        ("contracted", 100, 60),
        ("expanded", 100, 130),
        ("flat", 100, 100),
        ("new", 0, 500),
        ("never", 0, 0),
    ]
    total = read_revenue(wide(tmp_path, rows)).total
    assert (total.start, total.churn, total.contraction, total.expansion) == (400, 100, 40, 30)
    assert total.nrr == pytest.approx(290 / 400)
    assert total.grr == pytest.approx(260 / 400)
    assert (total.cohort, total.retained, total.new) == (4, 3, 1)
    assert total.logo_retention == pytest.approx(0.75)


def test_by_breaks_down_and_keeps_the_total(cli):
    out = json.loads(
        cli("metrics", DATA / "source_trap_case.csv", "--by", "Segment", "--format", "json").out
    )
    assert out["by_column"] == "segment"
    assert out["by"]["enterprise"]["nrr"] == pytest.approx(8_100_000 / 3_500_000, rel=1e-6)
    assert out["by"]["smb"]["accounts"] == {"start": 4, "retained": 2, "churned": 2, "new": 0}
    assert sum(g["start"] for g in out["by"].values()) == out["start"]


def test_long_file_default_window_new_and_reactivated_accounts():
    read = read_revenue(DATA / "long_monthly.csv", by="plan")
    assert read.window == ("2025-01", "2026-01")
    total = read.total
    # cohort at 2025-01: acme 100, bolt 200, core 50, fern 1000 (echo had lapsed: reactivated)
    assert (total.start, total.churn, total.contraction, total.expansion) == (1350, 50, 80, 50)
    assert (total.cohort, total.retained, total.new) == (4, 3, 2)  # dune new, echo reactivated
    assert read.by["team"].cohort == 2 and read.by["team"].new == 1
    # every end period whose start period is in the file: echo's 2024-06 opens a 2025-06 window
    assert [p.period for p in read.history] == ["2025-06", "2026-01"]


def test_long_file_window_and_quarterly_history(tmp_path):
    lines = ["account,period,revenue"]
    for year in (2024, 2025):
        for q in range(1, 5):
            lines.append(f"a,{year}-Q{q},{100 + (year - 2024) * 40 + q * 10}")
            lines.append(f"b,{year}-Q{q},{100 if year == 2024 else 0}")
    path = tmp_path / "q.csv"
    path.write_text("\n".join(lines) + "\n")
    read = read_revenue(path)
    assert read.window == ("2024-Q4", "2025-Q4")
    assert [p.period for p in read.history] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert read.metrics().series("nrr_history") == pytest.approx(tuple(p.nrr for p in read.history))
    assert read_revenue(path, start="2024-Q2").window == ("2024-Q2", "2025-Q2")
    assert read_revenue(path, end="2025-Q1").window == ("2024-Q1", "2025-Q1")
    with pytest.raises(InputError, match="no revenue in period 2023-Q4"):
        read_revenue(path, end="2024-Q4")


def test_thousands_separators_and_currency_signs_are_read(tmp_path):
    path = wide(tmp_path, [("a", '"$1,200.50"', '"$1,300.50"')])
    assert read_revenue(path).total.expansion == pytest.approx(100)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("account,start\na,1\n", "revenue.csv:1: missing column 'end'"),
        ("acount,period,revenue\n", "revenue.csv:1: missing column 'account'"),
        ("account,start,end\na,1,abc\n", "revenue.csv:2:3: end: expected an amount, got 'abc'"),
        ("account,start,end\na,-5,1\n", "revenue.csv:2:2: start: expected an amount of 0 or more"),
        (
            "account,start,end\na,1,1\nb,1,1\na,2,2\n",
            "revenue.csv:4:1: account: account 'a' appears twice (first on line 2)",
        ),
        (
            "account,period,revenue\na,2025-13,5\n",
            "revenue.csv:2:2: period: expected a period such as 2026-03 or 2026-Q1, got '2025-13'",
        ),
        (
            "account,period,revenue\na,2025-01,5\na,2025-Q2,5\n",
            "revenue.csv:3:2: period: months and quarters mixed",
        ),
        ("", "revenue.csv:1: empty file, expected a header row"),
        ("account,start,end\n", "revenue.csv:2: no rows after the header"),
        ("account,start,end\na,1\n", "revenue.csv:2: expected 3 columns, found 2"),
    ],
)
def test_bad_files_exit_2_with_line_and_column(cli, tmp_path, text, expected):
    path = tmp_path / "revenue.csv"
    path.write_text(text)
    result = cli("metrics", path)
    assert result.code == 2
    assert expected in result.err, result.err
    assert "Traceback" not in result.err


def test_unknown_by_column_suggests(cli):
    result = cli("metrics", DATA / "source_trap_case.csv", "--by", "segmnt")
    assert result.code == 2 and "did you mean segment?" in result.err


def test_text_reads_like_an_analysts_note(cli):
    out = cli("metrics", DATA / "source_trap_case.csv").out
    assert "Starting revenue" in out and "10,000,000" in out
    assert "111%  strong expansion inside existing accounts" in out
    assert "GRR               65%  benchmark 88% to 90%" in out
    assert (
        "Warning: NRR of 111% stands on a thin base: GRR is 65%, under the benchmark range."
        in " ".join(out.split())
    )
    assert "Warning: NRR of 111% stands on a thin base: logo retention is 62.5%" in " ".join(
        out.split()
    )


def test_score_with_revenue_uses_computed_metrics_and_says_so(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("answers: {}\nmetrics:\n  nrr: 120%\n  grr: 95%\n")
    read = json.loads(
        cli("score", answers, "--revenue", DATA / "source_trap_case.csv", "--format", "json").out
    )
    assert read["metrics"]["grr"] == pytest.approx(0.65)
    assert any("from the revenue file replaces the given 120%" in n for n in read["notes"])
    assert read["dominant"] == "vibe_revenue"


amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False) | st.just(0.0)


@settings(deadline=None)  # a busy machine is no failure
@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=40))
def test_grr_never_exceeds_100_or_nrr_and_nrr_is_grr_plus_expansion(pairs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "revenue.csv"
        path.write_text(
            "account,start,end\n" + "".join(f"a{i},{s!r},{e!r}\n" for i, (s, e) in enumerate(pairs))
        )
        movement = read_revenue(path, options=Options(decimal="point")).total
    if movement.start == 0:
        assert movement.nrr is None and movement.grr is None
        return
    assert 0 <= movement.grr <= 1 + 1e-9
    assert movement.grr <= movement.nrr + 1e-9
    assert movement.nrr == pytest.approx(
        movement.grr + movement.expansion / movement.start, rel=1e-9, abs=1e-9
    )
