"""A PostgreSQL server of the tests' own (Debian's `postgresql`, which `.ci/setup --dev`
installs): made in a temporary folder, listening on a Unix socket and on a free loopback
port, and stopped at the end. As root it runs as the `postgres` user, in a folder of its own
under the system's temporary folder (pytest's folders are root's alone).

The socket trusts the `postgres` superuser, who makes a new database for each test; the
loopback port asks for a password (scram-sha-256), so that a wrong one can be tried. The
benchmarks start one the same way.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

USER, PASSWORD = "quicktest", "the-right-password"  # a role that logs in over TCP
FAST = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off",)  # for tests only


def binaries() -> Path | None:
    """Debian's newest PostgreSQL programs, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.socket = folder / "socket"
        self.log = folder / "log"
        self._numbers = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """The superuser's URL for a database, over the Unix socket."""
        socket = quote(str(self.socket), safe="/")
        return f"postgresql://postgres@/{database}?host={socket}&port={self.port}"

    def tcp_url(self, database: str, password: str = PASSWORD, user: str = USER) -> str:
        """A password login over loopback TCP."""
        return f"postgresql://{user}:{quote(password, safe='')}@127.0.0.1:{self.port}/{database}"

    def sql(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, each on its own (CREATE DATABASE cannot be in a
        transaction)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as con:
            for statement in statements:
                con.execute(statement)

    def new_database(self, owner: str = "postgres") -> str:
        """A new, empty database; its name."""
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        self.sql(f"CREATE DATABASE {name} OWNER {owner}")
        return name

    def pids(self) -> list[int]:
        """The server's processes: the postmaster and every child it runs."""
        main = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True)
        return [main, *map(int, children.stdout.split())]


@contextmanager
def running(settings: tuple[str, ...] = ()) -> Iterator[Server]:
    """A new server until the block ends; `settings` are more `-c name=value` options."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (.ci/setup --dev installs it)")
    folder = Path(tempfile.mkdtemp(prefix="quicktest-pg-"))
    server = Server(folder, free_port())
    server.socket.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(server.socket, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True)

    data = folder / "data"
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
        "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
    options = f"-k {server.socket} -c listen_addresses=127.0.0.1 -p {server.port}"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(server.log),
        "-o", " ".join((options, *settings)), "start")  # fmt: skip
    try:
        server.sql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        yield server
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)
