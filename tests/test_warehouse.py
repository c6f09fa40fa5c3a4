"""The cohort query where the data lives: printed in four dialects, and run on a real
PostgreSQL server (Debian's, started in a temporary folder on a Unix socket by
tests/postgres.py, one for the whole test session) with the same figures as the embedded
engine."""

from __future__ import annotations

import json

import pytest
import sqlglot

from .conftest import DATA


@pytest.fixture(scope="module")
def postgres(postgres_server) -> str:
    """A database of this module's own on the tests' PostgreSQL server; its URL."""
    return postgres_server.url(postgres_server.new_database())


def _load(url: str, rows: list[tuple[str, str, float]]) -> None:
    import psycopg

    with psycopg.connect(url) as con:
        con.execute('DROP TABLE IF EXISTS "Revenue Table"')
        con.execute('CREATE TABLE "Revenue Table" ("Customer" text, month date, mrr numeric(14,2))')
        with con.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO "Revenue Table" VALUES (%s, %s, %s)',
                [(a, f"{p}-01", v) for a, p, v in rows],
            )


def _rows() -> list[tuple[str, str, float]]:
    """Three years of monthly revenue for forty accounts, with churn, expansion and new ones."""
    rows = []
    for n in range(40):
        for month in range(36):
            if (n % 7 == 0 and month > 20) or (n % 5 == 0 and month < 10):
                continue  # churned late, or joined late
            year, m = divmod(month, 12)
            rows.append(
                (
                    f"acct {n}",
                    f"{2023 + year}-{m + 1:02d}",
                    round(100 + n * 3.7 + month * (n % 4 - 1.5), 2),
                )
            )
    return rows


def test_the_server_gives_the_embedded_figures(cli, postgres, tmp_path):
    rows = _rows()
    _load(postgres, rows)
    csv = tmp_path / "revenue.csv"
    csv.write_text("account,period,revenue\n" + "".join(f"{a},{p},{v:.2f}\n" for a, p, v in rows))
    local = json.loads(cli("metrics", csv, "--format", "json").out)
    flags = (
        "--table",
        "Revenue Table",
        "--account",
        "Customer",
        "--period",
        "month",
        "--amount",
        "mrr",
    )
    result = cli("metrics", postgres, *flags, "--format", "json")
    assert result.code == 0, result.err
    server = json.loads(result.out)
    for key in ("nrr", "grr", "logo_retention", "start", "churn", "contraction", "expansion"):
        assert server[key] == pytest.approx(local[key], abs=1e-9), key
    assert server["accounts"] == local["accounts"] and server["window"] == local["window"]
    assert [p["period"] for p in server["nrr_history"]] == [
        p["period"] for p in local["nrr_history"]
    ]
    for ours, theirs in zip(local["nrr_history"], server["nrr_history"], strict=True):
        assert theirs["nrr"] == pytest.approx(ours["nrr"], abs=1e-9)
        assert theirs["grr"] == pytest.approx(ours["grr"], abs=1e-9)


def test_placeholder_dates_on_the_server_size_nothing_and_are_named(cli, postgres, tmp_path):
    """A 9999-12-31 and a 0001-01-01 in the table: the query covers the months the engine
    would, and both reads name what they left out."""
    rows = [*_rows(), ("acct 1", "9999-12", 5.0), ("acct 2", "0001-01", 5.0)]
    _load(postgres, rows)
    csv = tmp_path / "revenue.csv"
    csv.write_text("account,period,revenue\n" + "".join(f"{a},{p},{v:.2f}\n" for a, p, v in rows))
    local = json.loads(cli("metrics", csv, "--format", "json").out)
    flags = ("--table", "Revenue Table", "--account", "Customer", "--period", "month")
    result = cli("metrics", postgres, *flags, "--amount", "mrr", "--format", "json")
    assert result.code == 0, result.err
    server = json.loads(result.out)
    assert server["window"] == local["window"] == {"from": "2024-12", "to": "2025-12"}
    assert server["nrr"] == pytest.approx(local["nrr"], abs=1e-9)
    for read in (server, local):
        assert {"after_as_of", "far_dates"} <= {w["code"] for w in read["warnings"]}


def test_a_server_fault_is_bad_input_without_the_password(cli, postgres):
    in_user_part = postgres.replace("postgres@", "postgres:s3cret@")
    among_parameters = postgres + ("&" if "?" in postgres else "?") + "password=s3cret"
    for bad in (in_user_part, among_parameters):
        result = cli("metrics", bad, "--table", "no_such_table")
        assert result.code == 2 and "no_such_table" in result.err and "s3cret" not in result.err


@pytest.mark.parametrize("dialect", ["duckdb", "postgresql", "snowflake", "bigquery"])
def test_the_printed_query_is_valid_sql_of_its_dialect(cli, dialect):
    result = cli("metrics", "--sql", dialect, "--table", "analytics.revenue", "--months", "15")
    assert result.code == 0, result.err
    read = {"postgresql": "postgres"}.get(dialect, dialect)
    [statement] = sqlglot.parse(result.out, read=read)
    assert "analytics" in result.out and "m14" in result.out and "m15" not in result.out
    assert statement is not None


def test_the_printed_duckdb_query_gives_the_engines_figures(cli, tmp_path):
    """The query a warehouse gets, run by DuckDB on a table: the engine's own figures."""
    import duckdb

    query = cli("metrics", "--sql", "duckdb", "--table", "revenue").out
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE revenue AS SELECT account, strptime(period || '-01', '%Y-%m-%d')::DATE "
        f"AS period, revenue FROM read_csv('{DATA / 'long_monthly.csv'}', all_varchar = true) "
        "WHERE revenue NOT LIKE '$%'"
    )
    rows = con.execute(query).fetchall()
    last = rows[-1]
    assert (last[0], last[1]) == (2026, 1)
    assert last[5] == pytest.approx(350)  # start_revenue: fern's "$1,000.00" left out above
