"""The respondents' web form, in process (Starlette's test client on the real app and a
real store, an SQLite file and a PostgreSQL database in turn): a private link answered end
to end, resumed, skipped and reviewed; metrics shown as understood; the respondent's read
and PDF; and everything it must refuse: another site's form, another host's name, a forged
or borrowed form token, a revoked or expired link (the clock handed in), another
respondent's session."""

from __future__ import annotations

import datetime
import logging
import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from quicktest.app import invites, respond
from quicktest.app.workspace import Workspace
from quicktest.faces.cli.renderer import lazy_render
from quicktest.faces.figures import key_figures
from quicktest.faces.web.settings import Settings
from quicktest.faces.web.site import create
from quicktest.sources.store import Store

BASE = "http://127.0.0.1:8000"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime.datetime:
        return self.now


@pytest.fixture
def site(store_at):
    """The web face on a fresh store (an SQLite file, then a PostgreSQL database), a clock
    the test moves, and a way to make links."""
    db = store_at
    clock = Clock()
    settings = Settings(
        questions=None,
        db=db,
        secret="s" * 64,
        open_client="Open quick test",
        hosts=("quicktest.example.com",),
        origins=("https://quicktest.example.com",),
        full_app=False,
        app_command=(),
        open_starts_per_hour=3,
    )
    workspace = Workspace(db=db)
    app = create(settings, workspace, render=lazy_render, now=clock)

    class Site:
        def client(self) -> TestClient:
            return TestClient(app, base_url=BASE, raise_server_exceptions=False)

        def other_worker(self) -> TestClient:
            """A second server process's face on the same store, as `--workers 2` runs."""
            other = create(settings, Workspace(db=db), render=lazy_render, now=clock)
            return TestClient(other, base_url=BASE, raise_server_exceptions=False)

        def link(self, client: str, respondent: str, hold: bool = False, lasts: str = "14d"):
            here = Workspace(db=db)
            invite, token = invites.created(here, client, respondent, lasts, hold, clock.now)
            here.close()
            return invite, f"/i/{token}/"

        def revoke(self, invite_id: str) -> None:
            here = Workspace(db=db)
            invites.revoked(here, invite_id)
            here.close()

        def session(self, session_id: str):
            with Store(db) as store:
                return store.get(session_id)

        def read(self, session_id: str):
            """The respondent's own read, as the web face is handed it."""
            return respond.read_of(workspace, self.session(session_id))

    yield Site(), clock
    workspace.close()


def token_of(page: str) -> str:
    return CSRF.search(page).group(1)


def answer(browser: TestClient, folder: str, number: int, option: str, **more: str):
    page = browser.get(f"{folder}q{number}")
    return browser.post(
        f"{folder}q{number}",
        data={"csrf": token_of(page.text), "answer": option, "do": "save", **more},
        follow_redirects=False,
    )


ANSWERS = {  # the shipped bank's questions, in order: one answer each
    1: "people_mostly",
    2: "nothing",
    3: "activity",
    4: "looked_healthy",
    5: "nrr_up_margin_down",
    6: "handful",
    7: "faster",
}


