"""The scoring properties the README states ("How a read is scored"), held over the whole
answer space and random figures, on the shipped bank and on the second test bank:

- set aside means set aside: an answer the figures overrule counts for and against nothing,
  in score and in how sure the read is, exactly as if unanswered; `follow: answers` sets the
  figure's rules aside the same way; the conflict is still named;
- monotone evidence: a figure whose rules speak for a pattern never lowers it, one whose
  rules speak for nothing never raises it (a lower tier is weaker support, and a figure in a
  rule's neutral band counts neither way);
- reach: every pattern can be called strong from a full set of answers, and the words on how
  sure a read is say what was given;
- a coherent call: the dominant pattern is the strongest called, and patterns alike at the
  top are a tie, never settled by the bank's order;
- relevance: a metric counts for or against a pattern only where it measures what the
  pattern claims (its `measured_by`).

Complete answer sets are scored one by one (19,200 of them on the shipped bank); subsets of
answers and figures are made up by hypothesis.
"""

from __future__ import annotations

import re
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quicktest.domain.bank import Bank
from quicktest.domain.compiled import tables_of
from quicktest.domain.conditions import leaf_metrics, leaves
from quicktest.domain.metrics import ALL, INPUTS, Metrics
from quicktest.domain.readings import figure_readings
from quicktest.domain.response import Response
from quicktest.domain.scoring import choose_bands, score
from quicktest.domain.units import format_value
from quicktest.sources.bank import load_bank

from .changes_check import check_hinges, check_way_out
from .conftest import DATA, QUESTIONS

BANKS = {"shipped": QUESTIONS, "other": DATA / "other_bank"}
RANDOM = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module", params=sorted(BANKS))
def any_bank(request) -> Bank:
    return load_bank(BANKS[request.param])


def complete_sets(bank: Bank):
    """Every complete set of answers, in a fixed order."""
    ids = [q.id for q in bank.questions]
    for combo in product(*([o.id for o in q.options] for q in bank.questions)):
        yield dict(zip(ids, combo, strict=True))


# --- made-up figures -----------------------------------------------------------------------

_RANGES = {  # (low, high) for each unit: wide, but where figures of real companies fall
    "percent": (0.0, 1.0),
    "currency": (1e3, 5e7),
    "count": (1.0, 2000.0),
    "months": (0.0, 60.0),
}


def _value(name: str):
    spec = INPUTS[name]
    if name in ("nrr", "nrr_history"):
        low, high = 0.5, 1.6
    elif name in ("arr_growth", "headcount_growth"):
        low, high = -0.5, 2.0
    elif name == "gross_margin":
        low, high = 0.4, 0.95
    else:
        low, high = _RANGES[spec.unit]
    one = st.floats(low, high, allow_nan=False).map(lambda v: round(v, 3))
    return st.lists(one, min_size=1, max_size=4).map(tuple) if spec.series else one


@st.composite
def figures(draw, names=tuple(INPUTS)) -> dict:
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=7))
    values = {name: draw(_value(name)) for name in chosen}
    if isinstance(values.get("nrr"), float) and isinstance(values.get("grr"), float):
        values["grr"] = min(values["grr"], values["nrr"])
    return values


@st.composite
def answers(draw, bank: Bank) -> dict:
    ids = draw(st.lists(st.sampled_from([q.id for q in bank.questions]), unique=True))
    return {q: draw(st.sampled_from([o.id for o in bank.question_by_id[q].options])) for q in ids}


def _pattern_calls(read):
    """What the read calls per pattern, and how sure it is: everything set-aside must keep."""
    return [
        (
            p.pattern.id,
            p.score,
            p.level,
            p.uncapped,
            p.points,
            p.possible,
            p.coverage,
            p.confidence,
            p.figures,
        )
        for p in read.patterns
    ]


def _call(read):
    return (
        read.dominant.pattern.id if read.dominant else None,
        tuple(p.pattern.id for p in read.tied),
        read.coverage.share,
        read.coverage.confidence,
    )


# --- set aside means set aside -------------------------------------------------------------


def _check_set_aside(bank: Bank, response: Response) -> None:
    """The read with its overruled answers is the read without them, but for the conflict."""
    read = score(bank, response)
    overruled = {c.question for c in read.conflicts if c.followed == "figures"}
    if not overruled:
        return
    left = {q: o for q, o in response.answers.items() if q not in overruled}
    without = score(bank, response._replace(answers=left))
    assert _pattern_calls(read) == _pattern_calls(without)
    assert _call(read) == _call(without)
    assert read.coverage.set_aside == len(overruled)
    assert {c.question for c in without.conflicts} == {
        c.question for c in read.conflicts if c.followed == "answers"
    }


