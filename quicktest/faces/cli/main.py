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

from quicktest import __version__
from quicktest.domain.errors import InputError, InputErrors, SetupError
from quicktest.faces.cli.exits import EXIT_FAULT, EXIT_INPUT, EXIT_OK


def _workspace(args: argparse.Namespace):
    """The command's one workspace (bank and store), made when first needed and closed by
    `main`."""
    if getattr(args, "workspace", None) is None:
        from quicktest.services import Workspace

        args.workspace = Workspace(args.questions, args.db)
    return args.workspace


def _bank(args: argparse.Namespace):
    return _workspace(args).bank


def _store(args: argparse.Namespace):
    return _workspace(args).store


def _print_json(data: object) -> None:
    # allow_nan=False: strict JSON (RFC 8259) or a fault of ours, never NaN in a script's input
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


def _brand(args: argparse.Namespace):
    """The brand the command's PDFs carry: --brand, $QUICKTEST_BRAND or the user's own;
    checked before any work, so a bad one stops the command with exit 2."""
    from quicktest.sources.locations import brand_folder

    folder = brand_folder(getattr(args, "brand", None))
    if folder is None:
        return None
    from quicktest.sources.brandfile import load_brand  # pydantic: only for a brand

    return load_brand(folder)


def _revenue_file(args: argparse.Namespace, path: str | None):
    """The revenue file a command names, with the flags that say how to read it."""
    if not path:
        return None
    from quicktest.sources.revenue.columns import Flags
    from quicktest.sources.revenue.engine import Options, RevenueFile

    return RevenueFile(
        path,
        Flags(
            account=args.account,
            period=args.period,
            amount=args.amount,
            start=args.start_column,
            end=args.end_column,
            by=getattr(args, "by", None),
            shape=args.shape,
        ),
        Options(
            start=getattr(args, "start", None),
            end=getattr(args, "end", None),
            sheet=args.sheet,
            currency=args.currency,
            decimal=args.decimal,
        ),
    )


def _given(args: argparse.Namespace):
    revenue = _revenue_file(args, args.revenue)
    return _workspace(args).given(args.answers, args.client, args.metrics, revenue)


def cmd_score(args: argparse.Namespace) -> int:
    from quicktest.domain.scoring import score
    from quicktest.domain.whatif import what_if

    bank = _bank(args)
    given, _ = _given(args)
    read = score(bank, given)
    changes = what_if(bank, read)
    if args.format == "json":
        _print_json({**read.as_json(), "what_if": [w.as_json() for w in changes]})
    else:
        from quicktest.faces.text.read import render
        from quicktest.faces.text.style import Out

        render(bank, read, Out(), changes)
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from quicktest.sources.bank import load_bank
    from quicktest.sources.locations import questions_dir

    folder = questions_dir(args.folder or args.questions)
    bank = load_bank(folder, use_cache=False)
    rules = sum(len(p.metric_rules) for p in bank.patterns)
    if args.explain:
        from quicktest.domain.explain import explain

        explained = explain(bank)
        if args.format == "json":
            _print_json({"folder": str(folder), "id": bank.id, **explained.as_json()})
        else:
            from quicktest.faces.text.explain import render
            from quicktest.faces.text.style import Out

            render(bank, explained, Out())
        return EXIT_OK
    if args.format == "json":
        _print_json(
            {
                "folder": str(folder),
                "id": bank.id,
                "version": bank.version,
                "questions": len(bank.questions),
                "patterns": len(bank.patterns),
                "metric_rules": rules,
                "benchmarks": len(bank.benchmarks),
            }
        )
    else:
        print(f"{folder}: {bank.title} {bank.version}: ok")
        print(
            f"  {len(bank.questions)} questions, {len(bank.patterns)} patterns "
            f"({', '.join(p.id for p in bank.patterns)}), {rules} metric rules, "
            f"{len(bank.benchmarks)} benchmarks"
        )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from quicktest.domain.scoring import score
    from quicktest.sources.files import check_output

    kept = _workspace(args).kept_files(args.answers, args.metrics, args.revenue)
    check_output(args.output, "--output", kept)
    if args.html:
        check_output(args.html, "--html", [*kept, args.output])
    brand = _brand(args)
    bank = _bank(args)
    given, session = _given(args)
    read = score(bank, given)
    # A stored client with several respondents gets a page on where they disagree.
    others = _workspace(args).respondents_of_session(session)
    from pathlib import Path

    from quicktest.faces.report.render import render  # WeasyPrint loads once input is good

    render(
        bank,
        read,
        Path(args.output),
        Path(args.html) if args.html else None,
        args.paper,
        others,
        brand,
    )
    print(args.output)
    return EXIT_OK


