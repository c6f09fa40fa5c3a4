"""Comparing reads over time and across the respondents of one client."""

from __future__ import annotations

import json

from .conftest import EXAMPLES, text_of


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


CFO = (
    "client: Acme\nrespondent: Dana, CFO\ndate: 2026-10-01\nanswers:\n"
    "  renewal_case: concessions\n  nrr_and_margin: nrr_up_margin_down\n"
    "  expansion_source: broad\n"
)
CS = (
    "client: Acme\nrespondent: Sam, CS lead\ndate: 2026-10-02\nanswers:\n"
    "  renewal_case: activity\n  nrr_and_margin: nrr_up_margin_down\n"
    "  expansion_source: broad\n"
)


def imported(cli, tmp_path, **files: str) -> dict[str, str]:
    """Import each text as a session; the new ids by name."""
    return {
        name: cli("sessions", "import", write(tmp_path, f"{name}.yaml", text)).out.strip()
        for name, text in files.items()
    }


def test_two_respondents_show_where_they_disagree(cli, tmp_path):
    imported(cli, tmp_path, cfo=CFO, cs=CS)
    out = json.loads(cli("compare", "--client", "acme", "--format", "json").out)
    assert sorted(p["name"] for p in out["respondents"]) == ["Dana, CFO", "Sam, CS lead"]
    assert out["disagreements"] == ["renewal_case"]
    renewal = next(a for a in out["answers"] if a["question"] == "renewal_case")
    assert renewal["by"] == {"Dana, CFO": "concessions", "Sam, CS lead": "activity"}
    assert out["dominant"] == "borrowed_nrr"
    borrowed = out["patterns"][0]
    assert borrowed["id"] == "borrowed_nrr"
    own = [
        next(p["score"] for p in r["patterns"] if p["id"] == "borrowed_nrr") for r in out["reads"]
    ]
    assert borrowed["score"] == round(sum(own) / 2, 3)
    text = cli("compare", "--client", "Acme").out
    assert "They disagree on 1 of 7 questions" in text
    assert "Dana, CFO: What we give to keep them" in text


def test_a_respondent_who_retook_the_test_counts_once_with_the_latest_answers(cli, tmp_path):
    retake = CFO.replace("2026-10-01", "2027-01-10").replace("concessions", "activity")
    imported(cli, tmp_path, cfo=CFO, cs=CS, cfo_again=retake)
    out = json.loads(cli("compare", "--client", "Acme", "--format", "json").out)
    assert sorted(p["name"] for p in out["respondents"]) == ["Dana, CFO", "Sam, CS lead"]
    assert out["disagreements"] == []  # Dana's newer answer now matches Sam's


def test_report_of_a_session_with_other_respondents_gets_their_page(cli, tmp_path):
    ids = imported(cli, tmp_path, cfo=CFO, cs=CS)
    pdf = tmp_path / "acme.pdf"
    result = cli("report", ids["cfo"], "-o", pdf)
    assert result.code == 0, result.err
    text = text_of(pdf)
    assert "Respondents" in text
    assert "The rest of this report is the read of Dana, CFO." in text
    assert "Where they disagree: 1 of 7 questions" in text
    assert "Logins, active users and seat counts" in text  # Sam's answer, on Dana's report
    # --client reads the client: the combined read of both leads, each one's own follows
    assert cli("report", "--client", "ACME", "-o", pdf).code == 0
    text = text_of(pdf)
    assert "Combined read of 2 respondents" in text
    assert "Each respondent's own read follows the combined one." in text


def test_a_lone_respondent_or_an_answers_file_gets_no_respondents_page(cli, tmp_path):
    ids = imported(cli, tmp_path, cfo=CFO)
    for source in (ids["cfo"], write(tmp_path, "cs.yaml", CS)):
        html = tmp_path / "r.html"
        assert cli("report", source, "-o", tmp_path / "r.pdf", "--html", html).code == 0
        assert 'class="page respondents"' not in html.read_text()


def test_respondent_names_are_text_on_the_respondents_page(cli, tmp_path):
    hostile = CS.replace("Sam, CS lead", "'<img src=x onerror=alert(1)>'")
    ids = imported(cli, tmp_path, cfo=CFO, cs=hostile)
    html = tmp_path / "r.html"
    assert cli("report", ids["cfo"], "-o", tmp_path / "r.pdf", "--html", html).code == 0
    page = html.read_text()
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_name_that_is_no_file_does_not_create_a_store(cli, tmp_path):
    result = cli("score", "answers")
    assert result.code == 2
    assert "'answers' is neither an answers file nor a session id (no session store yet)" in (
        result.err
    )
    assert not (tmp_path / "sessions.db").exists()


def test_score_reads_a_session_id_too(cli, tmp_path):
    ids = imported(cli, tmp_path, cfo=CFO)
    out = json.loads(cli("score", ids["cfo"], "--format", "json").out)
    assert out["dominant"] == "borrowed_nrr"
    result = cli("score", ids["cfo"][:-1] + "x")
    assert result.code == 2
    assert "is neither an answers file nor a session id" in result.err
    assert f"did you mean {ids['cfo']}?" in result.err
    result = cli("score", "missing.yaml")
    assert result.code == 2 and "missing.yaml" in result.err


def test_compare_errors(cli, tmp_path):
    assert cli("compare", "nope1234", "nope5678").code == 2
    result = cli("compare", "--client", "Acmee")
    assert result.code == 2 and "no sessions for client 'Acmee'" in result.err
    imported(cli, tmp_path, cfo=CFO)
    result = cli("compare", "--client", "Acmee")
    assert "did you mean Acme?" in result.err
    result = cli("compare", "--client", "Acme")
    assert result.code == 2 and "has one respondent" in result.err
    result = cli("report", "a.yaml", "--client", "Acme", "-o", tmp_path / "r.pdf")
    assert result.code == 2 and "not both" in result.err