# Figures that contradict an answer to most contradicted questions of the shipped bank: a
# margin down twelve points, 58% logo retention, 4% of churn from "healthy" accounts, 20% of
# expansion from the top accounts, ARR growing 15 points ahead of headcount.
CONTRADICTING = {
    "gross_margin": (0.78, 0.74, 0.70, 0.66),
    "nrr_history": (1.04, 1.06, 1.08, 1.10),
    "logo_retention": 0.58,
    "healthy_churn_share": 0.04,
    "top_accounts_expansion_share": 0.2,
    "arr_growth": 0.4,
    "headcount_growth": 0.25,
    "grr": 0.8,
    "nrr": 1.1,
}


def test_set_aside_over_every_complete_answer_set(bank):
    """19,200 complete answer sets against figures that contradict several answers."""
    metrics = Metrics(CONTRADICTING)
    conflicted = 0
    for answered in complete_sets(bank):
        response = Response(answered, metrics)
        conflicted += bool(score(bank, response).conflicts)
        _check_set_aside(bank, response)
    assert conflicted > 10_000  # the figures do contradict most sets


@RANDOM
@given(st.data())
def test_set_aside_for_any_answers_and_figures(any_bank, data):
    response = Response(data.draw(answers(any_bank)), Metrics(data.draw(figures())))
    _check_set_aside(any_bank, response)


def _following(bank: Bank, side: str) -> Bank:
    """The bank with every contradiction following `side`."""
    questions = tuple(
        q._replace(
            options=(
                options := tuple(
                    o._replace(
                        contradicted_by=tuple(c._replace(follow=side) for c in o.contradicted_by)
                    )
                    for o in q.options
                )
            ),
            option_by_id={o.id: o for o in options},
        )
        for q in bank.questions
    )
    return bank._replace(questions=questions, question_by_id={q.id: q for q in questions})


def _without_rules_on(bank: Bank, metrics: set[str]) -> Bank:
    patterns = tuple(
        p._replace(
            metric_rules=tuple(r for r in p.metric_rules if not metrics & set(leaf_metrics(r.when)))
        )
        for p in bank.patterns
    )
    return bank._replace(patterns=patterns, pattern_by_id={p.id: p for p in patterns})


@RANDOM
@given(st.data())
def test_following_the_answer_sets_the_figures_rules_aside(any_bank, data):
    """With `follow: answers`, the read is the read of a bank without the rules that read
    the contradicting figures; the conflict is still named."""
    bank = _following(any_bank, "answers")
    response = Response(data.draw(answers(bank)), Metrics(data.draw(figures())))
    read = score(bank, response)
    if not read.conflicts:
        return
    current, bands = response.metrics.current, _bands(bank, response)
    aside = set()
    for conflict in read.conflicts:  # the first contradiction that holds is the one named
        claims = tables_of(bank).claims[conflict.question, conflict.option]
        aside |= next(c for c in claims if c.holds(current, bands, [])).reads
    assert all(c.followed == "answers" for c in read.conflicts)
    plain = score(_without_rules_on(bank, aside), response)
    assert _pattern_calls(read) == _pattern_calls(plain)
    assert _call(read) == _call(plain)


def _bands(bank, response):
    return {u.benchmark.id: u.band for u in choose_bands(bank, response.metrics)}


# --- monotone evidence ---------------------------------------------------------------------


def _rule_verdicts(bank: Bank, response: Response):
    """Per pattern, each rule's verdict (True, False or None) and points."""
    current, bands = response.metrics.current, _bands(bank, response)
    return [
        [(rule.holds(current, bands, []), rule.rule.points) for rule in rules]
        for rules in tables_of(bank).rules
    ]


