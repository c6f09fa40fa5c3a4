"""What `validate` accepts, every command handles: a second bank shaped unlike the shipped one
(other ids, 4 patterns, 5 questions, `dominant: weak`, renamed benchmarks and none for GRR,
markup characters in its texts) driven through every face."""

from __future__ import annotations

import asyncio
import json

import pytest

from quicktest.faces.report.render import render
from quicktest.sources.answersfile import load_answers
from quicktest.sources.bank import load_bank
from quicktest.sources.store import Store

from .conftest import DATA, app_for, text_of

OTHER = DATA / "other_bank"
ANSWERS = DATA / "other_answers.yaml"


@pytest.fixture(scope="module")
def other():
    return load_bank(OTHER)


def test_validate_accepts_it(cli):
    result = cli("validate", OTHER)
    assert result.code == 0
    assert "5 questions, 4 patterns" in result.out


def test_score_json_follows_the_bank(cli):
    result = cli("score", ANSWERS, "--questions", OTHER, "--format", "json")
    assert result.code == 0, result.err
    read = json.loads(result.out)
    assert [p["id"] for p in read["patterns"]] == [
        "price_leak",
        "founder_selling",
        "churn_drift",
        "seat_sprawl",
    ]
    assert read["dominant"] == "price_leak"
    assert {p["id"]: p["level"] for p in read["patterns"]}["seat_sprawl"] == "weak"
    assert set(read["benchmarks"]) == {"net_retention_ref", "margin_ref"}
    assert read["client"] == "Ärzte [GmbH] <&>" and read["respondent"] == "Lee {0}"


def test_a_weak_pattern_is_dominant_when_the_bank_says_so(cli, tmp_path):
    answers = tmp_path / "weak.yaml"
    answers.write_text("answers: {q_churn: flat, q_seats: rarely}\n")
    read = json.loads(cli("score", answers, "--questions", OTHER, "--format", "json").out)
    top = read["patterns"][0]
    assert top["level"] == "weak" and read["dominant"] == top["id"] == "churn_drift"


def test_patterns_alike_at_the_top_are_a_tie_not_settled_by_file_order(cli, tmp_path):
    """One point each for three patterns, all weak at 0.33: the bank's order used to pick
    the first; the read names the tie and no dominant pattern."""
    answers = tmp_path / "tie.yaml"
    answers.write_text("answers: {q_churn: flat, q_expansion: sales}\n")
    read = json.loads(cli("score", answers, "--questions", OTHER, "--format", "json").out)
    assert read["dominant"] is None
    assert read["tied"] == ["churn_drift", "seat_sprawl", "founder_selling"]
    text = cli("score", answers, "--questions", OTHER).out
    assert "Tied at the top: Churn Drift [x], Seat Sprawl and Founder Selling" in text


def test_score_text_shows_bank_and_user_text_literally(cli):
    result = cli("score", ANSWERS, "--questions", OTHER)
    assert result.code == 0, result.err
    assert "Ärzte [GmbH] <&> · Lee {0}" in result.out
    assert "Churn Drift [x]" in result.out
    assert "3 of 5 questions answered" in result.out


def test_metrics_uses_the_banks_readings_and_benchmarks_by_metric(cli):
    result = cli("metrics", DATA / "source_trap_case.csv", "--questions", OTHER)
    assert result.code == 0, result.err
    assert "growing" in result.out  # the bank's NRR reading
    assert "NRR benchmark compared against: 102% (all companies)" in result.out
    assert "GRR" in result.out and "benchmark 88%" not in result.out  # no GRR benchmark here


