"""The session store on a PostgreSQL server, where a server differs from a file: a database
that holds other tables is refused and left as it was; the schema a firm's DBA gives the
store; a role that may only read, and a server that takes no writes, refused before a
command starts; every way of not getting in is one line that never shows the password; a
connection the server dropped is made again unseen; a process's threads share a few. (What
both engines share runs on both in test_store.py.)"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from quicktest.domain.errors import InputError
from quicktest.sources.store import Store
from quicktest.sources.store_postgresql import CONNECTIONS
from quicktest.sources.store_schema import SCHEMA_VERSION

from .conftest import EXAMPLES, ROOT
from .postgres import PASSWORD, USER, free_port

README = (ROOT / "README.md").read_text()
TABLES = {
    "answers",
    "attempts",
    "client_tags",
    "clients",
    "invites",
    "metrics",
    "quicktest_schema",
    "sessions",
}
WRITING = (  # every command that writes asks first, before it starts
    ("sessions", "import", EXAMPLES / "healthy.yaml"),
    ("invite", "--client", "Acme", "--respondent", "Dana"),
    ("serve", "--port", "0"),
)


def catalog(server, database: str) -> dict[str, object]:
    """Every relation of the database's public schema, with each table's rows."""
    with psycopg.connect(server.url(database)) as con:
        relations = con.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"
        ).fetchall()
        rows = {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            for name, kind in relations
            if kind == "r"
        }
    return {"relations": relations, "rows": rows}


def tables(server, database: str, schema: str) -> set[str]:
    with psycopg.connect(server.url(database)) as con:
        found = con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
    return {name for (name,) in found}


@pytest.mark.parametrize(
    "theirs",
    [
        ("CREATE TABLE sessions (id serial PRIMARY KEY, who text)",
         "INSERT INTO sessions (who) VALUES ('keep me')"),
        ("CREATE TABLE invoices (n integer)", "INSERT INTO invoices VALUES (42)"),
        ("CREATE SEQUENCE invoice_numbers",),
        ("CREATE VIEW today AS SELECT current_date AS day",),
    ],
    ids=["own-sessions-table", "other-table", "a-sequence", "a-view"],
)  # fmt: skip
def test_a_database_holding_other_tables_is_refused_and_left_as_it_was(
    cli, postgres_server, theirs
):
    database = postgres_server.new_database()
    postgres_server.sql(*theirs, database=database)
    before = catalog(postgres_server, database)
    url = postgres_server.url(database)
    for command in (("sessions", "list"), *WRITING):
        result = cli("--db", url, *command)
        assert result.code == 2, command
        assert result.err == (
            f"quicktest: {url}: belongs to another program: schema public holds tables that "
            "are not a quicktest session store; nothing was changed (use --db PATH or "
            "QUICKTEST_DB to choose another store)\n"
        )
    assert catalog(postgres_server, database) == before


def test_the_schema_a_dba_gives_the_store_beside_the_firms_own_tables(cli, postgres_server):
    """As the README says: a role that logs in with a password, a schema it owns, and that
    schema first on its search_path. The store is made there on first use; the firm's
    tables are left as they were."""
    database = postgres_server.new_database()
    postgres_server.sql(
        "CREATE TABLE invoices (n integer)",
        "INSERT INTO invoices VALUES (42)",
        f"CREATE SCHEMA quicktest AUTHORIZATION {USER}",
        database=database,
    )
    postgres_server.sql(f"ALTER ROLE {USER} IN DATABASE {database} SET search_path = quicktest")
    before = catalog(postgres_server, database)
    url = postgres_server.tcp_url(database)
    made = cli("--db", url, "sessions", "import", EXAMPLES / "healthy.yaml")
    assert made.code == 0, made.err
    listed = json.loads(cli("--db", url, "sessions", "list", "--format", "json").out)
    assert [s["client"] for s in listed] == ["Lumen Analytics"]
    assert tables(postgres_server, database, "quicktest") == TABLES
    assert catalog(postgres_server, database) == before


def test_a_role_that_may_only_read_is_refused_before_a_command_writes(cli, postgres_server):
    database = postgres_server.new_database()
    owner = postgres_server.url(database)
    session = cli("--db", owner, "sessions", "import", EXAMPLES / "healthy.yaml").out.strip()
    reader = f"reader_{database}"
    postgres_server.sql(f"CREATE ROLE {reader} LOGIN PASSWORD '{PASSWORD}'")
    postgres_server.sql(
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}", database=database
    )
    url = postgres_server.tcp_url(database, user=reader)
    listed = cli("--db", url, "sessions", "list", "--format", "json")
    assert [s["id"] for s in json.loads(listed.out)] == [session]
    for command in (*WRITING, ("sessions", "delete", session)):
        refused = cli("--db", url, *command)
        assert refused.code == 2, command
        assert refused.err == (
            f"quicktest: postgresql://{reader}@127.0.0.1:{postgres_server.port}/{database}: "
            f"cannot write to the session store: {reader} may not insert, update and delete "
            "in answers, client_tags, clients, invites, metrics, sessions; its sessions can be "
            "read, not changed (the database's administrator grants them: see the README)\n"
        )
    postgres_server.sql(
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {reader}",
        database=database,
    )
    assert cli("--db", url, "sessions", "import", EXAMPLES / "healthy.yaml").code == 0
    assert cli("--db", url, "sessions", "delete", session).code == 0


def test_a_server_that_takes_no_writes_is_read_and_refused_before_a_command_writes(
    cli, postgres_server
):
    database = postgres_server.new_database()
    url = postgres_server.url(database)
    session = cli("--db", url, "sessions", "import", EXAMPLES / "healthy.yaml").out.strip()
    postgres_server.sql(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
    _drop_connections(postgres_server, database)  # the setting holds for new ones
    assert session in cli("--db", url, "sessions", "list").out
    for command in WRITING:
        refused = cli("--db", url, *command)
        assert refused.code == 2, command
        assert "cannot write to the session store: the server takes no writes" in refused.err


def _wrong_urls(server, database: str) -> dict[str, str]:
    """URLs that do not get in, each holding a password: the right one where it is the
    database that is wrong, else 's3cret'."""
    at = f"127.0.0.1:{server.port}"
    return {
        "a wrong password": f"postgresql://{USER}:s3cret@{at}/{database}",
        "a wrong password as a parameter": f"postgresql://{USER}@{at}/{database}?password=s3cret",
        "no server there": f"postgresql://{USER}:s3cret@127.0.0.1:{free_port()}/{database}",
        "no such database": f"postgresql://{USER}:{PASSWORD}@{at}/no_such_database",
        "a URL libpq quotes back": f"postgresql://{USER}:s3cret word@{at}/{database}",
        "a URL that does not parse": f"postgresql://{USER}:s3cret@[::1/{database}",
    }


def test_every_way_of_not_getting_in_is_one_line_without_the_password(cli, postgres_server):
    database = postgres_server.new_database(owner=USER)
    for case, url in _wrong_urls(postgres_server, database).items():
        for command in (("sessions", "list"), *WRITING):
            result = cli("--db", url, *command)
            assert result.code == 2, (case, command, result.err)
            shown = result.err + result.out
            assert "s3cret" not in shown and PASSWORD not in shown, (case, command)
            (line,) = result.err.splitlines()
            assert line.startswith("quicktest: postgresql://quicktest@"), (case, line)
            assert ": cannot open the session store: " in line, (case, line)
            assert "check the URL given with --db or QUICKTEST_DB" in line, (case, line)


def test_the_reason_is_the_servers_own(cli, postgres_server):
    database = postgres_server.new_database(owner=USER)
    said = {
        case: cli("--db", url, "sessions", "list").err
        for case, url in _wrong_urls(postgres_server, database).items()
    }
    wrong = said["a wrong password"].replace(str(postgres_server.port), "5432")
    assert f"```text\n{wrong.replace(database, 'firm')}```" in README  # as the README shows
    assert "Connection refused" in said["no server there"]
    assert 'database "no_such_database" does not exist' in said["no such database"]
    right = postgres_server.tcp_url(database)
    assert cli("--db", right, "sessions", "import", EXAMPLES / "healthy.yaml").code == 0


def _drop_connections(server, database: str) -> None:
    """What a server restart does to every connection quicktest holds."""
    server.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )


def test_a_connection_the_server_dropped_is_made_again_unseen(postgres_server, bank):
    database = postgres_server.new_database()
    with Store(postgres_server.url(database)) as store:
        session = store.create(bank, "Acme")
        _drop_connections(postgres_server, database)
        store.set_answer(session.id, "renewal_case", "activity", 1)  # a write first
        _drop_connections(postgres_server, database)
        assert store.get(session.id).answers == {"renewal_case": "activity"}  # a read first
        assert store.db.version() == SCHEMA_VERSION


def test_a_store_that_cannot_be_reached_mid_way_says_so_and_names_it(postgres_server, bank):
    database = postgres_server.new_database()
    url = postgres_server.url(database)
    with Store(url) as store:
        store.create(bank, "Acme")
        postgres_server.sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
        _drop_connections(postgres_server, database)
        with pytest.raises(InputError) as refused:
            store.list()
        assert refused.value.file == url
        assert refused.value.message.startswith("cannot reach the session store: ")
        assert "not currently accepting connections" in refused.value.message
        postgres_server.sql(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        assert [s.client for s in store.list()] == ["Acme"]


def test_the_threads_of_a_process_share_a_few_connections(postgres_server, bank):
    """Forty threads, each with a store of its own as the web form's request threads have,
    writing at once: the process holds at most CONNECTIONS of the server's connections,
    and every answer is stored."""
    database = postgres_server.new_database()
    url = postgres_server.url(database)
    with Store(url) as store:
        sessions = [store.create(bank, "Acme").id for _ in range(40)]
    start = threading.Barrier(len(sessions))
    seen: list[int] = []

    def respondent(session: str) -> None:
        with Store(url) as own:
            start.wait()
            for question in bank.questions:
                own.set_answer(session, question.id, question.options[0].id)
                seen.append(connections(postgres_server, database))

    with ThreadPoolExecutor(len(sessions)) as pool:
        list(pool.map(respondent, sessions))
    assert 1 < max(seen) <= CONNECTIONS
    with Store(url) as store:
        assert all(len(store.get(s).answers) == len(bank.questions) for s in sessions)


def connections(server, database: str) -> int:
    with psycopg.connect(server.url()) as con:
        query = (
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'quicktest'"
        )
        return con.execute(query, (database,)).fetchone()[0]
