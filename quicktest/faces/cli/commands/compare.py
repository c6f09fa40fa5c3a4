"""`quicktest compare`: two reads of one respondent over time, or a client's respondents."""

from __future__ import annotations

import argparse

from quicktest.app.compare import client_compared, compared
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_format
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument("a", metavar="A", nargs="?", help="session id or answers file")
    parser.add_argument("b", metavar="B", nargs="?", help="session id or answers file")
    parser.add_argument("--client", metavar="NAME", help="compare every respondent of this client")


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    from quicktest.faces.text.style import Out

    if args.client:
        read = client_compared(workspace, args.client)
        if args.format == "json":
            print_json(read.as_json(with_changes=False))
        else:
            from quicktest.faces.text.client import compared as render_client

            render_client(workspace.bank, read, Out())
        return EXIT_OK
    if not (args.a and args.b):
        raise InputError("give two sessions or answer files, or --client NAME", field="compare")
    result = compared(workspace, args.a, args.b)
    if args.format == "json":
        print_json(result.as_json())
    else:
        from quicktest.faces.text.compare import render

        render(workspace.bank, result, Out())
    return EXIT_OK
