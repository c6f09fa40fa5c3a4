"""The rule engine: reads from answers, metrics or both, with evidence for every point."""

from __future__ import annotations

import pytest

from quicktest.domain.metrics import parse_metrics
from quicktest.domain.response import Response as Answers
from quicktest.domain.scoring import score
from quicktest.sources.answersfile import load_answers

from .conftest import EXAMPLES


def read_of(bank, answers=None, metrics=None):
    return score(bank, Answers(answers or {}, parse_metrics(metrics)))


def by_id(read):
    return {p.pattern.id: p for p in read.patterns}


def test_metrics_alone_nrr_111_grr_65_reads_vibe_revenue(bank):
    read = read_of(bank, metrics={"nrr": "111%", "grr": "65%"})
    assert read.basis == "metrics"
    assert read.dominant.pattern.id == "vibe_revenue"
    # two figures alone are a first signal: the score reads strong, the level says moderate
    assert (read.dominant.uncapped, read.dominant.level) == ("strong", "moderate")
    refs = {e.ref for e in read.dominant.moved_by}
    assert {"nrr", "nrr_grr_spread"} <= refs
    assert len(read.unanswered) == 7


def test_metrics_alone_nrr_rising_margin_falling_reads_borrowed_nrr(bank):
    read = read_of(
        bank,
        metrics={
            "nrr_history": ["104%", "106%", "108%", "110%"],
            "gross_margin": ["78%", "76%", "73%", "70%"],
        },
    )
    assert read.dominant.pattern.id == "borrowed_nrr"
    texts = " ".join(e.text for e in read.dominant.moved_by)
    assert "+6 pts" in texts and "-8 pts" in texts


def test_same_headline_healthy_base_is_not_vibe_revenue(bank):
    read = read_of(bank, metrics={"nrr": "111%", "grr": "93%"})
    assert by_id(read)["vibe_revenue"].level in {"weak", "none"}
    assert read.dominant is None


def test_answers_alone_point_to_their_pattern_with_evidence_naming_the_question(bank):
    read = read_of(bank, answers={"renewal_case": "activity", "lost_accounts": "looked_healthy"})
    assert read.basis == "answers"
    assert read.dominant.pattern.id == "hollow_usage"
    weights = [
        bank.question_by_id[q].option(o).points["hollow_usage"]
        for q, o in (("renewal_case", "activity"), ("lost_accounts", "looked_healthy"))
    ]
    assert [(e.source, e.ref, e.points) for e in read.dominant.moved_by] == [
        ("answer", "renewal_case", weights[0]),
        ("answer", "lost_accounts", weights[1]),
    ]
    assert set(read.unanswered) == {q.id for q in bank.questions} - {
        "renewal_case",
        "lost_accounts",
    }


def test_missing_metrics_are_unknown_and_said_so_never_false(bank):
    read = read_of(bank, metrics={"nrr": "111%", "grr": "65%"})
    vibe = by_id(read)["vibe_revenue"]
    unknown = {e.ref: e.text for e in vibe.evidence if e.status == "unknown"}
    assert unknown["logo_retention"] == "Logo retention not provided."
    borrowed = by_id(read)["borrowed_nrr"]
    assert borrowed.score == 0 and borrowed.possible == 0
    assert all(e.status == "unknown" for e in borrowed.evidence)


def test_weakening_metrics_lower_a_score(bank):
    answers = {"renewal_case": "activity", "lost_accounts": "looked_healthy"}
    plain = by_id(read_of(bank, answers))["hollow_usage"].score
    weakened = read_of(bank, answers, {"outcome_backed_renewal_share": "70%"})
    hollow = by_id(weakened)["hollow_usage"]
    assert hollow.score < plain
    assert any(e.points < 0 and e.ref == "outcome_backed_renewal_share" for e in hollow.evidence)


def test_one_small_signal_never_reads_strong(bank):
    read = read_of(bank, metrics={"grr": "80%", "nrr": "90%"})
    assert by_id(read)["hollow_usage"].level in {"weak", "none"}


def test_empty_input_gives_no_dominant_pattern(bank):
    read = read_of(bank)
    assert read.dominant is None
    assert all(p.score == 0 and p.level == "none" for p in read.patterns)
    assert len(read.as_json()["patterns"]) == 5


def test_benchmark_band_follows_acv(bank):
    low = read_of(bank, metrics={"nrr": "100%", "grr": "95%", "acv": 10000})
    high = read_of(bank, metrics={"nrr": "100%", "grr": "95%", "acv": 200000})

    def band(read):
        return {u.benchmark.id: u.band.label for u in read.bands}["nrr"]

    assert (band(low), band(high)) == ("ACV under 25K", "ACV over 100K")
    # 100% NRR is above the small-ACV benchmark and far under the enterprise one
    assert by_id(high)["expansion_orphans"].score > by_id(low)["expansion_orphans"].score


def test_read_is_deterministic_and_sorted(bank):
    answers = load_answers(EXAMPLES / "vibe_revenue.yaml", bank)
    first, second = score(bank, answers).as_json(), score(bank, answers).as_json()
    assert first == second
    scores = [p["score"] for p in first["patterns"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("example", "dominant"),
    [
        ("borrowed_nrr.yaml", "borrowed_nrr"),
        ("expansion_orphans.yaml", "expansion_orphans"),
        ("hollow_usage.yaml", "hollow_usage"),
        ("product_passive_growth.yaml", "product_passive_growth"),
        ("vibe_revenue.yaml", "vibe_revenue"),
        ("vibe_metrics_only.yaml", "vibe_revenue"),
        ("healthy.yaml", None),
    ],
)
def test_each_example_reads_as_written(bank, example, dominant):
    read = score(bank, load_answers(EXAMPLES / example, bank))
    assert (read.dominant.pattern.id if read.dominant else None) == dominant
    if dominant:
        sources = {e.source for e in read.dominant.moved_by}
        assert "metric" in sources
        if read.basis != "metrics":
            assert "answer" in sources
