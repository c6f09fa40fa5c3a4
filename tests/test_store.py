"""The session store on a real SQLite file and a real PostgreSQL database (`store_at` and
`on_each_engine` run a test on each): kills, concurrent writers, first users, migrations,
damaged sessions, and the sessions command (list, show, export, import, delete). What only
a file has (its mark, a read-only disk, another program's file) is tested on SQLite."""

from __future__ import annotations

import json
import multiprocessing
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quicktest.domain.errors import InputError
from quicktest.faces.cli.main import main
from quicktest.sources.store import Store
from quicktest.sources.store_schema import MIGRATIONS, SCHEMA_VERSION
from quicktest.sources.store_sqlite import APPLICATION_ID

from .conftest import EXAMPLES, ROOT, older_store

WRITER = """
import sys
from quicktest.sources.store import Store
store = Store(sys.argv[1])
session_id, count, tag = sys.argv[2], int(sys.argv[3]), sys.argv[4]
for n in range(count):
    store.set_metric(session_id, "nrr", 1 + n / 1000) if tag == "slow" else None
    store.set_answer(session_id, f"q{tag}{n}", "x")
    print(n, flush=True)
"""


def test_killed_mid_session_keeps_every_committed_answer(bank, store_at):
    path = store_at
    store = Store(path)
    session = store.create(bank, "Acme")
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, path, session.id, "100000", "slow"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    acknowledged = -1
    while acknowledged < 20:
        acknowledged = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reopened = Store(path).get(session.id)
    # every answer the writer reported as committed is there
    assert all(f"qslow{n}" in reopened.answers for n in range(acknowledged + 1))


def test_two_writer_processes_at_once_lose_nothing(bank, store_at):
    path = store_at
    session = Store(path).create(bank, "Acme")
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, path, session.id, "200", tag],
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
        for tag in "ab"
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    answers = Store(path).get(session.id).answers
    assert len(answers) == 400


