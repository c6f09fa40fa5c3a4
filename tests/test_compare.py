"""Comparing reads over time and across the respondents of one client."""

from __future__ import annotations

import json

from .conftest import EXAMPLES


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_compare_two_files_names_the_patterns_that_moved_and_why(cli):
    result = cli(
        "compare", EXAMPLES / "healthy.yaml", EXAMPLES / "borrowed_nrr.yaml", "--format", "json"
    )
    assert result.code == 0, result.err
    out = json.loads(result.out)
    moved = {p["id"]: p for p in out["patterns"]}
    assert moved["borrowed_nrr"]["status"] == "appeared"
    assert moved["borrowed_nrr"]["change"] > 0.5
    assert any(e["ref"] == "renewal_case" for e in moved["borrowed_nrr"]["gained"])
    assert {c["question"] for c in out["answers_changed"]} >= {"renewal_case", "nrr_and_margin"}
    assert out["metrics"]["nrr"] == [1.15, 1.12]
    assert out["metrics"]["gross_margin"][1] == [0.78, 0.76, 0.73, 0.70]
    assert (out["a"]["dominant"], out["b"]["dominant"]) == (None, "borrowed_nrr")


def test_same_client_a_quarter_later_shows_progress(cli, tmp_path):
    before = write(
        tmp_path,
        "q1.yaml",
        "client: Halden\nanswers: {renewal_case: concessions}\n"
        "metrics: {nrr: 112%, gross_margin: [78%, 70%]}\n",
    )
    after = write(
        tmp_path,
        "q2.yaml",
        "client: Halden\nanswers: {renewal_case: measured_outcome}"
        "\nmetrics: {nrr: 110%, gross_margin: [70%, 74%]}\n",
    )
    moved = json.loads(cli("compare", before, after, "--format", "json").out)["patterns"]
    assert next(p for p in moved if p["id"] == "borrowed_nrr")["status"] == "faded"
    out = cli("compare", before, after).out
    assert "Borrowed NRR: faded" in out
    assert "Measuring progress: the NRR and gross margin pair" in out
    assert "78% → 70%" in out and "70% → 74%" in out


def test_compare_sessions_by_id(cli):
    a = cli("sessions", "import", EXAMPLES / "hollow_usage.yaml").out.strip()
    b = cli("sessions", "import", EXAMPLES / "healthy.yaml").out.strip()
    out = json.loads(cli("compare", a, b, "--format", "json").out)
    assert out["a"]["label"] == f"session {a}"
    status = {p["id"]: p["status"] for p in out["patterns"]}
    assert status["hollow_usage"] == "faded"


def test_two_respondents_show_where_they_disagree(cli, tmp_path):
    cfo = write(
        tmp_path,
        "cfo.yaml",
        "client: Acme\nrespondent: Dana, CFO\nanswers:\n"
        "  renewal_case: concessions\n  nrr_and_margin: nrr_up_margin_down\n"
        "  expansion_source: broad\n",
    )
    cs = write(
        tmp_path,
        "cs.yaml",
        "client: Acme\nrespondent: Sam, CS lead\nanswers:\n"
        "  renewal_case: activity\n  nrr_and_margin: nrr_up_margin_down\n"
        "  expansion_source: broad\n",
    )
    for path in (cfo, cs):
        cli("sessions", "import", path)
    out = json.loads(cli("compare", "--client", "acme", "--format", "json").out)
    assert out["respondents"] == ["Dana, CFO", "Sam, CS lead"] or sorted(out["respondents"]) == [
        "Dana, CFO",
        "Sam, CS lead",
    ]
    assert [d["question"] for d in out["disagreements"]] == ["renewal_case"]
    answers = out["disagreements"][0]["answers"]
    assert set(answers.values()) == {
        "What we give to keep them; price, credits or extra service",
        "Logins, active users and seat counts",
    }
    assert out["combined"]["dominant"] == "borrowed_nrr"
    text = cli("compare", "--client", "Acme").out
    assert "They disagree on 1 of 7 questions" in text


def test_compare_errors(cli, tmp_path):
    assert cli("compare", "nope1234", "nope5678").code == 2
    result = cli("compare", "--client", "Nobody")
    assert result.code == 2 and "has 0 session(s)" in result.err
