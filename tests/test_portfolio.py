"""The portfolio on a generated store of 50 clients and 200 sessions, its figures checked
against a computation of their own here (from the records, not the store), its filters, its
gate on ranking, its CSV and PDF, and a client's page among the others. Then a client under
an anonymity threshold: shown only at its releases, so that no two reads of it the
portfolio shows, whatever the window, differ by fewer respondents than its threshold."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter
from statistics import fmean

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quicktest.app.portfolio import portfolio_of
from quicktest.app.workspace import Workspace
from quicktest.domain.client import Client, fold
from quicktest.domain.clientread import gather
from quicktest.domain.metrics import Metrics
from quicktest.domain.portfolio import portfolio
from quicktest.domain.releases import as_of, latest, releases, waiting
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.domain.session import Session

from .conftest import text_of
from .generated import make_store, records


@pytest.fixture(scope="module")
def generated(bank, tmp_path_factory):
    made = records(bank)
    path = tmp_path_factory.mktemp("portfolio") / "sessions.db"
    make_store(path, bank, made).close()
    return path, made


def run(cli, path, *args: str):
    result = cli("--db", path, "portfolio", *args)
    assert result.code == 0, result.err
    return result


def expected_read(bank, sessions):
    """The documented rule, computed here: each respondent's latest session with answers,
    read with the company's figures (the newest value of each), the mean of their scores
    and coverage, the level the bank calls for both, the strongest at the dominant level."""
    latest = {}
    for record in sorted(sessions, key=lambda r: r.date, reverse=True):
        if record.answers:
            latest.setdefault(record.respondent.casefold(), record)
    if not latest:
        return None
    figures = {}
    for record in sorted(latest.values(), key=lambda r: r.date, reverse=True):
        for name, value in record.metrics.items():
            figures.setdefault(name, value)
    reads = [score(bank, Response(r.answers, Metrics(figures))) for r in latest.values()]
    found = {}
    for pattern in bank.patterns:
        own = [next(p for p in read.patterns if p.pattern.id == pattern.id) for read in reads]
        mean = round(fmean(p.score for p in own), 3)
        step = bank.confidence_at(fmean(p.coverage for p in own))
        level = bank.capped(bank.level_of(mean), step)
        found[pattern.id] = (mean, fmean(p.points for p in own), level)
    # the call: by the level called, then score, then points; alike at the top is a tie
    key = {pid: (bank.rank(level), -mean, -points) for pid, (mean, points, level) in found.items()}
    best = min(key.values())
    at_top = [pid for pid in key if key[pid] == best]
    reaches = bank.at_least(found[at_top[0]][2], bank.dominant)
    dominant = (at_top[0] if len(at_top) == 1 else "tie") if reaches else None
    return (
        {pid: mean for pid, (mean, _, _) in found.items()},
        dominant,
        max(latest.values(), key=lambda r: r.date).date,
    )


def round_began(sessions) -> str:
    days = sorted({datetime.date.fromisoformat(r.date) for r in sessions if r.answers})
    start = days[-1]
    for day in reversed(days[:-1]):
        if (start - day).days > 30:
            break
        start = day
    return start.isoformat()


def test_the_portfolio_figures_match_a_computation_of_their_own(cli, bank, generated):
    path, made = generated
    out = json.loads(run(cli, path, "--format", "json").out)
    by_client = {}
    for record in made:
        by_client.setdefault(record.client, []).append(record)
    assert out["clients"] == len(by_client) == 50 and out["ranked"]
    rows = {row["client"]: row for row in out["rows"]}
    dominant = Counter()
    for client, sessions in by_client.items():
        scores, top, date = expected_read(bank, sessions)
        row = rows[client]
        assert row["scores"] == scores, client
        called = row["dominant"] or ("tie" if row["tied"] else None)
        assert (called, row["date"]) == (top, date), client
        dominant[top or "none"] += 1
        began = round_began(sessions)
        before = expected_read(bank, [r for r in sessions if r.date < began])
        if before is None:
            assert row["previous"] is None and row["direction"] == "new"
        else:
            assert row["previous"]["scores"] == before[0], client
            assert row["change"] == {p: round(scores[p] - before[0][p], 3) for p in scores}
    assert out["dominant"] == {p.id: dominant[p.id] for p in bank.patterns} | {
        "tie": dominant["tie"],
        "none": dominant["none"],
    }
    assert sum(out["dominant"].values()) == 50
    for pattern in bank.patterns:  # each client's percentile: the others below, ties half
        everyone = [row["scores"][pattern.id] for row in out["rows"]]
        for row in out["rows"]:
            mine = row["scores"][pattern.id]
            below = sum(s < mine for s in everyone)
            tied = sum(s == mine for s in everyone) - 1
            assert row["percentiles"][pattern.id] == round(100 * (below + tied / 2) / 49)
    assert any(row["direction"] not in ("new", "unchanged") for row in out["rows"])
    single = [row for row in out["rows"] if int(row["client"].split()[1]) % 5 == 0]
    assert single and all(row["previous"] is None for row in single)  # one round only


def test_filters_by_tag_and_dates_and_the_ranking_gate(cli, generated, tmp_path, monkeypatch):
    path, _ = generated
    tagged = json.loads(run(cli, path, "--tag", "FINTECH", "--format", "json").out)
    assert tagged["clients"] == 17 and tagged["ranked"]  # every third client, 17 >= 10
    assert all("fintech" in row["tags"] for row in tagged["rows"])
    spring = json.loads(run(cli, path, "--to", "2026-03-31", "--format", "json").out)
    assert {row["date"] < "2026-04-01" for row in spring["rows"]} == {True}
    assert all(row["previous"] is None for row in spring["rows"])
    summer = json.loads(run(cli, path, "--from", "2026-06-01", "--format", "json").out)
    assert all(row["date"] >= "2026-06-01" for row in summer["rows"])
    assert summer["clients"] < 50  # the clients of one round in spring are not there
    gated = json.loads(run(cli, path, "--min-clients", "51", "--format", "json").out)
    assert not gated["ranked"] and all(row["percentiles"] is None for row in gated["rows"])
    assert "shows from 51 clients" in run(cli, path, "--min-clients", "51").out
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "quicktest").mkdir()
    config = tmp_path / "quicktest" / "config.yaml"
    config.write_text("portfolio:\n  min_clients: 60\n")
    assert not json.loads(run(cli, path, "--format", "json").out)["ranked"]
    config.write_text("portfolio:\n  min_client: 5\n")
    wrong = cli("--db", path, "portfolio")
    assert (
        wrong.code == 2
        and "config.yaml:2:" in wrong.err
        and "did you mean min_clients" in wrong.err
    )
    bad = cli("--db", path, "portfolio", "--from", "2026-13-01")
    assert bad.code == 2 and "--from" in bad.err


def test_csv_holds_the_json_figures(cli, bank, generated):
    path, _ = generated
    out = json.loads(run(cli, path, "--format", "json").out)
    rows = list(csv.DictReader(io.StringIO(run(cli, path, "--format", "csv").out)))
    assert [r["client"] for r in rows] == [r["client"] for r in out["rows"]]
    for row, data in zip(rows, out["rows"], strict=True):
        for pattern in bank.patterns:
            assert float(row[f"score_{pattern.id}"]) == data["scores"][pattern.id]
            assert int(row[f"percentile_{pattern.id}"]) == data["percentiles"][pattern.id]
        assert row["dominant"] == (data["dominant"] or "")


def test_the_portfolio_pdf_carries_the_brand(cli, generated, tmp_path):
    from .conftest import EXAMPLES

    path, _ = generated
    pdf = tmp_path / "portfolio.pdf"
    run(cli, path, "-o", pdf, "--brand", EXAMPLES / "brand")
    text = text_of(pdf)
    assert "Northbeam Advisory" in text and "Across the clients" in text
    assert "The dominant pattern across 50 clients" in text and "Client 49" in text


def test_a_client_report_can_place_it_among_the_clients(cli, generated, tmp_path):
    path, _ = generated
    html = tmp_path / "r.html"
    args = ("--db", path, "report", "--client", "Client 07", "-o", tmp_path / "r.pdf")
    result = cli(*args, "--html", html, "--among-clients")
    assert result.code == 0, result.err
    assert "Among the consultant's clients" in html.read_text()
    assert "among the 50 clients" in html.read_text()
    result = cli(*args, "--html", html, "--among-clients", "--min-clients", "80")
    assert result.code == 0 and "too few clients" in result.err
    assert "Among the consultant" not in html.read_text()


# --- under an anonymity threshold: releases ---------------------------------------------------


def answers_of(bank, k: int) -> dict[str, str]:
    """A full set of answers, different for each k."""
    return {
        q.id: q.options[(k * (j + 1)) % len(q.options)].id for j, q in enumerate(bank.questions)
    }


def answered(cli, bank, folder, db, client: str, given: list[tuple[str, str, int]]) -> None:
    """Sessions of `client` imported into the store `db`: (respondent, date, answers k)."""
    folder.mkdir(exist_ok=True)
    for n, (who, day, k) in enumerate(given):
        answers = ", ".join(f"{q}: {o}" for q, o in answers_of(bank, k).items())
        path = folder / f"{fold(client)}-{n}.yaml"
        path.write_text(
            f"client: {client}\nrespondent: {who}\ndate: {day}\nanswers: {{{answers}}}\n"
        )
        result = cli("--db", db, "sessions", "import", path)
        assert result.code == 0, result.err


def differ(a, b) -> int:
    """How many respondents two client reads differ by: in one and not the other, or in both
    with another session (who took the test again)."""
    one = {fold(p.name): p.session for p in a.people}
    two = {fold(p.name): p.session for p in b.people}
    return sum(one.get(who) != two.get(who) for who in one.keys() | two.keys())


def shown_reads(db, client: str, windows) -> list:
    """Every read of `client` the portfolio shows over these windows (latest and previous)."""
    found = []
    for start, end in windows:
        for row in portfolio_of(Workspace(db=str(db)), start, end, at_least=1).rows:
            if fold(row.client.name) == fold(client):
                found += [row.now] + ([row.before] if row.before else [])
    return found


def row_of(cli, db, client: str, *args: str):
    """The portfolio's row of `client` (None when not there) and the whole JSON."""
    out = json.loads(run(cli, db, "--format", "json", *args).out)
    rows = [r for r in out["rows"] if r["client"] == client]
    return (rows[0] if rows else None), out