def test_report_follows_the_bank(cli, tmp_path):
    pdf = tmp_path / "other.pdf"
    result = cli("report", ANSWERS, "--questions", OTHER, "-o", pdf)
    assert result.code == 0, result.err
    text = text_of(pdf)
    assert "Ärzte [GmbH] <&>" in text and "Churn Drift [x]" in text
    assert "Levels: strong from 0.70, moderate from 0.45, weak from 0.20" in text
    assert "a pattern at weak or above can be the dominant one" in text
    assert "Retention clinic, version 0.3" in text
    assert "Half the logos left: 40%." in text  # the bank's warning
    assert "sign of Price Leak" in text  # the pattern that caps gross margin, under the chart
    assert "Borrowed NRR" not in text and "five" not in text
    # a page for every pattern at the dominant level (weak) or above
    assert text.count("How to measure progress") == 4


def test_healthy_report_counts_the_banks_patterns(cli, tmp_path):
    answers = tmp_path / "healthy.yaml"
    answers.write_text("answers: {q_renewals: value, q_expansion: product, q_churn: falling}\n")
    pdf = tmp_path / "healthy.pdf"
    assert cli("report", answers, "--questions", OTHER, "-o", pdf).code == 0
    assert "None of the 4 patterns reaches the threshold" in text_of(pdf)


def test_compare_two_reads(cli, tmp_path):
    later = tmp_path / "later.yaml"
    later.write_text(ANSWERS.read_text().replace("q_renewals: discount", "q_renewals: value"))
    result = cli("compare", ANSWERS, later, "--questions", OTHER, "--format", "json")
    assert result.code == 0, result.err
    changes = {p["id"]: p["status"] for p in json.loads(result.out)["patterns"]}
    assert changes["price_leak"] == "fell"


def test_batch_matches_labels_with_markup_characters(cli, tmp_path):
    responses = tmp_path / "responses.csv"
    responses.write_text(
        'client,q_renewals,q_expansion\nA,"With a discount <b>& credits</b>",The founders\n'
    )
    result = cli("batch", responses, "--questions", OTHER, "--format", "json")
    assert result.code == 0, result.err
    (line,) = [json.loads(x) for x in result.out.splitlines()]
    assert line["tied"] == ["price_leak", "founder_selling"]  # three points each, both labels read


def test_the_apps_export_renders_with_the_other_bank(other, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = Store(tmp_path / "s.db")
    session = store.add(load_answers(ANSWERS, other), other)

    async def export() -> None:
        app = app_for(other, store, resume=session.id, render=render)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert "Price Leak" in str(app.screen.query_one("#dominant").render())
            await pilot.press("e")
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(export())
    (pdf,) = tmp_path.glob("*.pdf")
    assert "Churn Drift [x]" in text_of(pdf)


def test_a_tie_is_named_in_every_face(cli, other, tmp_path, monkeypatch):
    """Three patterns alike at the top: JSON, text, the PDF and the app each name the tie,
    and none of them calls one pattern dominant."""
    answers = tmp_path / "tie.yaml"
    answers.write_text("client: Acme\nanswers: {q_churn: flat, q_expansion: sales}\n")
    read = json.loads(cli("score", answers, "--questions", OTHER, "--format", "json").out)
    assert read["dominant"] is None and len(read["tied"]) == 3
    names = "Churn Drift [x], Seat Sprawl and Founder Selling"
    assert f"Tied at the top: {names}" in cli("score", answers, "--questions", OTHER).out
    pdf = tmp_path / "tie.pdf"
    assert cli("report", answers, "--questions", OTHER, "-o", pdf).code == 0
    in_pdf = text_of(pdf)
    assert f"{names} are tied at the top (weak, score 0.33 each)" in in_pdf
    assert "No dominant pattern" not in in_pdf

    async def in_the_app() -> str:
        store = Store(tmp_path / "s.db")
        session = store.add(load_answers(answers, other), other)
        app = app_for(other, store, resume=session.id)
        async with app.run_test(size=(120, 40)) as pilot:
            app.go("result")
            await pilot.pause()
            return " ".join(str(app.screen.query_one("#dominant").render()).split())

    assert f"Tied at the top: {names}" in asyncio.run(in_the_app())
