"""`quicktest serve`: the app in a browser; off loopback, the private links only."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback (default): the full app and private links; any other: links only",
    )
    parser.add_argument("--port", type=int, default=8000)


def _check_listen(host: str, port: int) -> None:
    """Refuse a port out of range, or one another program holds, with one clear line."""
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


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    try:
        from quicktest.faces.web.server import QuicktestServer, is_loopback
    except ImportError:
        raise InputError(
            "quicktest serve needs its web extra, which is not installed: "
            "pip install 'quicktest[serve]' (or run .ci/setup)"
        ) from None
    # What would break every browser tab is refused here, once, before anything starts.
    workspace.bank  # noqa: B018 - a bank that does not load
    workspace.check_writable()  # a store it could not write: remote answers would be lost
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
    QuicktestServer(command, workspace, args.host, args.port).serve()
    return EXIT_OK