def windows_around(days: list[str]):
    """Every --from/--to pair of the days the sessions fall on, and the days just after."""
    after = [
        (datetime.date.fromisoformat(d) + datetime.timedelta(days=1)).isoformat() for d in days
    ]
    edges = [None, *sorted({*days, *after})]
    return [(a, b) for a in edges for b in edges if a is None or b is None or a <= b]


def test_a_respondent_alone_in_a_later_round_is_not_given_away(cli, bank, tmp_path):
    """Threshold 3: Dana, Priya and Sam answered in January, Lee alone in April. Four times
    the read of four less three times the read of three would be Lee's own: the portfolio
    shows January's read, and says one respondent waits. Dana taking the test again waits
    too; with Ann, three have changed since January, and the April read is released, its
    previous read January's."""
    db = tmp_path / "s.db"
    january = [("Dana", "2026-01-10", 1), ("Priya", "2026-01-12", 2), ("Sam", "2026-01-14", 3)]
    answered(cli, bank, tmp_path / "in", db, "Quill", [*january, ("Lee", "2026-04-02", 4)])
    answered(cli, bank, tmp_path / "in", db, "Open Co", [("Ann", "2026-01-10", 5)])
    assert cli("--db", db, "clients", "set", "quill", "--anonymity", "3").code == 0
    jan, _ = row_of(cli, db, "Quill", "--to", "2026-01-31")
    row, out = row_of(cli, db, "Quill")
    assert row["scores"] == jan["scores"] and row["date"] == "2026-01-14"
    assert (row["respondents"], row["waiting"], row["previous"], row["change"]) == (3, 1, None, {})
    assert row["direction"] == "new" and out["held"] == [] and out["withheld"] == []
    assert row_of(cli, db, "Quill")[1] == out  # the same, run again
    # the change of one who took the test again is not given away either
    answered(cli, bank, tmp_path / "again", db, "Quill", [("Dana", "2026-04-05", 6)])
    row, _ = row_of(cli, db, "Quill")
    assert (row["scores"], row["waiting"]) == (jan["scores"], 2)
    # Ann makes three changed since January: released, with January as its previous read
    answered(cli, bank, tmp_path / "ann", db, "Quill", [("Ann", "2026-04-09", 7)])
    row, _ = row_of(cli, db, "Quill")
    assert (row["respondents"], row["waiting"], row["date"]) == (5, 0, "2026-04-09")
    assert row["previous"]["scores"] == jan["scores"] and row["direction"] != "new"
    days = ["2026-01-10", "2026-01-12", "2026-01-14", "2026-04-02", "2026-04-05", "2026-04-09"]
    reads = shown_reads(db, "Quill", windows_around(days))
    assert len({tuple(sorted(p.session for p in r.people)) for r in reads}) == 2
    assert all(differ(a, b) in (0, 3) for a in reads for b in reads)


