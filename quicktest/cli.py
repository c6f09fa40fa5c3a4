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
from quicktest.errors import (
    EXIT_FAULT,
    EXIT_INPUT,
    EXIT_OK,
    InputError,
    InputErrors,
    SetupError,
    did_you_mean,
)


def _bank(args: argparse.Namespace):
    from quicktest.bank import load_bank
    from quicktest.locations import questions_dir

    return load_bank(questions_dir(args.questions))


ANSWER_SUFFIXES = (".yaml", ".yml", ".json")


def _answers_of(args: argparse.Namespace, bank, ref: str):
    """The answers of a file or of a stored session, and the session (None for a file).

    A name that is not a file and does not look like one is taken for a session id.
    """
    from quicktest.answers import load_answers

    path = Path(ref)
    if path.is_file() or path.suffix.lower() in ANSWER_SUFFIXES or os.sep in ref:
        return load_answers(path, bank), None
    from quicktest.store import default_path

    unknown = f"{ref!r} is neither an answers file nor a session id"
    if not Path(args.db or default_path()).exists():  # a lookup must not create a store
        raise InputError(unknown, field="ANSWERS", hint="no session store yet")
    try:
        session = _store(args).get(ref)
    except InputError as exc:
        raise InputError(unknown, field="ANSWERS", hint=exc.hint) from None
    return session.as_answers(), session


def _given(args: argparse.Namespace, bank):
    """The answers (a file, a session id or --client's latest session) plus --metrics and
    --revenue as one Answers value, and the session they came from, if any."""
    from dataclasses import replace

    from quicktest.answers import load_metrics_file

    if args.client and args.answers:
        raise InputError("give ANSWERS or --client, not both", field="--client")
    if args.client:
        session = _client_sessions(args, args.client)[0]
        given = session.as_answers()
    elif args.answers:
        given, session = _answers_of(args, bank, args.answers)
    else:
        raise InputError("give an answers file, a session id or --client NAME", field="ANSWERS")
    metrics = given.metrics
    if args.metrics:
        metrics = metrics.merged(load_metrics_file(Path(args.metrics)), "the metrics file")
    if args.revenue:
        from quicktest.revenue import read_revenue

        metrics = metrics.merged(read_revenue(Path(args.revenue)).metrics())
    return replace(given, metrics=metrics), session


def _client_sessions(args: argparse.Namespace, client: str) -> list:
    """The client's latest session per respondent; an unknown client gets a near match."""
    store = _store(args)
    sessions = store.respondents(client)
    if not sessions:
        known = sorted({s.client for s in store.list() if s.client})
        raise InputError(
            f"no sessions for client {client!r}",
            str(store.path),
            field="--client",
            hint=did_you_mean(client, known) or "see quicktest sessions list",
        )
    return sessions


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def cmd_score(args: argparse.Namespace) -> int:
    from quicktest.engine import score

    bank = _bank(args)
    given, _ = _given(args, bank)
    read = score(bank, given)
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
    from quicktest.compare import of_session
    from quicktest.engine import score

    bank = _bank(args)
    given, session = _given(args, bank)
    read = score(bank, given)
    # A stored client with several respondents gets a page on where they disagree.
    others = of_session(bank, _store(args), session) if session else None
    from quicktest.report.render import render  # WeasyPrint loads here, once the input is good

    render(
        bank,
        read,
        Path(args.output),
        Path(args.html) if args.html else None,
        args.paper,
        others,
    )
    print(args.output)
    return EXIT_OK


def _store(args: argparse.Namespace):
    """The command's one connection to the session store, opened when first needed and
    closed by `main` (closing merges the write-ahead log into the file)."""
    if getattr(args, "opened_store", None) is None:
        from quicktest.store import Store

        args.opened_store = Store(Path(args.db) if args.db else None)
    return args.opened_store


def cmd_run(args: argparse.Namespace) -> int:
    bank, store = _bank(args), _store(args)
    resume = store.resolve(args.resume) if getattr(args, "resume", None) else None
    from quicktest.tui.app import QuickTestApp

    QuickTestApp(
        bank, store, getattr(args, "client", None), getattr(args, "respondent", None), resume
    ).run()
    return EXIT_OK


def _read_of(args: argparse.Namespace, bank, ref: str):
    """A read of a session id or an answers file, and a label for it."""
    from quicktest.engine import score

    given, session = _answers_of(args, bank, ref)
    return score(bank, given), f"session {session.id}" if session else ref


