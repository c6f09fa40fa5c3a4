"""`quicktest batch`: a form tool's responses CSV, one read per row, and a summary."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from quicktest.app import batch
from quicktest.app.workspace import Workspace
from quicktest.domain.bank import Bank
from quicktest.faces.cli.exits import EXIT_INPUT, EXIT_OK
from quicktest.faces.cli.options import add_brand, add_format


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument("responses", metavar="RESPONSES.csv")
    parser.add_argument(
        "-o",
        "--out",
        metavar="OUT_DIR",
        help="write reads.jsonl (and PDFs) here instead of to stdout",
    )
    parser.add_argument("--pdf", action="store_true", help="one PDF report per good row")
    add_brand(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes that score (default: one per core and one more for a large file, else 1)",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    """Exit 0 when every row was scored, 2 when some were wrong (they are listed, and
    skipped)."""
    responses = Path(args.responses)
    render = None
    brand = None
    if args.pdf:
        brand = workspace.brand(args.brand)
        from quicktest.faces.report.render import render

    def skipped(line: int, reason: str) -> None:
        print(f"quicktest: {responses}:{line}: skipped: {reason}", file=sys.stderr)

    summary = batch.run(
        workspace,
        responses,
        Path(args.out) if args.out else None,
        sys.stdout,
        skipped,
        _progress,
        render,
        args.jobs,
        brand,
    )
    stream = sys.stdout if args.out else sys.stderr
    if args.format == "json":
        print(json.dumps(summary.as_json(), indent=2), file=stream)
    else:
        _print_summary(workspace.bank, summary, stream)
    return EXIT_INPUT if summary.errors else EXIT_OK


def _print_summary(bank: Bank, summary: batch.Summary, stream: TextIO) -> None:
    from quicktest.faces.text.style import Out

    names = {p.id: p.name for p in bank.patterns} | {
        "none": "No dominant pattern",
        "tie": "A tie at the top",
    }
    out = Out(stream)
    out.line(
        (
            f"{summary.scored} of {summary.rows} rows scored, {len(summary.errors)} skipped",
            "italic",
        )
    )
    out.table(
        [
            (names[pattern], str(count), f"{count / summary.scored if summary.scored else 0:.0%}")
            for pattern, count in sorted(summary.dominant.items(), key=lambda kv: -kv[1])
        ],
        header=("Dominant pattern", "Rows", "Share"),
        right=(1, 2),
    )


def _progress() -> Callable[[int | None], None]:
    """A progress callback: a bar on a terminal (rows read so far), nothing otherwise."""
    if not sys.stderr.isatty():
        return lambda line: None
    from rich.progress import Progress

    bar = Progress(transient=True, console=None)
    task = bar.add_task("scoring", total=None)
    bar.start()

    def update(line: int | None) -> None:
        if line is None:
            bar.stop()
        else:
            bar.update(task, completed=line)

    return update