def test_a_window_does_not_leave_one_respondent_out(cli, bank, tmp_path):
    """Threshold 3: Dana, the sponsor, answered on 10 January, the others in February. A
    window from 11 January would be the read without Dana, and the read of everyone less it,
    hers: under the threshold every read shown holds everyone who answered up to its day, and
    --from only says whether the client is shown."""
    db = tmp_path / "s.db"
    given = [
        ("Dana", "2026-01-10", 1),
        ("Priya", "2026-02-01", 2),
        ("Sam", "2026-02-03", 3),
        ("Lee", "2026-02-05", 4),
    ]
    answered(cli, bank, tmp_path / "in", db, "Quill", given)
    assert (
        cli("--db", db, "clients", "set", "quill", "--anonymity", "3", "--sponsor", "Dana").code
        == 0
    )

    def quill(*args: str):
        return row_of(cli, db, "Quill", *args)

    whole, _ = quill()
    assert (whole["respondents"], whole["waiting"], whole["date"]) == (3, 1, "2026-02-03")
    after_dana, _ = quill("--from", "2026-01-11")
    assert after_dana["scores"] == whole["scores"] and after_dana["respondents"] == 3
    assert quill("--from", "2026-01-11", "--to", "2026-02-04")[0] == whole | {"waiting": 0}
    gone, out = quill("--from", "2026-02-04")  # Lee alone is in the window: held back
    assert gone is None and out["held"] == [{"client": "Quill", "waiting": 1, "anonymity": 3}]
    said = " ".join(cli("--db", db, "portfolio", "--from", "2026-02-04").out.split())
    assert "Quill: held back, 1 respondent answered since its last read shown" in said
    assert "No client's read can be shown here yet" in said
    said = " ".join(cli("--db", db, "portfolio").out.split())
    assert "Quill: shown as it stood on 2026-02-03; 1 respondent answered since" in said
    csv_rows = cli("--db", db, "portfolio", "--format", "csv").out.splitlines()
    assert csv_rows[0].endswith(",waiting") and csv_rows[1].endswith(",1")
    pdf = tmp_path / "p.pdf"
    assert cli("--db", db, "portfolio", "-o", pdf).code == 0
    assert "1 respondent answered since, held back until 3 have" in text_of(pdf)
    early, out = quill("--to", "2026-02-02")  # two had answered: fewer than three
    assert early is None and out["withheld"] == [
        {"client": "Quill", "respondents": 2, "anonymity": 3}
    ]
    reads = shown_reads(db, "Quill", windows_around([d for _, d, _ in given]))
    assert reads and all(differ(a, b) in (0, 3) for a in reads for b in reads)
    assert all(len(r.people) == 3 for r in reads)


