"""`quicktest report`: the read as a shareable PDF (and its HTML)."""

from __future__ import annotations

import argparse
import sys

from quicktest.app.reading import read_inputs
from quicktest.app.report import PAPERS, check_outputs, write_report
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_brand, add_inputs, inputs_of

# Once the PDF is written, end without the interpreter's teardown (see main.entry).
EXIT_AT_ONCE = True


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_inputs(parser)
    parser.add_argument("-o", "--output", metavar="OUT.pdf", required=True, help="PDF to write")
    parser.add_argument("--html", metavar="OUT.html", help="also write the report's HTML")
    parser.add_argument("--paper", choices=PAPERS, default="a4")
    add_brand(parser)
    parser.add_argument(
        "--among-clients",
        action="store_true",
        help="with --client: a page on the client's place among the consultant's clients "
        "(shown when the store holds enough clients: see portfolio --min-clients)",
    )
    parser.add_argument("--min-clients", type=int, metavar="N", help=argparse.SUPPRESS)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    check_outputs(workspace, args.output, args.html, args.answers, args.metrics, args.revenue)
    brand = workspace.brand(args.brand)
    # a client's report leads with its combined read; a stored session whose client has
    # several respondents gets a page about them
    read = read_inputs(workspace, inputs_of(args), with_client=True, with_hinges=False)
    if args.among_clients:
        if not read.of_client:
            raise InputError("--among-clients needs --client NAME", field="--among-clients")
        from quicktest.app.portfolio import standing_of

        standing = standing_of(workspace, args.client, args.min_clients)
        if standing is None:
            print(
                "quicktest: note: no page among the clients: the store holds too few clients "
                "to rank them (see quicktest portfolio)",
                file=sys.stderr,
            )
        read = read._replace(among=standing)
    from quicktest.faces.report.render import render  # WeasyPrint loads once input is good

    write_report(workspace.bank, read, render, args.output, args.html, args.paper, brand)
    print(args.output)
    return EXIT_OK
