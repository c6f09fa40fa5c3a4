"""`quicktest score`: the read of an answers file, a session or a client, for a terminal or
for scripts."""

from __future__ import annotations

import argparse

from quicktest.app.reading import read_inputs
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_format, add_inputs, inputs_of
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_inputs(parser)
    add_format(parser)
    parser.add_argument(
        "--way-out",
        action="store_true",
        help="add the way out, the healthier changes that would lower each pattern called "
        "(the PDF report always has it)",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    read = read_inputs(workspace, inputs_of(args), with_way_out=args.way_out)
    if args.format == "json":
        print_json(read.as_json())
    else:
        from quicktest.faces.text.read import render
        from quicktest.faces.text.style import Out

        render(workspace.bank, read, Out())
    return EXIT_OK
