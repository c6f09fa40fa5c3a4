"""`quicktest invite`: a private link for one respondent; `invite list`, `invite revoke ID`."""

from __future__ import annotations

import argparse
import datetime
import sys

from quicktest.app import invites
from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.domain.response import SUGGESTED_ROLES
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_format
from quicktest.faces.cli.output import print_json


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    add_format(parser)
    parser.add_argument(
        "action", metavar="ACTION", nargs="?", help="list or revoke (default: make one)"
    )
    parser.add_argument("id", metavar="ID", nargs="?", help="the invite to revoke")
    parser.add_argument("--client", metavar="NAME")
    parser.add_argument("--respondent", metavar="NAME")
    parser.add_argument(
        "--role",
        metavar="ROLE",
        help=f"the respondent's role: {', '.join(SUGGESTED_ROLES)}, or any other",
    )
    parser.add_argument("--expires", metavar="DURATION", default="14d", help="14d, 36h, 2w")
    parser.add_argument(
        "--hold", action="store_true", help="keep the read for the debrief: show answers only"
    )
    parser.add_argument(
        "--url",
        metavar="BASE",
        default="http://127.0.0.1:8000",
        help="the address respondents reach serve at (your reverse proxy's)",
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    now = datetime.datetime.now(datetime.UTC)
    if args.action == "list":
        rows = [listed.as_json(workspace, now) for listed in invites.listed(workspace)]
        if args.format == "json":
            print_json(rows)
        else:
            total = len(workspace.bank.questions)
            for row in rows:
                role = f" ({row['role']})" if row["role"] else ""
                progress = (
                    f"{row['progress']}, {row['answered']} of {total} answered"
                    if row["progress"]
                    else "session unreadable"
                )
                print(
                    f"{row['id']}  link {row['state']:<8} until {row['expires']}  "
                    f"{row['client'] or '-'} · {row['respondent'] or '-'}{role}  "
                    f"{progress}  session {row['session']}"
                )
        return EXIT_OK
    if args.action == "revoke":
        if not args.id:
            raise InputError("invite revoke needs the invite's ID", field="ID")
        revoked = invites.revoked(workspace, args.id)
        print(f"revoked {revoked.id}: the link no longer opens", file=sys.stderr)
        return EXIT_OK
    if args.action is not None:
        raise InputError(f"expected list or revoke, got {args.action!r}", field="ACTION")
    if not args.client or not args.respondent:
        raise InputError("an invite needs --client NAME and --respondent NAME", field="--client")
    invite, token = invites.created(
        workspace, args.client, args.respondent, args.expires, args.hold, now, args.role
    )
    print(f"{args.url.rstrip('/')}/i/{token}")
    print(
        f"invite {invite.id} for {invite.respondent} at {invite.client}, session "
        f"{invite.session_id}, open until {invite.expires_at}; the link is shown only now",
        file=sys.stderr,
    )
    return EXIT_OK