def _render_pdf(*args: object, **kwargs: object) -> None:
    """The report face, handed to the app: Jinja and WeasyPrint load on the first export."""
    from quicktest.faces.report.render import render

    render(*args, **kwargs)  # type: ignore[arg-type]


def cmd_run(args: argparse.Namespace) -> int:
    workspace = _workspace(args)
    bank, store = workspace.bank, workspace.store
    # `quicktest` alone runs the app with none of run's options parsed
    invited = getattr(args, "invite_session", None)
    chosen = invited or getattr(args, "resume", None)
    resume = store.resolve(chosen) if chosen else None
    revenue = _revenue_file(args, getattr(args, "revenue", None))
    computed = revenue.read().metrics() if revenue else None  # a bad file stops here, exit 2
    brand = _brand(args)
    from functools import partial

    from quicktest.faces.tui.app import QuickTestApp

    QuickTestApp(
        bank,
        store,
        getattr(args, "client", None),
        getattr(args, "respondent", None),
        resume,
        render_pdf=partial(_render_pdf, brand=brand) if brand else _render_pdf,
        revenue=computed,
        firm=brand.firm if brand else None,
        invited=invited is not None,
        hold=getattr(args, "hold_read", False),
    ).run()
    return EXIT_OK


def _read_of(args: argparse.Namespace, ref: str):
    """A read of a session id or an answers file, and a label for it."""
    from quicktest.domain.scoring import score

    given, session = _workspace(args).response(ref)
    return score(_bank(args), given), f"session {session.id}" if session else ref


def cmd_sessions(args: argparse.Namespace) -> int:
    from pathlib import Path

    from quicktest.domain.scoring import score
    from quicktest.sources.answersfile import load_answers, write_answers

    store = _store(args)
    action = args.action
    if action == "list":
        sessions = [s.summary() for s in store.list(client=args.client)]
        if args.format == "json":
            _print_json(sessions)
        else:
            from quicktest.faces.text.style import Out

            columns = ("id", "client", "respondent", "date", "state", "answered")
            if sessions:
                Out().table([[str(s[k] or "") for k in columns] for s in sessions], columns)
            else:
                print("No sessions yet.")
    elif action == "show":
        bank = _bank(args)
        session = store.get(args.id)
        read = score(bank, session.response(bank))
        if args.format == "json":
            _print_json(
                {
                    **session.summary(),
                    "bank_version": session.bank_version,
                    "answers": dict(session.answers),
                    "read": read.as_json(),
                }
            )
        else:
            from quicktest.faces.text.read import render
            from quicktest.faces.text.style import Out

            print(f"Session {session.id} ({session.state}, bank {session.bank_version})")
            render(bank, read, Out())
    elif action == "export":
        from quicktest.sources.files import check_output

        check_output(args.output, "--output", _workspace(args).kept_files())
        session = store.get(args.id)
        write_answers(session.response(_bank(args)), Path(args.output), session.bank_record())
        print(args.output)
    elif action == "import":
        bank = _bank(args)
        response = load_answers(Path(args.file), bank)
        session = store.add(response, bank)
        for stale in response.stale:
            print(f"quicktest: {args.file}: note: {stale.note()}", file=sys.stderr)
        _print_json({"id": session.id}) if args.format == "json" else print(session.id)
    elif action == "delete":
        print(f"deleted {store.delete(args.id)}")
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from quicktest.domain import compare

    bank = _bank(args)
    if args.client:
        workspace = _workspace(args)
        result = workspace.respondents_of(workspace.client_sessions(args.client))
        if result is None:
            raise InputError(
                f"client {args.client!r} has one respondent; comparing respondents needs two "
                "or more (compare A B compares one respondent over time)",
                field="--client",
            )
    else:
        if not (args.a and args.b):
            raise InputError("give two sessions or answer files, or --client NAME", field="compare")
        (before, label_a), (after, label_b) = _read_of(args, args.a), _read_of(args, args.b)
        result = compare.compare(bank, before, after, (label_a, label_b))
    if args.format == "json":
        _print_json(result.as_json())
    else:
        from quicktest.faces.text.compare import render
        from quicktest.faces.text.style import Out

        render(bank, result, Out())
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from quicktest.faces.cli.batch import run_batch

    return run_batch(
        _bank(args),
        Path(args.responses),
        Path(args.out) if args.out else None,
        args.pdf,
        args.format,
        _workspace(args).kept_files(),
        args.jobs,
        _brand(args) if args.pdf else None,
    )