def test_clients_without_a_threshold_are_read_as_before(cli, bank, tmp_path):
    """A client with no threshold: in every window, its row is what it was before releases
    (its read from the window's sessions, its previous read from those before the round),
    nothing waiting, whatever a client beside it with a threshold does."""
    from quicktest.domain.clientread import shown_read
    from quicktest.domain.portfolio import Row, round_start

    db = tmp_path / "s.db"
    given = [("Dana", "2026-01-10", 1), ("Priya", "2026-02-01", 2), ("Lee", "2026-04-05", 4)]
    answered(cli, bank, tmp_path / "in", db, "Open Co", given)
    answered(cli, bank, tmp_path / "in", db, "Quill", [(w, d, k + 3) for w, d, k in given])
    assert cli("--db", db, "clients", "set", "quill", "--anonymity", "2").code == 0
    store = Workspace(db=str(db)).store
    client = store.client("open co")
    sessions = store.list("open co")
    shown = 0
    for start, end in windows_around([d for _, d, _ in given]):
        args = [*(["--from", start] if start else []), *(["--to", end] if end else [])]
        out = json.loads(run(cli, db, "--format", "json", *args).out)
        rows = [r for r in out["rows"] if r["client"] == "Open Co"]
        chosen = [s for s in sessions if (start or "") <= s.date <= (end or "9999")]
        if not chosen:
            assert not rows
            continue
        (row,) = rows
        began = round_start(chosen)
        now = shown_read(bank, client, chosen)
        before = shown_read(bank, client, [s for s in chosen if s.date < began])
        assert row == Row(client, now, before, None).as_json(bank) | {"waiting": 0}
        shown += 1
    assert shown > 10


