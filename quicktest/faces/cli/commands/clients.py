"""`quicktest clients`: list clients with how far their respondents got, show one, or set what
the consultant decides for one (its name as shown, an anonymity threshold, a sponsor, tags)."""

from __future__ import annotations

import argparse

from quicktest.app import clients
from quicktest.app.sessions import listed as sessions_listed
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import Formatter, add_format
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        return actions.add_parser(
            name, help=text, description=text, parents=[common], formatter_class=Formatter
        )

    listing = action("list", "List clients, with their respondents and who has not answered.")
    add_format(listing)
    listing.add_argument("--tag", metavar="TAG", help="only clients carrying this tag")
    show = action("show", "Show a client and each of its sessions' state.")
    add_format(show)
    show.add_argument("name", metavar="NAME")
    change = action("set", "Set a client's name as shown, anonymity, sponsor or tags.")
    add_format(change)
    change.add_argument("name", metavar="NAME")
    change.add_argument(
        "--name", dest="display", metavar="TEXT", help="the name as shown (same name, other case)"
    )
    change.add_argument(
        "--anonymity",
        type=int,
        metavar="N",
        help="show no figure for fewer than N respondents (0: none, everyone named)",
    )
    change.add_argument("--sponsor", metavar="RESPONDENT", help="mark a respondent as the sponsor")
    change.add_argument("--no-sponsor", action="store_true", help="no sponsor")
    change.add_argument("--tag", action="append", default=[], metavar="TAG", help="add a tag")
    change.add_argument("--untag", action="append", default=[], metavar="TAG", help="remove one")


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    if args.action == "list":
        found = clients.listed(workspace, args.tag)
        if args.format == "json":
            print_json([c.as_json() for c in found])
            return EXIT_OK
        if not found:
            print("No clients yet.")
            return EXIT_OK
        from quicktest.faces.text.style import Out

        Out().table(
            [
                (
                    c.client.name,
                    str(c.counted),
                    ", ".join(c.pending) or "-",
                    c.latest or "-",
                    str(c.client.anonymity or "-"),
                    ", ".join(c.client.tags),
                )
                for c in found
            ],
            header=("Client", "Answered", "Waiting for", "Latest", "Anonymity", "Tags"),
            right=(1,),
        )
    elif args.action == "show":
        client, _ = clients.client_of(workspace, args.name)
        rows = sessions_listed(workspace, client.key).rows
        if args.format == "json":
            print_json({**client.as_json(), "sessions": rows})
            return EXIT_OK
        from quicktest.faces.text.style import Out

        out = Out()
        out.line((client.name, "bold"))
        settings = [
            f"anonymity {client.anonymity}" if client.anonymity else "everyone named",
            f"sponsor {client.sponsor}" if client.sponsor else "no sponsor",
            f"tags {', '.join(client.tags)}" if client.tags else "no tags",
        ]
        out.line((" · ".join(settings), "dim"))
        columns = ("id", "respondent", "role", "date", "state", "answered")
        out.table([[str(r[k] or "") for k in columns] for r in rows], columns)
    else:
        client = clients.changed(
            workspace,
            args.name,
            args.display,
            args.anonymity,
            "" if args.no_sponsor else args.sponsor,
            tuple(args.tag),
            tuple(args.untag),
        )
        print_json(client.as_json()) if args.format == "json" else print(client.name)
    return EXIT_OK
