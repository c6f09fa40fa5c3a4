"""`quicktest metrics`: NRR, GRR and logo retention from account-level revenue (a file, or a
PostgreSQL table), or the query that computes them where the data lives."""

from __future__ import annotations

import argparse

from quicktest.app import revenue
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_format, add_revenue_reading, revenue_spec
from quicktest.faces.cli.output import print_json

DIALECTS = ("duckdb", "postgresql", "snowflake", "bigquery")  # the cohort module's, by name


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_revenue_reading(parser)
    add_format(parser)
    parser.add_argument(
        "source",
        metavar="FILE",
        nargs="?",
        default="",
        help="revenue file (CSV, Parquet, xlsx; - for standard input), or a postgresql:// URL "
        "with --table",
    )
    parser.add_argument("--by", metavar="COLUMN", help="break down by a column's values")
    parser.add_argument("--from", dest="start", metavar="PERIOD", help="window start (long file)")
    parser.add_argument("--to", dest="end", metavar="PERIOD", help="window end (long file)")
    where = parser.add_argument_group("the same query where the data lives")
    where.add_argument(
        "--sql",
        metavar="DIALECT",
        choices=DIALECTS,
        help="print the cohort query for a table, in duckdb, postgresql, snowflake or bigquery",
    )
    where.add_argument("--table", metavar="NAME", help="the table (or view) the query reads")
    where.add_argument(
        "--months",
        metavar="N",
        type=int,
        default=25,
        help="months the printed query covers, back from the latest (default: 25; 13 to 133)",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    spec = revenue_spec(args, args.source or "-")
    assert spec is not None
    if args.sql:
        if not args.table or args.source:
            raise InputError("--sql prints the query for a table: give --table NAME, no FILE")
        print(revenue.query_text(args.sql, args.table, spec, args.months))
        return EXIT_OK
    if not args.source:
        raise InputError("give a revenue file, or a postgresql:// URL with --table", field="FILE")
    if args.source.startswith(("postgresql://", "postgres://")):
        if not args.table:
            raise InputError("a postgresql:// URL needs --table NAME", field="--table")
        report = revenue.read_table(workspace.bank, args.source, args.table, spec)
    else:
        report = revenue.read_file(workspace.bank, spec)
    if args.format == "json":
        print_json(report.as_json())
    else:
        from quicktest.faces.text.metrics import render
        from quicktest.faces.text.style import Out

        render(report, Out())
    return EXIT_OK