def _check_listen(host: str, port: int) -> None:
    """Refuse a port out of range, or one another program holds, with one clear line."""
    import socket

    if not 1 <= port <= 65535:
        raise InputError(f"expected a port from 1 to 65535, got {port}", field="--port")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except socket.gaierror as exc:
        raise InputError(f"unknown host {host!r}: {exc.strerror}", field="--host") from None
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror}", field="--port"
        ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from pathlib import Path

    try:
        from quicktest.faces.web.server import QuicktestServer, is_loopback
    except ImportError:
        raise SetupError(
            "quicktest serve needs its web extra, which is not installed: "
            "pip install 'quicktest[serve]' (or run .ci/setup)"
        ) from None

    # What would break every browser tab is refused here, once, before anything starts.
    workspace = _workspace(args)
    workspace.bank  # noqa: B018 - a bank that does not load
    workspace.store  # noqa: B018 - a store that is not a session store
    _check_listen(args.host, args.port)
    command = [sys.executable, "-m", "quicktest", "run"]
    for flag, value in (("--questions", args.questions), ("--db", args.db)):
        if value:
            command += [flag, str(Path(value).resolve())]
    if is_loopback(args.host):
        print(f"quicktest in the browser: http://{args.host}:{args.port}", file=sys.stderr)
    else:
        print(
            f"quicktest on {args.host}:{args.port} answers private links only (quicktest "
            "invite); the full app is offered on loopback alone. Put TLS in front with a "
            "reverse proxy.",
            file=sys.stderr,
        )
    QuicktestServer(command, workspace.store.path, args.host, args.port).serve()
    return EXIT_OK


