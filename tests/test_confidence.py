"""A read that knows how sure it is (coverage and confidence), names contradictions between
answers and figures, shows what would change it, and lets a bank's author see what it can do
(`validate --explain`)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quicktest.domain.metrics import Metrics, parse_metrics
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.domain.whatif import what_if
from quicktest.sources.answersfile import load_answers
from quicktest.sources.bank import load_bank

from .conftest import EXAMPLES, text_of

TWO_SHARP_ANSWERS = {"renewal_case": "activity", "lost_accounts": "looked_healthy"}
SAID_MARGIN_HELD = {
    "answers": {"nrr_and_margin": "both_steady_or_up", "renewal_case": "concessions"},
    "metrics": {
        "gross_margin": ["78%", "74%", "70%", "66%"],
        "nrr_history": ["104%", "106%", "108%", "110%"],
    },
}


def _answers(bank, data) -> dict[str, str]:
    ids = data.draw(st.lists(st.sampled_from(list(bank.question_by_id)), unique=True))
    return {
        q: data.draw(st.sampled_from([o.id for o in bank.question_by_id[q].options])) for q in ids
    }


def read_of(bank, answers=None, metrics=None):
    return score(bank, Response(answers or {}, parse_metrics(metrics)))


# --- coverage and confidence ----------------------------------------------------------------


def test_two_answers_signal_a_pattern_but_never_call_it_strong(bank):
    read = read_of(bank, TWO_SHARP_ANSWERS)
    hollow = read.dominant
    assert hollow.pattern.id == "hollow_usage" and hollow.score == 1.0
    assert hollow.uncapped == "strong" and hollow.level == "moderate"
    assert hollow.confidence == "a first signal" and hollow.coverage < 0.5
    assert read.coverage.words() == "A first signal from 2 of 7 answers and no metrics"


def test_the_figures_reach_json_and_text(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("answers: {renewal_case: activity, lost_accounts: looked_healthy}\n")
    read = json.loads(cli("score", answers, "--format", "json").out)
    assert read["coverage"]["answers"] == {"given": 2, "of": 7}
    assert read["coverage"]["metric_rules"]["decided"] == 0
    assert read["coverage"]["confidence"] == "a first signal"
    hollow = next(p for p in read["patterns"] if p["id"] == "hollow_usage")
    assert (hollow["level"], hollow["level_from_score"]) == ("moderate", "strong")
    text = cli("score", answers).out
    assert "A first signal from 2 of 7 answers and no metrics." in text
    assert "Its score alone reads strong" in " ".join(text.split())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_thin_evidence_never_reads_strong(bank, data):
    """Any few answers, with or without a metric or two: a pattern with under half its
    evidence known is never called strong, whatever its score."""
    answers = _answers(bank, data)
    metrics = data.draw(
        st.dictionaries(
            st.sampled_from(["nrr", "grr", "logo_retention", "healthy_churn_share"]),
            st.floats(min_value=0.05, max_value=0.99),
            max_size=2,
        )
    )
    read = score(bank, Response(answers, Metrics(metrics)))
    for p in read.patterns:
        if p.coverage < 0.5:
            assert p.level != "strong", (answers, metrics, p)
        assert p.coverage <= 1.0


def test_confidence_steps_are_validated(cli, bank_copy):
    text = (bank_copy / "bank.yaml").read_text()
    (bank_copy / "bank.yaml").write_text(
        text.replace("{from: 0, name: a first signal", "{from: 0.2, name: a first signal")
    )
    result = cli("validate", bank_copy)
    assert result.code == 2 and "the first confidence step must start from 0" in result.err
    (bank_copy / "bank.yaml").write_text(text.replace("at_most: moderate", "at_most: mild"))
    result = cli("validate", bank_copy)
    assert result.code == 2 and "bank.yaml:" in result.err and "at_most" in result.err


# --- contradictions -------------------------------------------------------------------------


def test_an_answer_the_figures_contradict_is_named_and_the_figures_win(bank):
    read = read_of(bank, **SAID_MARGIN_HELD)
    [conflict] = read.conflicts
    assert (conflict.question, conflict.option, conflict.followed) == (
        "nrr_and_margin",
        "both_steady_or_up",
        "figures",
    )
    assert "gross margin moved -12 pts" in conflict.figures
    borrowed = next(p for p in read.patterns if p.pattern.id == "borrowed_nrr")
    [item] = [e for e in borrowed.evidence if e.status == "conflict"]
    assert "Both held steady or improved" in item.text and "follows the figures" in item.text


def test_the_figures_take_the_points_of_the_answer_they_contradict(bank):
    said = {"lost_accounts": "looked_healthy", "renewal_case": "activity"}
    figures = {"healthy_churn_share": "4%"}
    hollow = lambda read: next(p for p in read.patterns if p.pattern.id == "hollow_usage")  # noqa: E731
    read = read_of(bank, said, figures)
    assert [c.option for c in read.conflicts] == ["looked_healthy"]
    assert not [e for e in hollow(read).evidence if e.ref == "lost_accounts" and e.points]
    assert hollow(read).points < hollow(read_of(bank, said)).points


def test_a_bank_may_follow_the_answer(bank_copy):
    path = bank_copy / "questions.yaml"
    said = 'says: "only {healthy_churn_share} of churned revenue came from accounts rated healthy"'
    path.write_text(path.read_text().replace(said, said + "\n            follow: answers"))
    own = load_bank(bank_copy, use_cache=False)
    read = read_of(own, {"lost_accounts": "looked_healthy"}, {"healthy_churn_share": "4%"})
    assert read.conflicts[0].followed == "answers"
    hollow = next(p for p in read.patterns if p.pattern.id == "hollow_usage")
    assert any(e.ref == "lost_accounts" and e.points == 3 for e in hollow.evidence)


# --- what if --------------------------------------------------------------------------------


def _apply(bank, read, change):
    given = read.given
    if change.kind == "answer":
        return score(bank, given._replace(answers={**given.answers, change.ref: change.value}))
    metrics = read.metrics
    changed = Metrics({**metrics.given, change.ref: change.value}, metrics.computed)
    return score(bank, given._replace(metrics=changed))


def _check_every_change(bank, read):
    changes = what_if(bank, read)
    for what in changes:
        for change in (*what.answers, *what.metrics):
            after = _apply(bank, read, change)
            now = next(p for p in after.patterns if p.pattern.id == what.pattern)
            if what.aim == "below":
                assert not bank.at_least(now.level, what.level), (what, change, now.level)
            else:
                assert after.dominant and after.dominant.pattern.id == what.pattern
            assert (now.score, now.level) == (change.score, change.level)
    return changes


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_what_if_really_moves_the_pattern(bank, example):
    read = score(bank, load_answers(EXAMPLES / example, bank))
    changes = _check_every_change(bank, read)
    if read.dominant:
        assert changes[0].pattern == read.dominant.pattern.id and changes[0].aim == "below"
    else:
        assert all(w.aim == "dominant" for w in changes)


def test_what_if_names_the_grr_a_vibe_revenue_read_would_need(bank):
    read = read_of(bank, metrics={"nrr": "111%", "grr": "65%"})
    [vibe] = [w for w in _check_every_change(bank, read) if w.pattern == "vibe_revenue"]
    grr = next(c for c in vibe.metrics if c.ref == "grr")
    assert grr.was == "65%" and grr.value >= 0.8  # the rule: NRR >= 105% with GRR under 80%


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_what_if_holds_for_any_answers(bank, data):
    _check_every_change(bank, score(bank, Response(_answers(bank, data))))


def test_what_if_in_json_text_and_pdf(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(json.dumps(SAID_MARGIN_HELD))
    read = json.loads(cli("score", answers, "--format", "json").out)
    [borrowed] = [w for w in read["what_if"] if w["pattern"] == "borrowed_nrr"]
    assert borrowed["aim"] == "below" and borrowed["answers"]
    assert borrowed["answers"][0]["level"] in {"moderate", "weak", "none"}
    text = " ".join(cli("score", answers).out.split())
    assert "What would change this read: Borrowed NRR below strong" in text
    assert "Where the answers and the figures disagree" in text
    pdf = tmp_path / "r.pdf"
    assert cli("report", answers, "-o", pdf).code == 0
    words = text_of(pdf)
    assert "What would change this read" in words
    assert "Answering 'Logins, active users and seat counts'" in words
    assert "Where the answers and the figures disagree" in words
    assert "A partial read from 2 of 7 answers" in words


# --- validate --explain ---------------------------------------------------------------------


def test_explain_the_shipped_bank(cli):
    result = cli("validate", "--explain")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "19,200 combinations of answers, every one scored" in text
    explained = json.loads(cli("validate", "--explain", "--format", "json").out)
    assert explained["exhaustive"] and explained["combinations"] == 19_200
    shares = {p["id"]: p["dominant_share"] for p in explained["patterns"]}
    assert all(0.1 < share < 0.3 for share in shares.values()), shares
    total = sum(shares.values()) + explained["no_dominant_share"] + explained["tie_share"]
    assert total == pytest.approx(1.0, abs=1e-3)
    borrowed = next(p for p in explained["patterns"] if p["id"] == "borrowed_nrr")
    assert borrowed["score_range"] == [0.0, 1.0]
    assert borrowed["deciding_questions"][0]["id"] in {"renewal_case", "nrr_and_margin"}


def test_explain_shows_a_pattern_that_can_never_win(cli, bank_copy):
    """Vibe Revenue kept to half a point from one answer: on answers alone it can never be
    dominant, and --explain says so before a client sees it."""
    path = bank_copy / "questions.yaml"
    text = re.sub(r"vibe_revenue: \d", "vibe_revenue: 0", path.read_text())
    text = text.replace("points: {vibe_revenue: 0}\n", "points: {vibe_revenue: 0.5}\n", 1)
    path.write_text(text)
    assert cli("validate", bank_copy).code == 0
    result = cli("validate", bank_copy, "--explain")
    assert result.code == 0, result.err
    assert "Vibe Revenue is never the dominant pattern on answers alone" in " ".join(
        result.out.split()
    )
    explained = json.loads(cli("validate", bank_copy, "--explain", "--format", "json").out)
    vibe = next(p for p in explained["patterns"] if p["id"] == "vibe_revenue")
    assert vibe["dominant_share"] == 0 and vibe["score_range"][1] < 0.35


def test_explain_samples_a_bank_too_large_to_score_whole(bank, monkeypatch):
    from quicktest.domain import explain as module

    monkeypatch.setattr(module, "EXHAUSTIVE_UP_TO", 1000)
    monkeypatch.setattr(module, "SAMPLE", 500)
    explained = module.explain(bank)
    assert not explained.exhaustive and explained.scored == 500
    assert explained.combinations == 19_200
    assert explained == module.explain(bank)  # a seeded sample: the same bank, the same answer
