"""`quicktest serve`: the respondents' web form (private links, and with --open an open quick
test anyone can take), and on a loopback address the consultant's terminal app in the
browser; on uvicorn, in one process or several (--workers)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from quicktest.app.workspace import Workspace
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_OK
from quicktest.faces.cli.options import add_brand
from quicktest.faces.cli.renderer import lazy_render

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from quicktest.faces.web.settings import Settings

MAX_WORKERS = 32
DEFAULT_PORTS = {"http": 80, "https": 443}


def add_arguments(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on; loopback (default) also offers your terminal app",
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--open",
        action="store_true",
        help="offer the open quick test at /open/: anyone who reaches it can take it",
    )
    parser.add_argument(
        "--open-client",
        metavar="NAME",
        default="Open quick test",
        help="the client the open quick test's sessions are stored under",
    )
    parser.add_argument(
        "--url",
        metavar="BASE",
        action="append",
        default=[],
        help="an address respondents reach this server at, such as your reverse proxy's "
        "https://quicktest.example.com (repeatable); other names are refused",
    )
    parser.add_argument(
        "--proxy",
        metavar="ADDRESS",
        action="append",
        default=[],
        help="a reverse proxy whose X-Forwarded-For and -Proto headers are believed, such as "
        "127.0.0.1 (repeatable; an address or a network)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes serving the web form (default 1)"
    )
    add_brand(parser)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


def _addresses(urls: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The Host values and origins of the public addresses given with --url."""
    hosts, origins = [], []
    for url in urls:
        parts = urlsplit(url.strip())
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.username:
            raise InputError(
                f"expected an address such as https://quicktest.example.com, got {url!r}",
                field="--url",
            )
        netloc = parts.netloc.lower()
        hosts.append(netloc)
        if parts.port in (None, DEFAULT_PORTS[parts.scheme]):
            name = netloc.rsplit(":", 1)[0] if parts.port else netloc
            hosts += [name, f"{name}:{DEFAULT_PORTS[parts.scheme]}"]
        origins.append(f"{parts.scheme}://{netloc}")
    return tuple(dict.fromkeys(hosts)), tuple(dict.fromkeys(origins))


def _proxies(given: list[str]) -> list[str]:
    for proxy in given:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise InputError(
                f"expected an address or network such as 127.0.0.1, got {proxy!r}",
                field="--proxy",
            ) from None
    return given


def _secret() -> str:
    """The key that signs cookies and forms: $QUICKTEST_SECRET (the same on every machine
    that serves one store), else a new one for this run (an open quick test then resumes
    only until serve stops). Handed to the workers in their environment."""
    secret = os.environ.get("QUICKTEST_SECRET", "")
    if secret and len(secret) < 32:
        raise InputError("expected at least 32 random characters", field="QUICKTEST_SECRET")
    return secret or secrets.token_hex(32)


def _absolute(value: str) -> str:
    return value if "://" in value else str(Path(value).resolve())


def settings_of(args: argparse.Namespace, workspace: Workspace, brand: str | None) -> Settings:
    """Every choice checked, before anything starts."""
    from quicktest.faces.web.settings import Settings

    if not 1 <= args.workers <= MAX_WORKERS:
        raise InputError(f"expected 1 to {MAX_WORKERS}, got {args.workers}", field="--workers")
    hosts, origins = _addresses(args.url)
    local = is_loopback(args.host)
    wildcard = args.host in ("0.0.0.0", "::", "")
    if wildcard and not args.url:
        raise InputError(
            "listening on every address, name the address respondents use with --url (your "
            "reverse proxy's, such as https://quicktest.example.com)",
            field="--url",
        )
    if not (local or wildcard):  # reached by its own address too
        hosts += (f"{args.host.lower()}:{args.port}",)
    command = [sys.executable, "-m", "quicktest", "run"]
    for flag, value in (("--questions", args.questions), ("--db", workspace.db_path)):
        if value and "://" not in value:  # a URL may hold a password: see `run`
            command += [flag, _absolute(value)]
    return Settings(
        questions=_absolute(args.questions) if args.questions else None,
        db=_absolute(workspace.db_path),
        secret=_secret(),
        open_client=(args.open_client.strip() or None) if args.open else None,
        hosts=hosts,
        origins=origins,
        full_app=local,
        app_command=tuple(command),
        brand=brand,
    )


def run(args: argparse.Namespace, workspace: Workspace) -> int:
    try:
        import starlette  # noqa: F401
        import textual_serve  # noqa: F401
        import uvicorn
    except ImportError:
        raise InputError(
            "quicktest serve needs its web extra, which is not installed: "
            "pip install 'quicktest[serve]' (or run .ci/setup)"
        ) from None
    # What would break every page is refused here, once, before anything starts.
    workspace.bank  # noqa: B018 - a bank that does not load
    workspace.check_writable()  # a store it could not write: answers would be lost
    brand = workspace.brand(args.brand)
    proxies = _proxies(args.proxy)
    settings = settings_of(args, workspace, str(brand.folder) if brand else None)
    _check_listen(args.host, args.port)
    settings.to_environment()
    if "://" in settings.db:  # the terminal app finds the server there, not in its arguments,
        os.environ["QUICKTEST_DB"] = settings.db  # which every user of the machine can list
    _announce(args, settings)
    uvicorn.run(
        "quicktest.faces.cli.commands.serve:web_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        server_header=False,
        access_log=False,  # an address holds a link's token: never written to a log
        log_level="warning",
        ws_max_size=64 * 1024,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    return EXIT_OK


def _announce(args: argparse.Namespace, settings: Settings) -> None:
    from quicktest.faces.web.signing import consultant_key

    base = f"http://{args.host}:{args.port}"
    public = settings.origins[0] if settings.origins else base
    say = [f"quicktest serve: private links at /i/… (quicktest invite --url {public})"]
    if settings.open_client:
        say.append(f"the open quick test: {base}/open/ (stored under {settings.open_client!r})")
    if args.workers > 1:
        say.append(f"{args.workers} worker processes")
    if settings.full_app:
        say.append(
            f"your terminal app, for you alone: {base}/app?key={consultant_key(settings.secret)}"
        )
    else:
        say.append("the terminal app is offered on a loopback address only")
    print("\n".join(say), file=sys.stderr, flush=True)


def web_app() -> ASGIApp:
    """The web face of one worker process, from the settings `run` left in its environment
    (uvicorn calls this in every worker it starts)."""
    from quicktest.faces.web.settings import Settings
    from quicktest.faces.web.site import create

    settings = Settings.from_environment()
    log = logging.getLogger("quicktest.serve")
    if not log.handlers:  # plain lines on stderr, where an operator or a collector reads them
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("quicktest serve: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    workspace = Workspace(settings.questions, settings.db)
    brand = workspace.brand(settings.brand) if settings.brand else None
    return create(settings, workspace, render=lazy_render, brand=brand)