def test_a_link_is_answered_end_to_end_and_the_read_is_the_respondents(site, bank):
    site, _ = site
    invite, folder = site.link("Acme <b>", "Dana, CFO")
    browser = site.client()
    start = browser.get(folder[:-1], follow_redirects=False)  # the link as sent: no slash
    assert start.status_code == 303 and start.headers["location"].endswith("/")
    page = browser.get(folder)
    assert "Acme &lt;b&gt;" in page.text and "Acme <b>" not in page.text  # shown as written
    assert 'href="q1"' in page.text
    options = {q.id: {o.id for o in q.options} for q in bank.questions}
    for number, option in ANSWERS.items():
        assert option in options[bank.questions[number - 1].id], (number, option)
        saved = answer(browser, folder, number, option)
        assert saved.status_code == 303
        following = "metrics" if number == 7 else f"q{number + 1}"
        assert saved.headers["location"] == f"{following}?saved={number}"
    stored = site.session(invite.session_id)
    assert len(stored.answers) == 7 and stored.position == 6
    assert "Saved: your answer to question 7." in browser.get(f"{folder}metrics?saved=7").text

    figures = browser.get(f"{folder}metrics")
    sent = browser.post(
        f"{folder}metrics",
        data={"csrf": token_of(figures.text), "nrr": "111%", "grr": "0.65", "do": "continue"},
        follow_redirects=False,
    )
    assert sent.headers["location"] == "review?saved=metrics"
    review = browser.get(f"{folder}review").text
    assert "111%" in review and "65%" in review and "Not answered" not in review
    done = browser.post(f"{folder}send", data={"csrf": token_of(review)}, follow_redirects=False)
    assert done.headers["location"] == "read"
    read = browser.get(f"{folder}read").text
    assert "Your read" in read and 'href="report.pdf"' in read
    full = site.read(invite.session_id)
    called = full.read.dominant
    assert called and all(m.says in unescape(read) for m in called.pattern.progress)
    assert "Progress(" not in read and "Evidence(" not in read  # words, not objects
    figures = key_figures(bank, full)
    assert {"Net revenue retention", "Gross revenue retention"} <= {f.label for f in figures}
    assert all(f"{f.label}</dt>" in read and f.verdict in unescape(read) for f in figures)
    assert site.session(invite.session_id).state == "finished"
    pdf = browser.get(f"{folder}report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"]


def test_reopening_the_link_resumes_where_it_stopped(site):
    site, _ = site
    _, folder = site.link("Acme", "Dana")
    browser = site.client()
    for number in (1, 2, 3):
        answer(browser, folder, number, ANSWERS[number])
    again = site.client()  # another day, another browser: the link alone
    start = again.get(folder).text
    assert 'href="q4"' in start and "You have answered 3 questions." in start
    second = again.get(f"{folder}q2").text
    assert 'value="nothing" checked' in second
    assert 'href="q1"' in second  # Back


def test_skip_moves_on_and_back_from_the_review_returns_there(site):
    site, _ = site
    invite, folder = site.link("Acme", "Dana")
    browser = site.client()
    page = browser.get(f"{folder}q1")
    skipped = browser.post(
        f"{folder}q1", data={"csrf": token_of(page.text), "do": "skip"}, follow_redirects=False
    )
    assert skipped.headers["location"] == "q2"
    assert site.session(invite.session_id).answers == {}
    review = browser.get(f"{folder}review").text
    assert review.count("Not answered") == 7 and 'href="q1?from=review"' in review
    changed = answer(browser, folder, 1, "mixed", **{"from": "review"})
    assert changed.headers["location"] == "review?saved=1"


def test_saving_without_an_answer_names_the_problem_beside_the_field(site):
    site, _ = site
    _, folder = site.link("Acme", "Dana")
    browser = site.client()
    page = browser.get(f"{folder}q1")
    for forged in ("", "not_an_option"):
        again = browser.post(
            f"{folder}q1", data={"csrf": token_of(page.text), "answer": forged, "do": "save"}
        )
        assert again.status_code == 400
        assert 'class="error-summary"' in again.text and 'href="#o-people_always"' in again.text
        assert 'id="answer-error"' in again.text and "<title>Error:" in again.text