def cmd_invite(args: argparse.Namespace) -> int:
    import datetime

    from quicktest.sources import invites

    store = _store(args)
    now = datetime.datetime.now(datetime.UTC)
    if args.action == "list":
        rows = [
            {
                "id": i.id,
                "client": i.client,
                "respondent": i.respondent,
                "session": i.session_id,
                "expires": i.expires_at,
                "state": i.state(now),
                "hold": i.hold,
            }
            for i in invites.listed(store)
        ]
        if args.format == "json":
            _print_json(rows)
        else:
            for row in rows:
                print(
                    f"{row['id']}  {row['state']:<8} until {row['expires']}  "
                    f"{row['client'] or '-'} · {row['respondent'] or '-'}  session {row['session']}"
                )
        return EXIT_OK
    if args.action == "revoke":
        if not args.id:
            raise InputError("invite revoke needs the invite's ID", field="ID")
        revoked = invites.revoke(store, args.id)
        print(f"revoked {revoked.id}: the link no longer opens", file=sys.stderr)
        return EXIT_OK
    if args.action is not None:
        raise InputError(f"expected list or revoke, got {args.action!r}", field="ACTION")
    if not args.client or not args.respondent:
        raise InputError("an invite needs --client NAME and --respondent NAME", field="--client")
    invite, token = invites.create(
        store,
        _bank(args),
        args.client,
        args.respondent,
        invites.parse_duration(args.expires),
        args.hold,
        now,
    )
    print(f"{args.url.rstrip('/')}/i/{token}")
    print(
        f"invite {invite.id} for {invite.respondent} at {invite.client}, session "
        f"{invite.session_id}, open until {invite.expires_at}; the link is shown only now",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_metrics(args: argparse.Namespace) -> int:
    revenue = _revenue_file(args, args.source or "-")
    if args.sql:
        from quicktest.sources.revenue.warehouse import printed

        if not args.table or args.source:
            raise InputError("--sql prints the query for a table: give --table NAME, no FILE")
        print(printed(args.sql, args.table, revenue.flags, args.months, args.end))
        return EXIT_OK
    if not args.source:
        raise InputError("give a revenue file, or a postgresql:// URL with --table", field="FILE")
    if args.source.startswith(("postgresql://", "postgres://")):
        from quicktest.sources.revenue.warehouse import read_postgres

        if not args.table:
            raise InputError("a postgresql:// URL needs --table NAME", field="--table")
        read = read_postgres(args.source, args.table, revenue.flags, args.start, args.end)
    else:
        read = revenue.read()
    if args.format == "json":
        _print_json(read.as_json())
    else:
        from quicktest.faces.text.metrics import render
        from quicktest.faces.text.style import Out

        render(_bank(args), read, Out())
    return EXIT_OK


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized without `shutil` (which loads three compression
    modules at every start-up only to ask for the terminal's width)."""

    def __init__(self, prog: str) -> None:
        try:
            width = int(os.environ.get("COLUMNS") or os.get_terminal_size().columns)
        except (OSError, ValueError):
            width = 80
        super().__init__(prog, width=max(width - 2, 40))


COMMANDS = (
    *("run", "score", "report", "metrics", "sessions"),
    *("compare", "batch", "serve", "invite", "validate"),
)
_TAKES_VALUE = ("--questions", "--db")
BRAND_HELP = (
    "a brand folder (brand.yaml and a logo) for the PDF and the app's header "
    "(default: $QUICKTEST_BRAND, or brand/ in your config folder)"
)


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named on the line (after any --questions DIR or --db PATH), if known."""
    tokens = iter(argv)
    for token in tokens:
        if token in _TAKES_VALUE:
            next(tokens, None)
        elif not token.startswith("-"):
            return token if token in COMMANDS else None
    return None


class _Unused:
    """Stands for the parser of a command not on the line: building all nine costs more
    start-up than scoring a file, and only the named one can be used."""

    def __getattr__(self, name: str) -> Callable[..., _Unused]:
        return lambda *args, **kwargs: self


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with `only`, the other commands' parsers are left out
    (every command is still listed by the full parser's --help)."""

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
        argparse.ArgumentParser(
            add_help=False, argument_default=argparse.SUPPRESS, formatter_class=_Formatter
        )
    )
    formats = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    formats.add_argument("--format", choices=("text", "json"), default="text")

    parser = argparse.ArgumentParser(
        prog="quicktest",
        formatter_class=_Formatter,
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
        if only is not None and name != only:
            return _Unused()  # type: ignore[return-value]
        sub = commands.add_parser(
            name,
            help=text,
            description=text,
            parents=[common, *parents],
            formatter_class=_Formatter,
        )
        sub.set_defaults(run=run)
        return sub

    revenue = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    how = revenue.add_argument_group("reading a revenue file")
    how.add_argument(
        "--shape", choices=("long", "wide", "subscriptions"), help="default: by header"
    )
    for flag, text in (
        ("--account", "the account (customer) column"),
        ("--period", "the period column of a long file"),
        ("--amount", "the revenue column of a long file, the monthly amount of subscriptions"),
        ("--start-column", "a wide file's start revenue, or a subscription's start date"),
        ("--end-column", "a wide file's end revenue, or a subscription's end date"),
    ):
        how.add_argument(flag, metavar="COLUMN", help=text)
    how.add_argument("--sheet", metavar="NAME", help="the workbook sheet (default: the first)")
    how.add_argument("--currency", metavar="CODE", help="keep the rows in this currency only")
    how.add_argument(
        "--decimal",
        choices=("point", "comma"),
        help="the amounts' decimal mark, where no value in the file settles it",
    )

    run = command("run", cmd_run, "Run the quick test in the terminal (the default).", revenue)
    run.add_argument("--client", metavar="NAME", help="the client's name")
    run.add_argument("--respondent", metavar="NAME", help="who is answering")
    run.add_argument("--resume", metavar="ID", help="resume a saved session")
    run.add_argument("--brand", metavar="DIR", help=BRAND_HELP)
    run.add_argument("--invite-session", metavar="ID", help=argparse.SUPPRESS)  # serve's own
    run.add_argument("--hold-read", action="store_true", help=argparse.SUPPRESS)
    run.add_argument(
        "--revenue",
        metavar="FILE",
        help="account-level revenue: its NRR, GRR and logo retention become each session's "
        "metrics, its warnings shown with the read",
    )

    # what a read is made of: the same for a read on screen and a read as a PDF
    inputs = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
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
        metavar="FILE",
        help="account-level revenue (CSV, Parquet or xlsx); NRR, GRR and logo retention "
        "computed from it replace given values",
    )
    command(
        "score",
        cmd_score,
        "Score an answers file and print the pattern read.",
        inputs,
        revenue,
        formats,
    )

    report = command(
        "report", cmd_report, "Render the pattern read as a PDF report.", inputs, revenue
    )
    report.add_argument("-o", "--output", metavar="OUT.pdf", required=True, help="PDF to write")
    report.add_argument("--html", metavar="OUT.html", help="also write the report's HTML")
    report.add_argument("--paper", choices=("a4", "letter"), default="a4")
    report.add_argument("--brand", metavar="DIR", help=BRAND_HELP)

    metrics = command(
        "metrics",
        cmd_metrics,
        "Compute NRR, GRR and logo retention from account-level revenue.",
        revenue,
        formats,
    )
    metrics.add_argument(
        "source",
        metavar="FILE",
        nargs="?",
        default="",
        help="revenue file (CSV, Parquet, xlsx), or a postgresql:// URL with --table",
    )
    metrics.add_argument("--by", metavar="COLUMN", help="break down by a column's values")
    metrics.add_argument("--from", dest="start", metavar="PERIOD", help="window start (long file)")
    metrics.add_argument("--to", dest="end", metavar="PERIOD", help="window end (long file)")
    where = metrics.add_argument_group("the same query where the data lives")
    where.add_argument(
        "--sql",
        metavar="DIALECT",
        choices=("duckdb", "postgresql", "snowflake", "bigquery"),  # cohort.DIALECTS' names
        help="print the cohort query for a table, in duckdb, postgresql, snowflake or bigquery",
    )
    where.add_argument("--table", metavar="NAME", help="the table (or view) the query reads")
    where.add_argument(
        "--months",
        metavar="N",
        type=int,
        default=25,
        help="months the printed query covers, back from the latest (default: 25)",
    )

    sessions = command("sessions", cmd_sessions, "List, show, export, import or delete sessions.")
    actions = sessions.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str, *parents: argparse.ArgumentParser):
        return actions.add_parser(
            name,
            help=text,
            description=text,
            parents=[common, *parents],
            formatter_class=_Formatter,
        )

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
    batch.add_argument("--brand", metavar="DIR", help=BRAND_HELP)
    batch.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes that score (default: one per core and one more for a large file, else 1)",
    )

    serve = command("serve", cmd_serve, "Serve the terminal app in a web browser.")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback (default): the full app and private links; any other: links only",
    )
    serve.add_argument("--port", type=int, default=8000)

    invite = command(
        "invite",
        cmd_invite,
        "Make a private link for one respondent, or list or revoke them.",
        formats,
    )
    invite.add_argument(
        "action", metavar="ACTION", nargs="?", help="list or revoke (default: make one)"
    )
    invite.add_argument("id", metavar="ID", nargs="?", help="the invite to revoke")
    invite.add_argument("--client", metavar="NAME")
    invite.add_argument("--respondent", metavar="NAME")
    invite.add_argument("--expires", metavar="DURATION", default="14d", help="14d, 36h, 2w")
    invite.add_argument(
        "--hold", action="store_true", help="keep the read for the debrief: show answers only"
    )
    invite.add_argument(
        "--url",
        metavar="BASE",
        default="http://127.0.0.1:8000",
        help="the address respondents reach serve at (your reverse proxy's)",
    )

    validate = command(
        "validate", cmd_validate, "Check a question bank and say what it holds.", formats
    )
    validate.add_argument(
        "folder", metavar="QUESTIONS_DIR", nargs="?", help="bank folder (default: the shipped bank)"
    )
    validate.add_argument(
        "--explain",
        action="store_true",
        help="for bank authors: each pattern's reachable scores, how often it is dominant "
        "over every combination of answers, and which questions decide it",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_command_in(argv))
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
        if getattr(args, "workspace", None) is not None:
            args.workspace.close()
