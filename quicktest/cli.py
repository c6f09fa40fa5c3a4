"""The command line only: parse arguments, call the domain, print, and choose the exit status.

Exit status: 0 done, 2 bad input (one message on stderr naming the place), 1 an internal fault.
Heavy faces (Textual, WeasyPrint) are imported inside the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from quicktest import __version__
from quicktest.errors import InputError, InputErrors

EXIT_OK, EXIT_FAULT, EXIT_INPUT = 0, 1, 2


def _bank(args: argparse.Namespace):
    from quicktest.bank import load_bank
    from quicktest.locations import questions_dir

    return load_bank(questions_dir(args.questions))


def _given(args: argparse.Namespace, bank):
    """The answers file plus --metrics, as one Answers value."""
    from dataclasses import replace

    from quicktest.answers import load_answers, load_metrics_file

    given = load_answers(Path(args.answers), bank)
    metrics = given.metrics
    if args.metrics:
        metrics = metrics.merged(load_metrics_file(Path(args.metrics)), "the metrics file")
    if args.revenue:
        from quicktest.revenue import read_revenue

        metrics = metrics.merged(read_revenue(Path(args.revenue)).metrics())
    return replace(given, metrics=metrics)


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def cmd_score(args: argparse.Namespace) -> int:
    from quicktest.engine import score

    bank = _bank(args)
    read = score(bank, _given(args, bank))
    if args.format == "json":
        _print_json(read.as_json())
    else:
        from quicktest.textread import render

        render(read, len(bank.questions), _console())
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from quicktest.bank import load_bank
    from quicktest.locations import questions_dir

    folder = questions_dir(args.folder or args.questions)
    bank = load_bank(folder)
    rules = sum(len(p.metric_rules) for p in bank.patterns)
    if args.format == "json":
        _print_json(
            {
                "folder": str(folder),
                "id": bank.info.id,
                "version": bank.info.version,
                "questions": len(bank.questions),
                "patterns": len(bank.patterns),
                "metric_rules": rules,
                "benchmarks": len(bank.benchmarks),
            }
        )
    else:
        print(f"{folder}: {bank.info.title} {bank.info.version}: ok")
        print(
            f"  {len(bank.questions)} questions, {len(bank.patterns)} patterns "
            f"({', '.join(p.id for p in bank.patterns)}), {rules} metric rules, "
            f"{len(bank.benchmarks)} benchmarks"
        )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from quicktest.engine import score

    bank = _bank(args)
    read = score(bank, _given(args, bank))
    from quicktest.report.render import render  # WeasyPrint loads here, once the input is good

    render(bank, read, Path(args.output), Path(args.html) if args.html else None, args.paper)
    print(args.output)
    return EXIT_OK


def _store(args: argparse.Namespace):
    from quicktest.store import Store

    return Store(Path(args.db) if args.db else None)


def cmd_run(args: argparse.Namespace) -> int:
    bank, store = _bank(args), _store(args)
    resume = store.resolve(args.resume) if getattr(args, "resume", None) else None
    from quicktest.tui.app import QuickTestApp

    QuickTestApp(
        bank, store, getattr(args, "client", None), getattr(args, "respondent", None), resume
    ).run()
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    from quicktest.revenue import read_revenue

    read = read_revenue(Path(args.csv), by=args.by, start=args.start, end=args.end)
    if args.format == "json":
        _print_json(read.as_json())
    else:
        from quicktest.textmetrics import render

        render(_bank(args), read, _console())
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--questions",
        metavar="DIR",
        help="question bank folder (default: the shipped bank, or $QUICKTEST_QUESTIONS)",
    )
    common.add_argument(
        "--db",
        metavar="PATH",
        help="session store (default: in your data folder, or $QUICKTEST_DB)",
    )
    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=("text", "json"), default="text")

    parser = argparse.ArgumentParser(
        prog="quicktest",
        parents=[common],
        description="Seven questions, five minutes: which revenue failure pattern costs the "
        "most right now.",
    )
    parser.add_argument("--version", action="version", version=f"quicktest {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str,
        run: Callable[[argparse.Namespace], int],
        text: str,
        *parents: argparse.ArgumentParser,
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, parents=[common, *parents])
        sub.set_defaults(run=run)
        return sub

    run = command("run", cmd_run, "Run the quick test in the terminal (the default).")
    run.add_argument("--client", metavar="NAME", help="the client's name")
    run.add_argument("--respondent", metavar="NAME", help="who is answering")
    run.add_argument("--resume", metavar="ID", help="resume a saved session")

    score = command(
        "score", cmd_score, "Score an answers file and print the pattern read.", formats
    )
    score.add_argument("answers", metavar="ANSWERS", help="answers file (YAML or JSON)")
    score.add_argument("--metrics", metavar="FILE", help="metrics file (YAML or JSON)")
    score.add_argument(
        "--revenue",
        metavar="CSV",
        help="account-level revenue; NRR, GRR and logo retention computed from "
        "it replace given values",
    )

    report = command("report", cmd_report, "Render the pattern read as a PDF report.")
    report.add_argument("answers", metavar="ANSWERS", help="answers file (YAML or JSON)")
    report.add_argument("--metrics", metavar="FILE", help="metrics file (YAML or JSON)")
    report.add_argument("--revenue", metavar="CSV", help="account-level revenue file")
    report.add_argument("-o", "--output", metavar="OUT.pdf", required=True, help="PDF to write")
    report.add_argument("--html", metavar="OUT.html", help="also write the report's HTML")
    report.add_argument("--paper", choices=("a4", "letter"), default="a4")

    metrics = command(
        "metrics",
        cmd_metrics,
        "Compute NRR, GRR and logo retention from account-level revenue.",
        formats,
    )
    metrics.add_argument("csv", metavar="CSV", help="account,start,end or account,period,revenue")
    metrics.add_argument("--by", metavar="COLUMN", help="break down by a column's values")
    metrics.add_argument("--from", dest="start", metavar="PERIOD", help="window start (long file)")
    metrics.add_argument("--to", dest="end", metavar="PERIOD", help="window end (long file)")

    validate = command(
        "validate", cmd_validate, "Check a question bank and say what it holds.", formats
    )
    validate.add_argument(
        "folder", metavar="QUESTIONS_DIR", nargs="?", help="bank folder (default: the shipped bank)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.run = cmd_run  # no command: the terminal app, as `quicktest run`
    try:
        return args.run(args)
    except (InputError, InputErrors) as exc:
        print(f"quicktest: {exc}".replace("\n", "\nquicktest: "), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal fault: say so briefly; full detail on request
        if os.environ.get("QUICKTEST_DEBUG"):
            raise
        print(
            f"quicktest: internal error: {type(exc).__name__}: {exc} "
            "(set QUICKTEST_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return EXIT_FAULT
