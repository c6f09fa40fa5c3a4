"""`quicktest sessions`: list, show, export, import or delete saved sessions."""

from __future__ import annotations

import argparse
import sys

from quicktest.app import sessions
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import Formatter, add_format
from quicktest.faces.cli.output import print_json

COLUMNS = ("id", "client", "respondent", "role", "date", "state", "answered")


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str, listed: bool = False) -> argparse.ArgumentParser:
        sub = actions.add_parser(
            name, help=text, description=text, parents=[common], formatter_class=Formatter
        )
        if listed:
            add_format(sub)
        return sub

    action("list", "List sessions.", True).add_argument(
        "--client", metavar="NAME", help="only this client's sessions"
    )
    action("show", "Show a session and its read.", True).add_argument("id", metavar="ID")
    export = action("export", "Write a session as an answers file.")
    export.add_argument("id", metavar="ID")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        required=True,
        help="answers file to write (.json for JSON, else YAML)",
    )
    action("import", "Add an answers file to the store as a session.", True).add_argument(
        "file", metavar="FILE"
    )
    action("delete", "Delete a session.").add_argument("id", metavar="ID")


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.action == "list":
        found = sessions.listed(workspace, args.client)
        for damaged in found.damaged:
            print(
                f"quicktest: {workspace.store.where}: warning: {damaged} (left out; quicktest "
                f"sessions delete {damaged.id} removes it)",
                file=sys.stderr,
            )
        listed = found.rows
        if args.format == "json":
            print_json(listed)
        elif listed:
            from quicktest.faces.text.style import Out

            Out().table([[str(s[k] or "") for k in COLUMNS] for s in listed], COLUMNS)
        else:
            print("No sessions yet.")
    elif args.action == "show":
        session, read = sessions.shown(workspace, args.id)
        if args.format == "json":
            print_json(
                {
                    **session.summary(workspace.bank),
                    "bank_version": session.bank_version,
                    "answers": dict(session.answers),
                    "read": read.as_json(with_changes=False),
                }
            )
        else:
            from quicktest.faces.text.read import render
            from quicktest.faces.text.style import Out

            state = session.progress(workspace.bank)
            print(f"Session {session.id} ({state}, bank {session.bank_version})")
            render(workspace.bank, read, Out())
    elif args.action == "export":
        sessions.exported(workspace, args.id, args.output)
        print(args.output)
    elif args.action == "import":
        session, stale = sessions.imported(workspace, args.file)
        for answer in stale:
            print(f"quicktest: {args.file}: note: {answer.note()}", file=sys.stderr)
        print_json({"id": session.id}) if args.format == "json" else print(session.id)
    elif args.action == "delete":
        print(f"deleted {sessions.deleted(workspace, args.id)}")
    return EXIT_OK