# the release rule itself, over made-up sessions: respondents, days, retakes, invitations


def made_sessions(draws: list[tuple[int, int, bool]]) -> list[Session]:
    """Sessions of one client: (respondent, day, answered), newest first as the store lists
    them (a later one first within a day)."""
    sessions = [
        Session(
            f"s{n:03d}",
            "Quill",
            f"Person {who}",
            (datetime.date(2026, 1, 1) + datetime.timedelta(days=day)).isoformat(),
            "finished",
            "b",
            "1",
            answers={"q": "a"} if given else {},
        )
        for n, (who, day, given) in enumerate(draws)
    ]
    return sorted(sessions, key=lambda s: (s.date, s.id), reverse=True)


def people_of(sessions) -> dict[str, str]:
    """Who a state counts, and with which session."""
    return {s.respondent: s.id for s in gather(sessions).counted}


def moved(a: dict[str, str], b: dict[str, str]) -> int:
    return sum(a.get(who) != b.get(who) for who in a.keys() | b.keys())


SESSIONS = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 120), st.booleans() | st.just(True)),
    max_size=30,
)


@given(SESSIONS, st.integers(0, 6))
@settings(max_examples=400)
def test_two_releases_differ_by_no_one_or_by_the_threshold(draws, threshold):
    sessions = made_sessions(draws)
    made = releases(sessions, threshold)
    needed = max(1, threshold)
    states = {r.date: people_of(r.sessions) for r in made}
    for release in made:  # a release is every session up to its day, and counted as such
        assert release.sessions == as_of(sessions, release.date)
        assert release.counted == frozenset(states[release.date].values())
    if made:
        assert len(states[made[0].date]) >= needed
    for a in states.values():
        for b in states.values():
            assert moved(a, b) == 0 or moved(a, b) >= needed
    # and none held back that could be shown: between two releases, fewer than N moved
    days = sorted({s.date for s in sessions if s.counts})
    for day in days:
        shown = latest(made, day)
        if shown is None:
            assert len(people_of(as_of(sessions, day))) < needed
        else:
            now = people_of(as_of(sessions, day))
            assert moved(people_of(shown.sessions), now) == waiting(shown, sessions, day) < needed
    if needed == 1:
        assert [r.date for r in made] == days