def test_metrics_are_shown_as_understood_and_a_bad_one_is_named_beside_its_field(site):
    site, _ = site
    invite, folder = site.link("Acme", "Dana")
    browser = site.client()
    page = browser.get(f"{folder}metrics")
    checked = browser.post(
        f"{folder}metrics",
        data={"csrf": token_of(page.text), "nrr": "1.11", "arr": "1.2M", "grr": "lots"},
    )
    assert checked.status_code == 400
    assert 'id="u-nrr">= 111%' in checked.text and 'id="u-arr">= 1.2M' in checked.text
    assert 'id="e-grr"' in checked.text and 'href="#m-grr"' in checked.text
    assert 'value="lots"' in checked.text  # what was typed stays to be corrected
    assert dict(site.session(invite.session_id).metrics) == {"nrr": 1.11, "arr": 1.2e6}
    above = browser.post(
        f"{folder}metrics", data={"csrf": token_of(page.text), "nrr": "0.9", "grr": "95%"}
    )
    assert "is above NRR" in above.text and 'id="e-grr"' in above.text
    assert dict(site.session(invite.session_id).metrics)["nrr"] == 1.11  # both kept as were
    cleared = browser.post(
        f"{folder}metrics",
        data={"csrf": token_of(page.text), "nrr": "", "arr": "1.2M", "do": "continue"},
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    assert dict(site.session(invite.session_id).metrics) == {"arr": 1.2e6}


def test_a_held_read_shows_a_thank_you_and_no_pdf(site):
    site, _ = site
    _, folder = site.link("Acme", "Dana", hold=True)
    browser = site.client()
    review = browser.get(f"{folder}review").text
    done = browser.post(f"{folder}send", data={"csrf": token_of(review)}, follow_redirects=False)
    assert done.headers["location"] == "thanks"
    assert "Thank you" in browser.get(f"{folder}thanks").text
    assert browser.get(f"{folder}read", follow_redirects=False).headers["location"] == "thanks"
    assert browser.get(f"{folder}report.pdf").status_code == 404


def test_another_sites_form_and_another_hosts_name_are_refused(site):
    site, _ = site
    invite, folder = site.link("Acme", "Dana")
    browser = site.client()
    token = token_of(browser.get(f"{folder}q1").text)
    form = {"csrf": token, "answer": "mixed", "do": "save"}
    foreign = browser.post(f"{folder}q1", data=form, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    cross = browser.post(f"{folder}q1", data=form, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403
    rebound = browser.get(f"{folder}q1", headers={"Host": "evil.example"})
    assert rebound.status_code == 400
    assert site.session(invite.session_id).answers == {}
    # the addresses named with --url are answered, from their own pages
    public = browser.post(
        f"{folder}q1",
        data=form,
        headers={"Host": "quicktest.example.com", "Origin": "https://quicktest.example.com"},
        follow_redirects=False,
    )
    assert public.status_code == 303
    same = browser.post(
        f"{folder}q2",
        data={**form, "answer": "nothing"},
        headers={"Origin": BASE},
        follow_redirects=False,
    )
    assert same.status_code == 303


def test_a_forged_or_borrowed_form_token_writes_nothing(site):
    site, _ = site
    mine, my_folder = site.link("Acme", "Dana")
    _, their_folder = site.link("Acme", "Lee")
    browser = site.client()
    their_token = token_of(browser.get(f"{their_folder}q1").text)
    for token in ("forged", their_token, ""):
        refused = browser.post(
            f"{my_folder}q1", data={"csrf": token, "answer": "mixed", "do": "save"}
        )
        assert refused.status_code == 403 and "This page has expired" in refused.text
    assert site.session(mine.session_id).answers == {}


def test_revocation_and_expiry_stop_the_link_at_the_next_click(site, caplog):
    site, clock = site
    revoked, revoked_folder = site.link("Acme", "Dana")
    _, expiring_folder = site.link("Acme", "Lee", lasts="2d")
    browser = site.client()
    open_page = browser.get(f"{revoked_folder}q1").text  # a tab already open
    with caplog.at_level(logging.WARNING, logger="quicktest.serve"):
        site.revoke(revoked.id)
        late = browser.post(
            f"{revoked_folder}q1", data={"csrf": token_of(open_page), "answer": "mixed"}
        )
        assert late.status_code == 404 and "This link does not open" in late.text
        assert browser.get(f"{expiring_folder}q1").status_code == 200
        clock.now += datetime.timedelta(days=2)
        assert browser.get(f"{expiring_folder}q1").status_code == 404
        assert browser.get("/i/" + "x" * 32 + "/").status_code == 404
    assert site.session(revoked.session_id).answers == {}
    assert "refused a link from" in caplog.text
    for folder in (revoked_folder, expiring_folder):
        assert folder.split("/")[2] not in caplog.text  # the address, never the token


def test_a_second_respondent_sees_nothing_of_the_first(site):
    site, _ = site
    first, first_folder = site.link("Acme", "Dana Secret-Name")
    _, second_folder = site.link("Acme", "Lee")
    browser = site.client()
    for number in (1, 2):
        answer(browser, first_folder, number, ANSWERS[number])
    figures = browser.get(f"{first_folder}metrics").text
    browser.post(f"{first_folder}metrics", data={"csrf": token_of(figures), "nrr": "93%"})
    other = site.client()  # the second respondent, in a browser of their own
    pages = [other.get(f"{second_folder}{page}").text for page in ("", "q1", "review", "read")]
    for page in pages:
        assert "Dana Secret-Name" not in page and first.session_id not in page
        assert "checked" not in page and "93%" not in page
    assert "Respondents" not in pages[-1]  # their read is theirs alone


def test_the_open_quick_test_gives_each_browser_a_session_of_its_own(site):
    site, _ = site
    visitor = site.client()
    assert visitor.get("/", follow_redirects=False).headers["location"] == "open/"
    intro = visitor.get("/open/")
    assert "quicktest_visit" in intro.cookies
    started = visitor.post(
        "/open/start", data={"csrf": token_of(intro.text)}, follow_redirects=False
    )
    assert started.headers["location"] == "q1"
    cookie = started.cookies["quicktest_open"]
    assert "httponly" in started.headers["set-cookie"].lower()
    saved = answer(visitor, "/open/", 1, "mixed")
    assert saved.status_code == 303
    session_id = cookie.split(".")[0]
    stored = site.session(session_id)
    assert stored.client == "Open quick test" and dict(stored.answers) == {
        "revenue_triggers": "mixed"
    }
    stranger = site.client()  # no cookie: the start page, nothing of the first
    assert "checked" not in stranger.get("/open/q1", follow_redirects=True).text
    forged = site.client()
    forged.cookies.set("quicktest_open", f"{session_id}.1.forged")
    assert forged.get("/open/q1", follow_redirects=False).headers["location"] == "./"
    late = site.client()  # a start form without the cookie its token is bound to
    assert late.post("/open/start", data={"csrf": token_of(intro.text)}).status_code == 400


def test_new_open_tests_from_one_address_are_limited_across_workers(site, store_at):
    """Three an hour from one address (this site's setting), however many workers answer:
    the count is kept in the store, under a keyed hash of the address, never the address."""
    site, clock = site
    first, second = site.client(), site.other_worker()
    token = token_of(first.get("/open/").text)
    second.cookies = first.cookies  # the same browser, its requests shared out

    def start(worker: TestClient) -> int:
        return worker.post("/open/start", data={"csrf": token}, follow_redirects=False).status_code

    assert [start(first), start(second), start(first), start(second)] == [303, 303, 303, 429]
    clock.now += datetime.timedelta(hours=1)
    assert start(second) == 303  # an hour on, the earlier ones no longer count
    with Store(store_at) as store:
        callers = {c for (c,) in store.db.execute("SELECT caller FROM attempts")}
    assert callers and not any("testclient" in c for c in callers)


def test_requests_are_bounded_and_faults_say_nothing_of_the_code(site, monkeypatch):
    site, _ = site
    _, folder = site.link("Acme", "Dana")
    browser = site.client()
    token = token_of(browser.get(f"{folder}q1").text)
    huge = browser.post(f"{folder}q1", data={"csrf": token, "answer": "x" * 40_000})
    assert huge.status_code == 413
    many = browser.post(f"{folder}q1", content="&".join(f"f{n}=1" for n in range(100)),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert many.status_code == 413
    json = browser.post(f"{folder}q1", json={"csrf": token})
    assert json.status_code == 415

    from quicktest.app import respond

    def broken(*args: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(respond, "answered", broken)
    failed = browser.post(f"{folder}q1", data={"csrf": token, "answer": "mixed", "do": "save"})
    assert failed.status_code == 500 and "Something went wrong" in failed.text
    assert "secret detail" not in failed.text and "Traceback" not in failed.text


def test_pages_load_nothing_from_elsewhere_and_keep_to_themselves(site):
    site, _ = site
    _, folder = site.link("Acme", "Dana")
    browser = site.client()
    for path in (folder, f"{folder}q1", f"{folder}metrics", f"{folder}review", "/open/"):
        page = browser.get(path)
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["cache-control"] == "no-store"
        addresses = re.findall(r'(?:href|src|action)="([^"]*)"', page.text)
        assert addresses and not [a for a in addresses if "//" in a or a.startswith("/")]