@RANDOM
@given(st.data())
def test_a_figure_that_speaks_for_a_pattern_never_lowers_it(any_bank, data):
    """One more figure: for each pattern, if none of its rules that newly hold speaks
    against it, it does not fall; if none speaks for it, it does not rise. A rule that
    holds at a lower tier only, or a figure in a neutral band, never counts against."""
    bank = any_bank
    given_figures = data.draw(figures())
    added = data.draw(st.sampled_from([n for n in INPUTS if n not in given_figures]))
    more = {**given_figures, added: data.draw(_value(added))}
    nrr, grr = more.get("nrr"), more.get("grr")
    if isinstance(nrr, float) and isinstance(grr, float) and grr > nrr:
        return
    answered = data.draw(answers(bank))
    before = Response(answered, Metrics(given_figures))
    after = Response(answered, Metrics(more))
    read, read_after = score(bank, before), score(bank, after)
    if read.conflicts != read_after.conflicts or _bands(bank, before) != _bands(bank, after):
        return  # a contradiction or a benchmark band changed: another property's concern
    old, new = _rule_verdicts(bank, before), _rule_verdicts(bank, after)
    for p, (was, now) in enumerate(zip(old, new, strict=True)):
        newly = [points for (a, points), (b, _) in zip(was, now, strict=True) if b and not a]
        one, other = read.patterns, read_after.patterns
        pid = bank.patterns[p].id
        x = next(r for r in one if r.pattern.id == pid)
        y = next(r for r in other if r.pattern.id == pid)
        if all(points > 0 for points in newly):
            assert y.score >= x.score and bank.rank(y.level) <= bank.rank(x.level), (pid, more)
        if all(points < 0 for points in newly):
            assert y.score <= x.score and bank.rank(y.level) >= bank.rank(x.level), (pid, more)


def test_a_lower_tier_is_weaker_support_never_counter_evidence(bank):
    """35% of expansion-ready accounts untouched holds the lower tier of Expansion Orphans
    (20% and up), not the upper one (50% and up): it raises the pattern, less than 60% does,
    where the upper tier once counted against it."""
    answered = {
        "expansion_ready_accounts": "quarterly_review",
        "expansion_source": "largest_mostly",
    }
    orphans = {}
    for share in (None, 0.35, 0.6):
        figures_given = {} if share is None else {"untouched_expansion_ready_share": share}
        read = score(bank, Response(answered, Metrics(figures_given)))
        orphans[share] = next(p for p in read.patterns if p.pattern.id == "expansion_orphans")
    assert orphans[None].score < orphans[0.35].score < orphans[0.6].score


def test_a_mid_range_figure_is_neutral(bank):
    """20% of churn from accounts rated healthy lies between the rule for Hollow Usage (30%
    and up) and the one against it (under 10%): it counts neither way."""
    answered = {"renewal_case": "activity", "lost_accounts": "looked_healthy"}
    plain = score(bank, Response(answered))
    middle = score(bank, Response(answered, Metrics({"healthy_churn_share": 0.2})))
    before, after = (
        next(p for p in r.patterns if p.pattern.id == "hollow_usage") for r in (plain, middle)
    )
    assert before.score == after.score and after.figures == (0, 0, 2)


# --- reach and the words on how sure a read is ---------------------------------------------


def test_every_pattern_can_be_called_strong_from_a_full_set_of_answers(any_bank):
    strongest = any_bank.levels[0].name
    called = {p.id: 0 for p in any_bank.patterns}
    top_step = any_bank.confidence[-1].name if any_bank.confidence else None
    for answered in complete_sets(any_bank):
        read = score(any_bank, Response(answered))
        assert read.coverage.confidence == top_step
        for p in read.patterns:
            assert p.level == p.uncapped  # a full set of answers caps nothing
            called[p.pattern.id] += p.level == strongest
    assert all(called.values()), called


@RANDOM
@given(st.data())
def test_the_words_on_how_sure_a_read_is_say_what_was_given(any_bank, data):
    response = Response(data.draw(answers(any_bank)), Metrics(data.draw(figures())))
    read = score(any_bank, response)
    coverage = read.coverage
    counted = len(response.answers) - coverage.set_aside
    words = coverage.words()
    assert f"from {counted} of {len(any_bank.questions)} answers" in words
    assert coverage.set_aside == sum(1 for c in read.conflicts if c.followed == "figures")
    if coverage.set_aside:
        assert f"({coverage.set_aside} more set aside by the figures)" in words
    if not response.metrics:
        assert words.endswith("no figures given")
    for p in read.patterns:  # each pattern's figures are its evidence, counted
        metric = [e for e in p.evidence if e.source == "metric"]
        assert p.figures.confirm == sum(1 for e in metric if e.status == "held" and e.points > 0)
        assert p.figures.against == sum(1 for e in metric if e.status == "held" and e.points < 0)
        assert p.figures.neutral == sum(1 for e in metric if e.status == "not held")


# --- a coherent call -----------------------------------------------------------------------


