"""`quicktest validate`: check a question bank, and with --explain, what its answers can do."""

from __future__ import annotations

import argparse

from quicktest.app.validate import checked
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_format
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument(
        "folder", metavar="QUESTIONS_DIR", nargs="?", help="bank folder (default: the shipped bank)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="for bank authors: each pattern's reachable scores, how often it is dominant "
        "over every combination of answers, and which questions decide it",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    result = checked(args.folder or args.questions)
    bank = result.bank
    if args.explain:
        from quicktest.domain.explain import explain

        explained = explain(bank)
        if args.format == "json":
            print_json({"folder": result.folder, "id": bank.id, **explained.as_json()})
        else:
            from quicktest.faces.text.explain import render
            from quicktest.faces.text.style import Out

            render(bank, explained, Out())
    elif args.format == "json":
        print_json(result.as_json())
    else:
        print(f"{result.folder}: {bank.title} {bank.version}: ok")
        print(
            f"  {len(bank.questions)} questions, {len(bank.patterns)} patterns "
            f"({', '.join(p.id for p in bank.patterns)}), {result.metric_rules} metric rules, "
            f"{len(bank.benchmarks)} benchmarks"
        )
    return EXIT_OK
