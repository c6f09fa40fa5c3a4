"""A read that knows how sure it is (answers and figures), names contradictions between
answers and figures, shows the way out of each pattern and what the call hinges on, and lets
a bank's author see what it can do (`validate --explain`)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quicktest.domain.hinges import hinges_on
from quicktest.domain.metrics import Metrics, parse_metrics
from quicktest.domain.response import Response
from quicktest.domain.scoring import score
from quicktest.sources.answersfile import load_answers
from quicktest.sources.bank import load_bank

from .changes_check import check_hinges, check_way_out
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
    assert read.coverage.words() == "A first signal from 2 of 7 answers; no figures given"


def test_the_figures_reach_json_and_text(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("answers: {renewal_case: activity, lost_accounts: looked_healthy}\n")
    read = json.loads(cli("score", answers, "--format", "json").out)
    assert read["coverage"]["answers"] == {"given": 2, "of": 7, "set_aside": 0}
    assert read["coverage"]["metric_rules"]["decided"] == 0
    assert read["coverage"]["confidence"] == "a first signal"
    hollow = next(p for p in read["patterns"] if p["id"] == "hollow_usage")
    assert (hollow["level"], hollow["level_from_score"]) == ("moderate", "strong")
    text = cli("score", answers).out
    assert "A first signal from 2 of 7 answers; no figures given." in text
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
    weight = own.question_by_id["lost_accounts"].option("looked_healthy").points["hollow_usage"]
    assert any(e.ref == "lost_accounts" and e.points == weight for e in hollow.evidence)
    # the figure it overrules is set aside: its rule counts neither for nor against
    aside = [e for e in hollow.evidence if e.ref == "healthy_churn_share"]
    assert aside and all(e.status == "set aside" and e.points == 0 for e in aside)


# --- the way out and the hinges ------------------------------------------------------------


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_way_out_and_hinge_does_what_it_says(bank, example):
    read = score(bank, load_answers(EXAMPLES / example, bank))
    outs = check_way_out(bank, read)
    check_hinges(bank, read)
    called = [p.pattern.id for p in read.patterns if bank.at_least(p.level, bank.dominant)]
    assert [o.pattern for o in outs] == called


def test_the_way_out_of_vibe_revenue_never_reads_a_worse_company_better(bank):
    """NRR 111% over GRR 65%: a lower NRR would lower the score, and is never offered; GRR
    up to 80% is, tied to the measures that track it."""
    read = read_of(bank, metrics={"nrr": "111%", "grr": "65%"})
    [vibe] = [o for o in check_way_out(bank, read) if o.pattern == "vibe_revenue"]
    moves = [c for way in vibe.ways for c in way.changes]
    assert not [c for c in moves if c.ref == "nrr"]
    [grr] = [way for way in vibe.ways if way.changes[0].ref == "grr"]
    assert (grr.changes[0].was, grr.changes[0].to) == ("65%", "80%")
    assert "GRR and logo retention reported next to NRR." in grr.progress


FOUR_VIBE_FIGURES = {"nrr": "111%", "grr": "65%", "logo_retention": "72%"} | {
    "top_accounts_expansion_share": "70%"
}


def test_the_way_out_combines_moves_where_one_is_not_enough(bank):
    """Four figures confirm Vibe Revenue: no one of them, made healthier, takes it below
    moderate; GRR to 95% with logo retention to 85% does."""
    read = read_of(bank, metrics=FOUR_VIBE_FIGURES)
    [vibe] = [o for o in check_way_out(bank, read) if o.pattern == "vibe_revenue"]
    assert vibe.ways and all(len(way.changes) == 2 for way in vibe.ways)
    first = vibe.ways[0]
    assert [(c.ref, c.to) for c in first.changes] == [("grr", "95%"), ("logo_retention", "85%")]
    assert (first.level, first.score) == ("weak", 0.25)


def test_an_answer_change_in_the_way_out_is_a_healthier_practice(bank):
    """Renewals bought with concessions: the way out offers renewals on a measured outcome,
    never another pathology (renewals on logins would lower Borrowed NRR too)."""
    read = read_of(bank, {"renewal_case": "concessions", "nrr_and_margin": "not_paired"})
    [borrowed] = [o for o in check_way_out(bank, read) if o.pattern == "borrowed_nrr"]
    offered = {(c.ref, c.value) for way in borrowed.ways for c in way.changes}
    assert ("renewal_case", "measured_outcome") in offered
    assert not offered & {("renewal_case", "activity"), ("renewal_case", "relationship")}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_way_out_and_hinges_hold_for_any_answers_and_figures(bank, data):
    metrics = data.draw(
        st.dictionaries(
            st.sampled_from(["nrr", "grr", "logo_retention", "healthy_churn_share"]),
            st.floats(min_value=0.05, max_value=0.99),
            max_size=3,
        )
    )
    if metrics.get("grr", 0) > metrics.get("nrr", 3):
        metrics["grr"] = metrics["nrr"]
    read = score(bank, Response(_answers(bank, data), Metrics(metrics)))
    check_way_out(bank, read)
    check_hinges(bank, read)


RENEWALS_BOUGHT = {  # every answer healthy but two: Borrowed NRR rests on them
    "revenue_triggers": "product_led",
    "expansion_ready_accounts": "product_prompts",
    "renewal_case": "concessions",
    "lost_accounts": "few_foreseen",
    "nrr_and_margin": "nrr_up_margin_down",
    "expansion_source": "broad",
    "headcount_vs_arr": "slower",
}


def test_a_read_names_what_it_hinges_on(bank):
    """Borrowed NRR strong on renewals bought with concessions and NRR holding while margin
    slips: another answer to either would change the call, so those are the answers to
    probe, and a consultant is told so."""
    read = read_of(bank, RENEWALS_BOUGHT)
    assert read.dominant.pattern.id == "borrowed_nrr" and read.dominant.level == "strong"
    found = check_hinges(bank, read)
    assert hinges_on(found) == ("renewal_case", "nrr_and_margin")
    text = [h.words(bank) for h in found]
    assert "renewal_case: answering 'A measured result the customer tracks (hours saved, " in (
        "".join(text)
    )


def test_way_out_and_hinges_in_json_text_and_pdf(cli, tmp_path):
    figures = tmp_path / "vibe.yaml"
    figures.write_text(json.dumps({"metrics": FOUR_VIBE_FIGURES}))
    assert "way_out" not in json.loads(cli("score", figures, "--format", "json").out)
    text = " ".join(cli("score", figures, "--way-out").out.split())
    assert "The way out of Vibe Revenue (moderate)" in text
    assert "Gross revenue retention from 65% to 95%; Logo retention from 72% to 85%" in text
    read = json.loads(cli("score", figures, "--format", "json", "--way-out").out)
    [vibe] = [w for w in read["way_out"] if w["pattern"] == "vibe_revenue"]
    assert vibe["level"] == "moderate" and vibe["ways"][0]["level"] == "weak"
    assert "what_if" not in read and isinstance(read["hinges"], list)
    pdf = tmp_path / "r.pdf"
    assert cli("report", figures, "-o", pdf).code == 0
    words = text_of(pdf)
    assert "The way out" in words
    assert "Each of these, taken whole, would take Vibe Revenue below moderate:" in words
    assert (
        "Lift gross revenue retention from 65% to 95% and lift logo retention from 72% to 85%: "
        "Vibe Revenue would then read weak, no longer moderate (score 0.25)."
    ) in words
    assert "Track it with: GRR and logo retention reported next to NRR." in words
    answers = tmp_path / "a.yaml"
    answers.write_text(json.dumps({"answers": RENEWALS_BOUGHT}))
    text = " ".join(cli("score", answers).out.split())
    assert "What this read hinges on: renewal_case, nrr_and_margin" in text
    assert json.loads(cli("score", answers, "--format", "json").out)["hinges"]


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
    text = re.sub(r"vibe_revenue: \d(\.\d)?", "vibe_revenue: 0", path.read_text())
    text = text.replace("points: {vibe_revenue: 0}\n", "points: {vibe_revenue: 0.5}\n", 1)
    path.write_text(text)
    assert cli("validate", bank_copy).code == 0
    result = cli("validate", bank_copy, "--explain")
    assert result.code == 0, result.err
    text = " ".join(result.out.split())
    assert "Vibe Revenue is never the dominant pattern on answers alone" in text
    assert "Vibe Revenue is never called strong, even from a full set of answers" in text
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
