"""`quicktest run` (and `quicktest` alone): the quick test in the terminal."""

from __future__ import annotations

import argparse

from quicktest.app import sessions
from quicktest.app.revenue import read_file
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_brand, add_revenue_reading, revenue_spec
from quicktest.faces.cli.renderer import lazy_render


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.add_argument("--client", metavar="NAME", help="the client's name")
    parser.add_argument("--respondent", metavar="NAME", help="who is answering")
    parser.add_argument("--role", metavar="ROLE", help="their role: CEO, CFO, Sales, ...")
    parser.add_argument("--resume", metavar="ID", help="resume a saved session")
    add_brand(parser)
    parser.add_argument(
        "--revenue",
        metavar="FILE",
        help="account-level revenue: its NRR, GRR and logo retention enter every read, its "
        "warnings shown with it",
    )
    add_revenue_reading(parser)


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    workspace.check_writable()  # every answer is saved as it is given
    resume = sessions.resolved(workspace, args.resume) if args.resume else None
    if args.revenue in ("-", "/dev/stdin"):
        raise InputError(
            "the app reads its keys from standard input: give the revenue file's name",
            field="--revenue",
        )
    spec = revenue_spec(args, args.revenue)
    revenue = read_file(workspace.bank, spec) if spec else None  # a bad file stops here
    brand = workspace.brand(args.brand)
    from quicktest.faces.tui.app import QuickTestApp

    QuickTestApp(
        workspace,
        args.client,
        args.respondent,
        resume,
        role=args.role,
        render=lazy_render,
        revenue=revenue,
        brand=brand,
    ).run()
    return EXIT_OK
