"""`quicktest report`: the read as a shareable PDF (and its HTML)."""

from __future__ import annotations

import argparse

from quicktest.app.reading import read_inputs
from quicktest.app.report import PAPERS, check_outputs, write_report
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_brand, add_inputs, inputs_of


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_inputs(parser)
    parser.add_argument("-o", "--output", metavar="OUT.pdf", required=True, help="PDF to write")
    parser.add_argument("--html", metavar="OUT.html", help="also write the report's HTML")
    parser.add_argument("--paper", choices=PAPERS, default="a4")
    add_brand(parser)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    check_outputs(workspace, args.output, args.html, args.answers, args.metrics, args.revenue)
    brand = workspace.brand(args.brand)
    # a client's report leads with its combined read; a stored session whose client has
    # several respondents gets a page about them
    read = read_inputs(workspace, inputs_of(args), with_client=True)
    from quicktest.faces.report.render import render  # WeasyPrint loads once input is good

    write_report(workspace.bank, read, render, args.output, args.html, args.paper, brand)
    print(args.output)
    return EXIT_OK
