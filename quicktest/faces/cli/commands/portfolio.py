"""`quicktest portfolio`: every client's latest read across the store, as text, JSON, CSV or
a PDF with the consultant's brand."""

from __future__ import annotations

import argparse
import csv
import sys

from quicktest.app.portfolio import portfolio_of, write_portfolio
from quicktest.app.report import PAPERS
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.domain.portfolio import Portfolio
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_brand
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
    parser.add_argument("-o", "--output", metavar="OUT.pdf", help="also write it as a PDF")
    parser.add_argument("--paper", choices=PAPERS, default="a4")
    add_brand(parser)
    parser.add_argument("--from", dest="start", metavar="DATE", help="sessions from this day")
    parser.add_argument("--to", dest="end", metavar="DATE", help="sessions up to this day")
    parser.add_argument("--tag", metavar="TAG", help="only clients carrying this tag")
    parser.add_argument(
        "--min-clients",
        type=int,
        metavar="N",
        help="clients needed before each one's place among them is shown (default: "
        "portfolio: min_clients in config.yaml in your config folder, else 10)",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.output:
        workspace.check_output(args.output, "--output")
    brand = workspace.brand(args.brand) if args.output else None
    found = portfolio_of(workspace, args.start, args.end, args.tag, args.min_clients)
    bank = workspace.bank
    if args.format == "json":
        print_json(found.as_json(bank))
    elif args.format == "csv":
        _csv(bank, found)
    else:
        from quicktest.faces.text.portfolio import render
        from quicktest.faces.text.style import Out

        render(bank, found, Out())
    if args.output:
        from quicktest.faces.report.render import render_portfolio

        write_portfolio(workspace, found, render_portfolio, args.output, args.paper, brand)
        print(args.output, file=sys.stderr)
    return EXIT_OK


def _csv(bank: Bank, found: Portfolio) -> None:
    """One row per client: who, when, its dominant pattern, and per pattern its score, its
    change since the previous read and its percentile (empty where not shown); then how
    many respondents an anonymity threshold holds back from it."""
    ids = [p.id for p in bank.patterns]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "client",
            "tags",
            "date",
            "respondents",
            "pending",
            "dominant",
            "level",
            "direction",
            *(f"{kind}_{pid}" for kind in ("score", "change", "percentile") for pid in ids),
            "waiting",
        ]
    )
    for row in found.rows:
        data = row.as_json(bank)
        places = data["percentiles"] or {}
        writer.writerow(
            [
                data["client"],
                ";".join(data["tags"]),
                data["date"],
                data["respondents"],
                data["pending"],
                data["dominant"] or "",
                data["level"] or "",
                data["direction"],
                *(data["scores"][pid] for pid in ids),
                *(data["change"].get(pid, "") for pid in ids),
                *(places.get(pid, "") for pid in ids),
                data["waiting"],
            ]
        )