def test_an_old_schema_is_migrated_forward(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0].sqlite)
    db.execute(
        "INSERT INTO sessions (id, client, date, state, bank_id, bank_version, "
        "created_at, updated_at) VALUES ('abcd1234', 'Old Co', '2025-01-02', "
        "'in progress', 'b', '1', 'x', 'x')"
    )
    db.execute("INSERT INTO answers VALUES ('abcd1234', 'renewal_case', 'activity', 'x')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    session = store.get("abcd")
    assert (session.client, session.position, session.answers) == (
        "Old Co",
        0,
        {"renewal_case": "activity"},
    )


def test_a_newer_schema_is_refused_clearly(on_each_engine, cli):
    with Store(on_each_engine) as store:
        store.db.set_version(SCHEMA_VERSION + 1)
    result = cli("sessions", "list")
    assert result.code == 2
    assert "newer than this quicktest knows" in result.err


def test_store_where_no_file_can_be_made(tmp_path, cli):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("sessions", "list", "--db", blocker / "s.db")
    assert result.code == 2
    assert "cannot open the session store" in result.err and "--db PATH" in result.err


def test_export_then_import_round_trips_a_session_exactly(on_each_engine, cli, tmp_path):
    first = cli("sessions", "import", EXAMPLES / "borrowed_nrr.yaml", "--format", "json")
    original = json.loads(first.out)["id"]
    for suffix in ("yaml", "json"):
        exported = tmp_path / f"out.{suffix}"
        assert cli("sessions", "export", original, "-o", exported).code == 0
        copy = cli("sessions", "import", exported).out.strip()
        a = json.loads(cli("sessions", "show", original, "--format", "json").out)
        b = json.loads(cli("sessions", "show", copy, "--format", "json").out)
        for key in ("client", "respondent", "date", "answers", "read"):
            assert a[key] == b[key], key


def test_import_refuses_a_malformed_file_and_changes_nothing(on_each_engine, cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("client: X\nanswers:\n  renewal_case: nope\n")
    before = cli("sessions", "list", "--format", "json").out
    result = cli("sessions", "import", bad)
    assert result.code == 2 and "bad.yaml:3:17" in result.err
    assert cli("sessions", "list", "--format", "json").out == before


def test_list_filters_by_client_and_shows_the_contract_fields(on_each_engine, cli):
    cli("sessions", "import", EXAMPLES / "borrowed_nrr.yaml")
    cli("sessions", "import", EXAMPLES / "healthy.yaml")
    rows = json.loads(
        cli("sessions", "list", "--client", "lumen analytics", "--format", "json").out
    )
    assert len(rows) == 1
    assert set(rows[0]) >= {"id", "client", "respondent", "date", "state", "answered"}
    assert rows[0]["client"] == "Lumen Analytics" and rows[0]["answered"] == 7


def test_unknown_session_id_suggests_the_near_one(on_each_engine, cli):
    session = cli("sessions", "import", EXAMPLES / "healthy.yaml").out.strip()
    typo = session[:-1] + ("0" if session[-1] != "0" else "1")
    for command in (("show", typo), ("export", typo, "-o", "x.yaml"), ("delete", typo)):
        result = cli("sessions", *command)
        assert result.code == 2 and f"unknown session id '{typo}'" in result.err
        assert f"did you mean {session}?" in result.err
    assert cli("sessions", "delete", session[:4]).out.strip() == f"deleted {session}"


def test_sessions_show_prints_the_read(on_each_engine, cli):
    session = cli("sessions", "import", EXAMPLES / "vibe_revenue.yaml").out.strip()
    out = cli("sessions", "show", session).out
    assert f"Session {session} (finished" in out and "Dominant pattern: Vibe Revenue" in out


def test_import_then_the_app_store_sees_it_in_another_process(store_at, cli):
    db = store_at
    cli("--db", db, "sessions", "import", EXAMPLES / "healthy.yaml")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "quicktest",
            "sessions",
            "list",
            "--db",
            str(db),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert json.loads(proc.stdout)[0]["client"] == "Lumen Analytics"


# --- the store is ours alone ----------------------------------------------------------------


def _theirs(path: Path, *statements: str, wal: bool = False) -> Path:
    """Another program's SQLite database, closed, as that program left it."""
    db = sqlite3.connect(path, isolation_level=None)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    for statement in statements:
        db.execute(statement)
    db.close()
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    "statements",
    [
        ("CREATE TABLE sessions (id INTEGER PRIMARY KEY, user TEXT)", "PRAGMA user_version = 1"),
        ("CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('keep me')"),
        ("PRAGMA application_id = 1", "CREATE TABLE t (x)"),
        ("PRAGMA user_version = 7",),
        (*MIGRATIONS[0].sqlite.split(";")[:1], "PRAGMA application_id = 42"),
    ],
    ids=["own-sessions-table", "other-tables", "other-mark", "empty-but-versioned", "marked"],
)
@pytest.mark.parametrize("wal", [False, True], ids=["journal", "wal"])
def test_another_programs_database_is_refused_and_left_byte_for_byte(
    cli, tmp_path, statements, wal
):
    folder = tmp_path / "theirs"
    folder.mkdir()
    app = _theirs(folder / "app.db", *statements, wal=wal)
    before = _files(folder)
    for command in (("sessions", "list"), ("sessions", "import", EXAMPLES / "healthy.yaml")):
        result = cli("--db", app, *command)
        assert result.code == 2
        assert result.err == (
            f"quicktest: {app}: belongs to another program: it is an SQLite database, not a "
            "quicktest session store; nothing was changed (use --db PATH or QUICKTEST_DB to "
            "choose another store)\n"
        )
    assert _files(folder) == before  # no table, no mark, no WAL switch, no -wal or -shm


def test_another_programs_database_in_use_is_refused_and_left_as_it_is(cli, tmp_path):
    """Its changes are still in its write-ahead log: read with it, never merged by us."""
    app = tmp_path / "app.db"
    db = sqlite3.connect(app, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE sessions (id TEXT)")
    main_file, log = app.read_bytes(), (tmp_path / "app.db-wal").read_bytes()
    result = cli("--db", app, "sessions", "list")
    assert result.code == 2 and "belongs to another program" in result.err
    assert (app.read_bytes(), (tmp_path / "app.db-wal").read_bytes()) == (main_file, log)
    db.close()


@pytest.mark.parametrize("made", ["new", "empty file", "empty database"])
def test_a_new_or_empty_file_becomes_a_marked_store(cli, tmp_path, made):
    path = tmp_path / "s.db"
    if made == "empty file":
        path.touch()
    elif made == "empty database":
        sqlite3.connect(path).execute("VACUUM").connection.close()
    assert cli("--db", path, "sessions", "import", EXAMPLES / "healthy.yaml").code == 0
    assert path.read_bytes()[68:72] == APPLICATION_ID.to_bytes(4, "big")
    assert len(json.loads(cli("--db", path, "sessions", "list", "--format", "json").out)) == 1


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_a_store_made_before_the_mark_is_adopted(cli, tmp_path, version):
    """Every store an earlier quicktest made (tables exactly ours, no mark) keeps working."""
    path = tmp_path / "old.db"
    db = older_store(path, version)
    state = "done" if version < 5 else "finished"  # what that version wrote
    db.execute(
        "INSERT INTO sessions (id, client, date, state, bank_id, bank_version, created_at, "
        f"updated_at) VALUES ('abcd1234', 'Old Co', '2025-01-02', '{state}', 'b', '1', 'x', 'x')"
    )
    if version >= 5:
        db.execute("INSERT INTO clients (key, name, created_at) VALUES ('old co', 'Old Co', 'x')")
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()
    listed = cli("--db", path, "sessions", "list", "--format", "json")
    assert [s["client"] for s in json.loads(listed.out)] == ["Old Co"]
    with Store(path) as store:
        assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def _first_use(path: str, barrier) -> None:
    barrier.wait()  # every process opens the new store at the same moment
    sys.exit(main(["sessions", "import", str(EXAMPLES / "healthy.yaml"), "--db", path]))


def test_ten_first_users_of_a_new_store_all_succeed(store_at):
    """The store is made once, under the write lock, whoever comes first."""
    processes = multiprocessing.get_context("fork")
    barrier = processes.Barrier(10)
    users = [processes.Process(target=_first_use, args=(store_at, barrier)) for _ in range(10)]
    for user in users:
        user.start()
    for user in users:
        user.join()
    assert [user.exitcode for user in users] == [0] * 10
    with Store(store_at) as store:
        assert len(store.list()) == 10
        assert store.db.version() == SCHEMA_VERSION


# --- a session this version cannot read is named; the others are read as usual ------------


AND_NRR = "WHERE name = 'nrr' AND session_id = ?"
AND_GRR = "WHERE name = 'grr' AND session_id = ?"
DAMAGES = [
    (f"UPDATE metrics SET value = '{{oops' {AND_NRR}", "metrics.nrr", "not a stored number"),
    (f"UPDATE metrics SET value = 'NaN' {AND_NRR}", "metrics.nrr", "not a stored number"),
    (f"UPDATE metrics SET value = '1e999' {AND_GRR}", "metrics.grr", "not a stored number"),
    (f"UPDATE metrics SET value = '{'9' * 400}' {AND_GRR}", "metrics.grr", "not a stored number"),
    (f"UPDATE metrics SET name = 'nrr_v2' {AND_NRR}", "metrics.nrr_v2", "does not know"),
    (f"UPDATE metrics SET value = '5.0' {AND_GRR}", "metrics.grr", "500% is out of bounds"),
    (f"UPDATE metrics SET value = '[0.9]' {AND_GRR}", "metrics.grr", "not a stored value"),
    ("UPDATE sessions SET state = 'paused' WHERE id = ?", "state", "'paused' is not a state"),
    ("UPDATE sessions SET date = 'soon' WHERE id = ?", "date", "expected a date such as"),
    ("UPDATE answers SET option_id = x'ff' WHERE session_id = ?", "answers.", "expected text"),
]


@pytest.mark.parametrize(("damage", "field", "what"), DAMAGES)
def test_a_damaged_session_is_named_and_the_others_still_work(
    store_at, cli, tmp_path, damage, field, what
):
    path = store_at
    if "x'ff'" in damage and path.startswith("postgresql://"):
        pytest.skip("a PostgreSQL text column holds text only: bytes cannot get in")
    good = [
        cli("--db", path, "sessions", "import", EXAMPLES / name).out.strip()
        for name in ("healthy.yaml", "vibe_revenue.yaml")
    ]
    bad = cli("--db", path, "sessions", "import", EXAMPLES / "borrowed_nrr.yaml").out.strip()
    with Store(path) as store, store.writing() as db:  # the store's own SQL, on either engine
        db.execute(damage, (bad,))
    listed = cli("--db", path, "sessions", "list", "--format", "json")
    assert listed.code == 0
    assert sorted(s["id"] for s in json.loads(listed.out)) == sorted(good)
    with Store(path) as store:
        (damaged,) = store.listing().damaged
    assert (damaged.id, damaged.field.startswith(field), what in damaged.what) == (bad, True, True)
    for command in (
        ("sessions", "show", bad),
        ("sessions", "export", bad, "-o", tmp_path / "x.yaml"),
    ):
        refused = cli("--db", path, *command)
        assert refused.code == 2
        assert f"{path}: session {bad}: {field}" in refused.err and what in refused.err
    assert cli("--db", path, "score", good[0]).code == 0
    assert cli("--db", path, "sessions", "export", good[1], "-o", tmp_path / "y.yaml").code == 0
    assert cli("--db", path, "sessions", "delete", bad).code == 0  # and it can be removed


# --- a store that cannot be written says so before a command starts --------------------------


def test_a_store_another_process_holds_is_refused_up_front(tmp_path):
    path = tmp_path / "s.db"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    store = Store(path, lock_wait=0)
    with pytest.raises(InputError, match="another process held its write lock for more than 0 s"):
        store.check_writable()
    holder.execute("ROLLBACK")
    store.check_writable()
    holder.close()
    store.close()


def test_set_names_corrects_who_answered_and_keeps_everything_else(bank, store_at):
    """A name corrected after the fact (the review's names form): the session's client,
    respondent and role change, its answers and metrics stay, a client new to the store gets
    its record as written, and None clears a name."""
    store = Store(store_at)
    session = store.create(bank, "Acme Analytcs", "Dana", role="CFO")
    store.set_answer(session.id, "renewal_case", "activity")
    store.set_metric(session.id, "nrr", 1.05)
    store.set_names(session.id, "Acme Analytics", "Dana Lee", None)
    again = Store(store_at).get(session.id)
    assert (again.client, again.respondent, again.role) == ("Acme Analytics", "Dana Lee", None)
    assert again.answers == {"renewal_case": "activity"} and again.metrics == {"nrr": 1.05}
    assert "Acme Analytics" in [c.name for c in store.clients()]
    assert [s.id for s in store.list(client="acme analytics")] == [session.id]


def test_an_sqlite_store_never_loads_psycopg(tmp_path):
    """psycopg is imported for a postgresql:// store only."""
    code = (
        "import sys\nfrom quicktest.faces.cli.main import main\n"
        f"main(['sessions', 'list', '--db', {str(tmp_path / 's.db')!r}])\n"
        "print('psycopg' in sys.modules, file=sys.stderr)"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert ran.stderr.strip() == "False"


def test_an_id_or_a_prefix_is_looked_up_in_the_index_not_by_reading_every_session(bank, store_at):
    """What the engine plans for resolve's two queries: a search of the primary key (on
    PostgreSQL told to avoid a scan, which it prefers for a table this small)."""
    from quicktest.sources.store import BY_ID, BY_PREFIX

    with Store(store_at) as store:
        for _ in range(20):
            store.create(bank, "Acme")
        with store.writing() as db:
            for query, params in ((BY_ID, ("abcd1234",)), (BY_PREFIX, ("ab", "abg"))):
                if store_at.startswith("postgresql://"):
                    db.execute("SET LOCAL enable_seqscan = off")
                    plan = " ".join(r[0] for r in db.execute(f"EXPLAIN {query}", params))
                    assert "Index" in plan and "Seq Scan" not in plan, plan
                else:
                    plan = " ".join(r[3] for r in db.execute(f"EXPLAIN QUERY PLAN {query}", params))
                    assert "USING COVERING INDEX" in plan and "SCAN" not in plan, plan