def _check_coherent(bank: Bank, read) -> None:
    patterns = read.patterns
    ranks = [bank.rank(p.level) for p in patterns]
    assert ranks == sorted(ranks)  # strongest called first: none below is called stronger
    top = patterns[0]
    alike = [
        p for p in patterns if (p.level, p.score, p.points) == (top.level, top.score, top.points)
    ]
    if not bank.at_least(top.level, bank.dominant):
        assert read.dominant is None and not read.tied
    elif len(alike) > 1:
        assert read.dominant is None and list(read.tied) == alike
    else:
        assert read.dominant is top and not read.tied


def test_a_coherent_call_over_every_complete_answer_set(any_bank):
    for answered in complete_sets(any_bank):
        _check_coherent(any_bank, score(any_bank, Response(answered)))


@RANDOM
@given(st.data())
def test_a_coherent_call_for_any_answers_and_figures(any_bank, data):
    read = score(any_bank, Response(data.draw(answers(any_bank)), Metrics(data.draw(figures()))))
    _check_coherent(any_bank, read)


# --- relevance -----------------------------------------------------------------------------


@RANDOM
@given(st.data())
def test_a_metric_counts_only_for_patterns_it_measures(any_bank, data):
    read = score(any_bank, Response(data.draw(answers(any_bank)), Metrics(data.draw(figures()))))
    for p in read.patterns:
        for e in p.evidence:
            if e.source == "metric" and e.points:
                assert e.ref in p.pattern.measured_by, (p.pattern.id, e)
        for rule in p.pattern.metric_rules:
            assert set(leaf_metrics(rule.when)) <= p.pattern.measured_by


def test_validate_refuses_a_rule_on_a_metric_its_pattern_is_not_measured_by(cli, bank_copy):
    path = bank_copy / "patterns.yaml"
    text = path.read_text()
    path.write_text(
        text.replace(
            ", outcome_backed_renewal_share, healthy_churn_share]",
            ", outcome_backed_renewal_share]",
        )
    )
    result = cli("validate", bank_copy)
    assert result.code == 2
    assert (
        "'healthy_churn_share' is not among the metrics that measure 'hollow_usage'" in result.err
    )
    assert re.search(
        r"patterns\.yaml:\d+:\d+: patterns\.2\.metric_rules\.1\.when\.metric", result.err
    )


def test_validate_refuses_rules_for_and_against_that_overlap(cli, bank_copy):
    path = bank_copy / "patterns.yaml"
    path.write_text(
        path.read_text().replace(
            "{metric: healthy_churn_share, lt: 0.1}", "{metric: healthy_churn_share, lt: 0.4}"
        )
    )
    result = cli("validate", bank_copy)
    assert result.code == 2 and "no value may count both ways" in result.err


# --- a shrinking base is never silent, and evidence words carry true numbers ---------------


@RANDOM
@given(figures(("nrr", "grr", "logo_retention", "top_accounts_expansion_share")))
def test_a_shrinking_base_and_nrr_without_grr_are_never_silent(bank, values):
    codes = {r.code for r in figure_readings(bank, Metrics(values))}
    nrr = values.get("nrr")
    assert ("nrr_shrinking" in codes) == (nrr is not None and nrr < 0.9)
    assert ("nrr_without_grr" in codes) == (nrr is not None and "grr" not in values)


def _allowed_numbers(bank: Bank, metrics: Metrics, bands) -> set[str]:
    """Every number a text about these figures may carry: a figure as shown, a bank bound
    as shown, or a number written in the bank's own words (labels included)."""
    allowed = {metrics.display(name) for name in ALL if metrics.value(name) is not None}
    conditions = [r.when for p in bank.patterns for r in p.metric_rules] + [
        w.when for w in bank.metric_warnings
    ]
    for condition in conditions:
        for leaf in leaves(condition):
            for op in ("lt", "lte", "gt", "gte"):
                bound = getattr(leaf, op)
                if bound is not None and not isinstance(bound, float):
                    band = bands.get(bound.benchmark)
                    bound = None if band is None else band.edge(bound.edge)
                if bound is not None:
                    allowed.add(format_value(ALL[leaf.metric], bound))
    words = [p.name for p in bank.patterns] + [s.label for s in ALL.values()]
    words += [r.says for p in bank.patterns for r in p.metric_rules]
    words += [w.says for w in bank.metric_warnings] + [r.warning or "" for r in bank.nrr_readings]
    allowed.update(n for text in words for n in NUMBER.findall(text))
    return allowed