QUILL = Client("quill", "Quill")


@given(
    SESSIONS.filter(lambda d: any(given for _, _, given in d)),
    st.integers(2, 5),
    st.lists(st.tuples(*[st.none() | st.integers(0, 130)] * 2), min_size=1, max_size=6),
)
@settings(max_examples=60)
def test_no_two_reads_the_portfolio_shows_differ_by_fewer_than_the_threshold(
    bank, draws, threshold, windows
):
    """Whatever the windows: every read shown of a client under a threshold, its latest and
    its previous, is one of its releases."""
    sessions = [
        s._replace(answers=answers_of(bank, int(s.respondent.split()[1]) + int(s.id[1:])))
        if s.answers
        else s
        for s in made_sessions(draws)
    ]
    client = QUILL._replace(anonymity=threshold)

    def day(n: int | None) -> str | None:
        return (
            None if n is None else (datetime.date(2026, 1, 1) + datetime.timedelta(n)).isoformat()
        )

    reads = []
    for a, b in [(None, None), *windows]:
        start, end = day(a), day(b)
        if start and end and start > end:
            start, end = end, start
        for row in portfolio(bank, [(client, sessions)], start, end, min_clients=1).rows:
            assert 0 <= row.waiting < threshold
            reads += [row.now] + ([row.before] if row.before else [])
    for a in reads:
        assert len(a.people) >= threshold
        for b in reads:
            assert differ(a, b) == 0 or differ(a, b) >= threshold


def test_a_report_places_the_read_it_shows_among_the_clients(cli, bank, tmp_path):
    """Under a threshold the portfolio may show an earlier read (its latest release), while
    `report --client` shows the client as it stands: its page among the clients places that
    read, the one the report shows, among the others as the portfolio shows them."""
    from quicktest.app.portfolio import standing_of

    db = tmp_path / "s.db"
    january = [("Dana", "2026-01-10", 1), ("Priya", "2026-01-12", 2), ("Sam", "2026-01-14", 3)]
    answered(cli, bank, tmp_path / "in", db, "Quill", [*january, ("Lee", "2026-04-02", 4)])
    for n in range(4):
        answered(cli, bank, tmp_path / "in", db, f"Other {n}", [("Ann", "2026-02-01", n + 5)])
    assert cli("--db", db, "clients", "set", "quill", "--anonymity", "3").code == 0
    out = json.loads(run(cli, db, "--format", "json", "--min-clients", "2").out)
    others = [r["scores"] for r in out["rows"] if r["client"] != "Quill"]
    now = json.loads(cli("--db", db, "score", "--client", "quill", "--format", "json").out)
    mine = {p["id"]: p["score"] for p in now["patterns"]}
    place = standing_of(Workspace(db=str(db)), "quill", 2)
    assert place is not None and place.clients == 5
    for pid, score_now in mine.items():
        below = (
            sum(o[pid] < score_now for o in others) + sum(o[pid] == score_now for o in others) / 2
        )
        assert place.percentiles[pid] == round(100 * below / 4)
    html = tmp_path / "r.html"
    args = ("--db", db, "report", "--client", "quill", "-o", tmp_path / "r.pdf", "--html", html)
    result = cli(*args, "--among-clients", "--min-clients", "2")
    assert result.code == 0, result.err
    assert "among the 5 clients" in html.read_text()
    open_co = standing_of(Workspace(db=str(db)), "other 0", 2)  # no threshold: the portfolio's
    assert open_co is not None
    assert (
        open_co.percentiles
        == next(r for r in out["rows"] if r["client"] == "Other 0")["percentiles"]
    )