def cmd_sessions(args: argparse.Namespace) -> int:
    from quicktest.answers import load_answers, write_answers
    from quicktest.engine import score

    store = _store(args)
    action = args.action
    if action == "list":
        sessions = [s.summary() for s in store.list(client=args.client)]
        if args.format == "json":
            _print_json(sessions)
        else:
            from rich.table import Table

            table = Table(box=None, header_style="bold")
            for name in ("id", "client", "respondent", "date", "state", "answered"):
                table.add_column(name)
            for s in sessions:
                table.add_row(
                    *(
                        str(s[k] or "")
                        for k in ("id", "client", "respondent", "date", "state", "answered")
                    )
                )
            _console().print(table if sessions else "No sessions yet.")
    elif action == "show":
        bank = _bank(args)
        session = store.get(args.id)
        read = score(bank, session.as_answers())
        if args.format == "json":
            _print_json(
                {
                    **session.summary(),
                    "bank_version": session.bank_version,
                    "answers": session.answers,
                    "read": read.as_json(),
                }
            )
        else:
            from quicktest.textread import render

            print(f"Session {session.id} ({session.state}, bank {session.bank_version})")
            render(read, len(bank.questions), _console())
    elif action == "export":
        session = store.get(args.id)
        write_answers(session.as_answers(), Path(args.output))
        print(args.output)
    elif action == "import":
        bank = _bank(args)
        session = store.add(load_answers(Path(args.file), bank), bank.info.id, bank.info.version)
        _print_json({"id": session.id}) if args.format == "json" else print(session.id)
    elif action == "delete":
        print(f"deleted {store.delete(args.id)}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from quicktest import compare

    bank = _bank(args)
    if args.client:
        result = compare.of_client(bank, _client_sessions(args, args.client))
        if result is None:
            raise InputError(
                f"client {args.client!r} has one respondent; comparing respondents needs two "
                "or more (compare A B compares one respondent over time)",
                field="--client",
            )
    else:
        if not (args.a and args.b):
            raise InputError("give two sessions or answer files, or --client NAME", field="compare")
        (before, label_a), (after, label_b) = (
            _read_of(args, bank, args.a),
            _read_of(args, bank, args.b),
        )
        result = compare.compare(bank, before, after, (label_a, label_b))
    if args.format == "json":
        _print_json(result.as_json())
    else:
        from quicktest.textcompare import render

        render(bank, result, _console())
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from quicktest.batchrun import run_batch

    return run_batch(
        _bank(args),
        Path(args.responses),
        Path(args.out) if args.out else None,
        args.pdf,
        args.format,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import shlex

    from textual_serve.server import Server

    command = [sys.executable, "-m", "quicktest", "run"]
    for flag, value in (("--questions", args.questions), ("--db", args.db)):
        if value:
            command += [flag, str(Path(value).resolve())]
    print(f"quicktest in the browser: http://{args.host}:{args.port}", file=sys.stderr)
    Server(shlex.join(command), host=args.host, port=args.port, title="quicktest").serve()
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
    def store_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument(
            "--questions",
            metavar="DIR",
            help="question bank folder (default: the shipped bank, or $QUICKTEST_QUESTIONS)",
        )
        parser.add_argument(
            "--db",
            metavar="PATH",
            help="session store (default: in your data folder, or $QUICKTEST_DB)",
        )
        return parser

    # The options may come before or after the command. A command's copies default to
    # SUPPRESS so that they do not reset a value given before the command to None.
    common = store_options(
        argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    )
    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=("text", "json"), default="text")

    parser = argparse.ArgumentParser(
        prog="quicktest",
        description="Seven questions, five minutes: which revenue failure pattern costs the "
        "most right now.",
    )
    store_options(parser)
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

    # what a read is made of: the same for a read on screen and a read as a PDF
    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument(
        "answers", metavar="ANSWERS", nargs="?", help="answers file (YAML or JSON) or session id"
    )
    inputs.add_argument(
        "--client",
        metavar="NAME",
        help="instead of ANSWERS: this client's latest session in the store",
    )
    inputs.add_argument("--metrics", metavar="FILE", help="metrics file (YAML or JSON)")
    inputs.add_argument(
        "--revenue",
        metavar="CSV",
        help="account-level revenue; NRR, GRR and logo retention computed from "
        "it replace given values",
    )

    command(
        "score", cmd_score, "Score an answers file and print the pattern read.", inputs, formats
    )

    report = command("report", cmd_report, "Render the pattern read as a PDF report.", inputs)
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

    sessions = command("sessions", cmd_sessions, "List, show, export, import or delete sessions.")
    actions = sessions.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str, *parents: argparse.ArgumentParser):
        return actions.add_parser(name, help=text, description=text, parents=[common, *parents])

    action("list", "List sessions.", formats).add_argument(
        "--client", metavar="NAME", help="only this client's sessions"
    )
    action("show", "Show a session and its read.", formats).add_argument("id", metavar="ID")
    export = action("export", "Write a session as an answers file.")
    export.add_argument("id", metavar="ID")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="answers file to write (.json for JSON, else YAML)",
    )
    action("import", "Add an answers file to the store as a session.", formats).add_argument(
        "file", metavar="FILE"
    )
    action("delete", "Delete a session.").add_argument("id", metavar="ID")

    compare = command(
        "compare",
        cmd_compare,
        "Compare two reads (sessions or answer files), or a client's respondents.",
        formats,
    )
    compare.add_argument("a", metavar="A", nargs="?", help="session id or answers file")
    compare.add_argument("b", metavar="B", nargs="?", help="session id or answers file")
    compare.add_argument("--client", metavar="NAME", help="compare every respondent of this client")

    batch = command(
        "batch", cmd_batch, "Score a CSV of responses, one row per respondent.", formats
    )
    batch.add_argument("responses", metavar="RESPONSES.csv")
    batch.add_argument(
        "-o",
        "--out",
        metavar="OUT_DIR",
        help="write reads.jsonl (and PDFs) here instead of to stdout",
    )
    batch.add_argument("--pdf", action="store_true", help="one PDF report per good row")

    serve = command("serve", cmd_serve, "Serve the terminal app in a web browser.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

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
    except SetupError as exc:
        print(f"quicktest: {exc}", file=sys.stderr)
        return EXIT_FAULT
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
    finally:
        if getattr(args, "opened_store", None) is not None:
            args.opened_store.close()
