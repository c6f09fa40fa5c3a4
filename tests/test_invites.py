"""Private links: `quicktest invite` makes them, `quicktest serve` answers each with its one
session in the web form, on a real server and on either store (SQLite, PostgreSQL); a
wrong, expired or revoked token gets nothing, is logged without the token, and repeated
ones are slowed down."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
import urllib.request

from quicktest.sources.store import Store

from .conftest import ROOT
from .test_serve import fetch, serving

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def quicktest(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "quicktest", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def invite(db, client: str, respondent: str, *more: str) -> tuple[str, str]:
    """A new invite's token, and its session id, from the command's own output."""
    made = quicktest("invite", "--client", client, "--respondent", respondent, *more, db=db)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().rsplit("/i/", 1)[1]
    session = made.stderr.split("session ", 1)[1].split(",", 1)[0]
    return token, session


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None


def answer_over_http(base: str, token: str, number: int, option: str) -> str:
    """Answer one question as a browser without JavaScript does; where the form leads."""
    page = fetch(f"{base}/i/{token}/q{number}")[1]
    form = {"csrf": CSRF.search(page).group(1), "answer": option, "do": "save"}
    request = urllib.request.Request(
        f"{base}/i/{token}/q{number}",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Origin": base},
    )
    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as moved:
        assert moved.code == 303, moved.read()
        return moved.headers["location"]
    raise AssertionError("the form did not lead on")


def test_invite_makes_a_session_and_keeps_only_a_hash(store_at):
    db = store_at
    token, session = invite(db, "Acme [legacy]", "Dana <CFO>", "--expires", "2d")
    assert len(token) >= 32  # 24 random bytes: 192 bits
    with Store(db) as store:
        stored = " ".join(str(v) for row in store.db.execute("SELECT * FROM invites") for v in row)
    assert token not in stored
    assert Store(db).get(session).respondent == "Dana <CFO>"
    listed = quicktest("invite", "list", "--format", "json", db=db)
    assert '"state": "open"' in listed.stdout and "Dana <CFO>" in listed.stdout
    bad = quicktest("invite", "--client", "A", "--respondent", "B", "--expires", "soon", db=db)
    assert bad.returncode == 2 and "expected a duration such as 14d" in bad.stderr


def test_a_link_opens_its_own_session_and_nothing_else(store_at):
    db = store_at
    first, first_session = invite(db, "Acme", "Dana, CFO")
    second, second_session = invite(db, "Acme", "Lee, CEO")
    with serving(db) as served:
        status, page, _ = fetch(f"{served.base}/i/{first}/")
        assert status == 200 and "Dana, CFO" in page and "Lee, CEO" not in page
        assert answer_over_http(served.base, first, 1, "people_always") == "q2?saved=1"
        assert answer_over_http(served.base, second, 1, "mixed") == "q2?saved=1"
    with Store(db) as store:
        answers = (store.get(first_session).answers, store.get(second_session).answers)
    assert answers == ({"revenue_triggers": "people_always"}, {"revenue_triggers": "mixed"})


def test_wrong_expired_and_revoked_links_get_nothing(store_at):
    db = store_at
    revoked, _ = invite(db, "Acme", "Dana")
    gone = quicktest("invite", "list", "--format", "json", db=db).stdout.split('"id": "')[1][:8]
    assert quicktest("invite", "revoke", gone, db=db).returncode == 0
    expired, _ = invite(db, "Acme", "Lee")
    with Store(db) as store, store.writing() as raw:
        raw.execute("UPDATE invites SET expires_at = '2000-01-01T00:00:00+00:00' WHERE revoked = 0")
    with serving(db) as served:
        for token, page in ((revoked, ""), (revoked, "review"), (expired, "q1"), ("x" * 32, "")):
            status, text, _ = fetch(f"{served.base}/i/{token}/{page}")  # five go unslowed
            assert status == 404 and "This link does not open" in text
        assert fetch(f"{served.base}/i/../../etc/passwd")[0] == 404
    log = served.log()
    assert "refused a link from 127.0.0.1" in log
    assert revoked not in log and expired not in log and "x" * 32 not in log


def test_an_invite_is_found_by_its_id_or_a_prefix_and_never_by_a_pattern(tmp_path):
    db = tmp_path / "s.db"
    invite(db, "Acme", "Dana")
    for pattern in ("%", "_", "%_%"):
        refused = quicktest("invite", "revoke", pattern, db=db)
        assert refused.returncode == 2 and f"no invite {pattern!r}" in refused.stderr
    listed = quicktest("invite", "list", "--format", "json", db=db).stdout
    assert '"state": "open"' in listed
    prefix = listed.split('"id": "')[1][:3]
    assert quicktest("invite", "revoke", prefix, db=db).returncode == 0
    assert '"state": "revoked"' in quicktest("invite", "list", "--format", "json", db=db).stdout


def test_repeated_bad_tokens_from_one_address_are_slowed_down(tmp_path):
    db = tmp_path / "s.db"
    invite(db, "Acme", "Dana")
    with serving(db) as served:
        for _ in range(7):
            assert fetch(f"{served.base}/i/" + "y" * 32 + "/")[0] == 404
    log = served.log()
    assert "(attempt 5 in the last hour, answered after 0 s)" in log
    assert "(attempt 6 in the last hour, answered after 1 s)" in log  # then 2, 4 ... 30 s
    assert "(attempt 7 in the last hour, answered after 2 s)" in log