NUMBER = re.compile(r"[+±-]?\$?\d[\d.,]*(?:%| pts| months|[KMB])?")


@RANDOM
@given(st.data())
def test_every_number_in_evidence_and_warnings_is_a_figure_or_a_bound(bank, data):
    metrics = Metrics(data.draw(figures()))
    read = score(bank, Response(data.draw(answers(bank)), metrics))
    allowed = _allowed_numbers(bank, metrics, _bands(bank, read.given))
    texts = [e.text for p in read.patterns for e in p.evidence if e.source == "metric"]
    texts += [c.figures for c in read.conflicts] + [r.says for r in figure_readings(bank, metrics)]
    for text in texts:
        for number in NUMBER.findall(text):
            assert number.rstrip(".,") in allowed, (number, text)


@RANDOM
@given(st.floats(0.01, 0.99).map(lambda v: round(v, 3)))
def test_logo_retention_and_the_customers_it_lost_add_up(bank, kept):
    """ "58% logo retention" goes with "42% of the customers at the start left"."""
    metrics = Metrics({"nrr": 1.05, "grr": 0.9, "logo_retention": kept})
    read = score(bank, Response({"lost_accounts": "few_foreseen"}, metrics))
    texts = [c.figures for c in read.conflicts] + [r.says for r in figure_readings(bank, metrics)]
    said = [t for t in texts if "customers at the start left" in t]
    assert said if kept < 0.8 else not said
    for text in said:
        retention, lost = (float(n) for n in re.findall(r"(\d+(?:\.\d+)?)%", text)[-2:])
        assert retention + lost == pytest.approx(100, abs=0.11), text


def test_a_neutral_check_says_what_it_looked_for_and_what_it_found(bank):
    """A margin sliding 85% to 76% with NRR under 100%: the rule on NRR holding while margin
    falls is checked and neutral, and its words say so without reading as if the fall was
    not found."""
    metrics = Metrics({"gross_margin": (0.85, 0.76), "nrr": 0.95})
    read = score(bank, Response({}, metrics))
    borrowed = next(p for p in read.patterns if p.pattern.id == "borrowed_nrr")
    [neutral] = [e for e in borrowed.evidence if e.status == "not held" and e.ref == "nrr"]
    assert neutral.text == (
        "Checked for net revenue retention at or over 100% and gross margin change at or "
        "under -2 pts; found net revenue retention 95% and gross margin change -9 pts: "
        "neither for nor against."
    )


# --- the way out and the hinges do what they say, on either bank -----------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_way_out_and_hinge_does_what_it_says(any_bank, data):
    read = score(any_bank, Response(data.draw(answers(any_bank)), Metrics(data.draw(figures()))))
    check_way_out(any_bank, read)
    check_hinges(any_bank, read)


def test_a_way_out_tries_an_answer_the_figures_do_not_contradict(bank):
    """Found by the property above: the healthiest answer to expansion_source ('broad') is
    contradicted by a top-10% share of 100%, and the search, trying only the healthiest,
    paired a nearer answer with a figure move that it did not need. A nearer answer the
    figures allow is tried alone first."""
    given = {"expansion_source": "little", "expansion_ready_accounts": "nothing"}
    figures = {"nrr": 1.0, "grr": 0.0, "top_accounts_expansion_share": 1.0}
    read = score(bank, Response(given, Metrics(figures)))
    outs = {out.pattern: out for out in check_way_out(bank, read)}
    (way,) = outs["product_passive_growth"].ways
    assert [(c.ref, c.value) for c in way.changes] == [("expansion_source", "largest_mostly")]


# --- key figures ---------------------------------------------------------------------------


@RANDOM
@given(st.data())
def test_the_key_figures_lead_with_the_called_patterns_metric_and_are_judged(any_bank, data):
    read = score(any_bank, Response(data.draw(answers(any_bank)), Metrics(data.draw(figures()))))
    named = read.key_figures
    assert len(named) <= 3 and len(set(named)) == len(named)
    assert all(read.metrics.value(name) is not None for name in named)
    called = read.dominant or (read.tied[0] if read.tied else None)
    leading = called.pattern.caps if called else None
    if leading and read.metrics.value(leading) is not None:
        assert named[0] == leading
    judged = read.verdicts
    assert all(name in judged for name in named if name != leading)
    if len(named) < 3:  # nothing judged was left out
        assert set(judged) <= set(named)
