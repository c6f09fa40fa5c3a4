"""The portfolio on a generated store of 50 clients and 200 sessions, its figures checked
against a computation of their own here (from the records, not the store), its filters, its
gate on ranking, its CSV and PDF, and a client's page among the others."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter
from statistics import fmean

import pytest

from quicktest.domain.metrics import Metrics
from quicktest.domain.response import Response
from quicktest.domain.scoring import score

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
