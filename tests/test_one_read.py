"""One read in every face: the same warnings, notes and conflicts in text, JSON, the app and
the PDF, for one case that has them all: a stored session whose typed NRR a revenue file
replaces, an answer the file's figures contradict, a file with a gap in its months, and an
NRR over a thin base."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from quicktest.app.revenue import RevenueSpec, read_file
from quicktest.sources.store import Store

from .conftest import ROOT, app_for, text_of

MONTHS = [f"2025-{m:02d}" for m in range(1, 13) if m != 6] + ["2026-01"]  # no rows for 2025-06


def _revenue_file(path):
    """Ten accounts of 100 a month; by 2026-01 three have left and two grew to 300: NRR 110%,
    GRR 70%, logo retention 70%."""
    rows = ["account,period,revenue"]
    for month in MONTHS:
        for n in range(10):
            if month == "2026-01" and n < 3:
                continue
            amount = 300 if month == "2026-01" and n in (8, 9) else 100
            rows.append(f"acct-{n},{month},{amount}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def case(tmp_path, bank, monkeypatch):
    db = tmp_path / "sessions.db"
    monkeypatch.setenv("QUICKTEST_DB", str(db))
    with Store(db) as store:
        session = store.create(bank, "Acme Analytics", "Dana Lee, CFO", "2026-11-02")
        store.set_answer(session.id, "renewal_case", "relationship")
        store.set_answer(session.id, "lost_accounts", "few_foreseen")  # the file says otherwise
        store.set_metric(session.id, "nrr", 1.05)
    return session.id, _revenue_file(tmp_path / "revenue.csv"), db


def _flat(text: str) -> str:
    return " ".join(text.split())


def _headline_in_the_app(bank, answers, db) -> str:
    """The app's result headline for an answers file stored as a session, flattened."""
    import asyncio

    from quicktest.sources.answersfile import load_answers

    async def shown() -> str:
        with Store(db) as store:
            session = store.add(load_answers(answers, bank), bank)
            app = app_for(bank, store, resume=session.id)
            async with app.run_test(size=(200, 60)) as pilot:
                app.go("result")
                await pilot.pause()
                return _flat(str(app.screen.query_one("#dominant", Static).render()))

    return asyncio.run(shown())


def test_text_json_app_and_pdf_say_the_same(case, cli, bank, tmp_path):
    session_id, revenue, db = case
    scored = cli("score", session_id, "--revenue", revenue, "--format", "json")
    assert scored.code == 0, scored.err
    read = json.loads(scored.out)
    said = [*read["warnings"], *read["notes"]]
    conflicts = [c for c in read["conflicts"]]
    assert any(w.startswith("no rows at all for 2025-06") for w in read["warnings"])
    assert any("thin base" in w for w in read["warnings"])
    assert "nrr: 110% from the revenue file replaces the given 105%" in read["notes"]
    assert [c["question"] for c in conflicts] == ["lost_accounts"]
    expected = [_flat(s) for s in said] + [
        _flat(f"Answered '{c['answer']}', but {c['figures']}") for c in conflicts
    ]

    text = _flat(cli("score", session_id, "--revenue", revenue).out)
    pdf = tmp_path / "read.pdf"
    assert cli("report", session_id, "--revenue", revenue, "-o", pdf).code == 0
    in_pdf = text_of(pdf)
    for sentence in expected:
        assert sentence in text, sentence
        assert sentence in in_pdf, sentence

    async def in_the_app() -> str:
        with Store(db) as store:
            report = read_file(bank, RevenueSpec(str(revenue)))
            app = app_for(bank, store, resume=session_id, revenue=report)
            async with app.run_test(size=(200, 60)) as pilot:
                app.go("result")
                await pilot.pause()
                return _flat(str(app.screen.query_one("#dominant", Static).render()))

    import asyncio

    shown = asyncio.run(in_the_app())
    for sentence in expected:
        assert sentence in shown, sentence


async def test_the_review_shows_the_results_read_after_metrics_are_entered(bank, tmp_path):
    """The review's 'Read so far' is the app's one read: after a metric is typed it says
    what the result then says, never a copy of its own gone stale."""
    from textual.widgets import Input

    from quicktest.faces.tui.screens.result import ResultScreen
    from quicktest.faces.tui.screens.review import ReviewScreen

    with Store(tmp_path / "s.db") as store:
        session = store.create(bank, "Acme", "Dana", "2026-11-02")
        for question_id, option_id in {
            "renewal_case": "concessions",
            "nrr_and_margin": "nrr_up_margin_down",
            "headcount_vs_arr": "faster",
        }.items():
            store.set_answer(session.id, question_id, option_id)
        app = app_for(bank, store, resume=session.id)
        async with app.run_test(size=(100, 40)) as pilot:
            app.go("review", 1)  # with the metrics form on the way, as after question 7
            await pilot.pause()
            before = str(app.screen_stack[-2].query_one("#live-read", Static).render())
            app.screen.query_one("#m-discounted_renewal_share", Input).value = "40%"
            app.screen.query_one("#m-nrr", Input).value = "104%"
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            review = str(app.screen.query_one("#live-read", Static).render())
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ResultScreen)
            top = app.screen.read.dominant
            assert top is not None
            assert f"Read so far: {top.pattern.name} ({top.level})" in review
            assert review != before, (before, review)


def test_a_shrinking_base_is_named_in_every_face(cli, bank, tmp_path):
    """NRR 70%, GRR 60%, logo retention 55%: no pattern is dominant, and the bank's reading
    of a base shrinking materially is said in JSON, text, the PDF and the app all the same."""
    answers = tmp_path / "shrinking.yaml"
    answers.write_text("client: Acme\nmetrics: {nrr: 70%, grr: 60%, logo_retention: 55%}\n")
    read = json.loads(cli("score", answers, "--format", "json").out)
    assert read["dominant"] is None
    [reading] = [r for r in read["readings"] if r["code"] == "nrr_shrinking"]
    said = _flat(reading["says"])
    assert said.startswith("NRR of 70% is under 90%: the customer base is shrinking materially")
    assert "GRR (60%) and logo retention (55%)" in said
    assert said in _flat(cli("score", answers).out)
    pdf = tmp_path / "shrinking.pdf"
    assert cli("report", answers, "-o", pdf).code == 0
    assert said in text_of(pdf)
    assert said in _headline_in_the_app(bank, answers, tmp_path / "s.db")


def test_the_key_figures_are_the_same_in_every_face(cli, bank, tmp_path):
    """The figures a read leads with (the called pattern's metric first, then NRR and GRR),
    each with its verdict in the bank's words: JSON names them, and text, the PDF, the app
    and the web form's read show each with the same words."""
    from quicktest.app.reading import full_read
    from quicktest.faces.figures import key_figures
    from quicktest.sources.answersfile import load_answers

    answers = ROOT / "examples" / "vibe_revenue.yaml"
    read = json.loads(cli("score", answers, "--format", "json").out)
    assert read["key_figures"] == ["logo_retention", "nrr", "grr"]
    figures = key_figures(bank, full_read(bank, load_answers(answers, bank)))
    assert [f.label for f in figures] == [
        "Logo retention",
        "Net revenue retention",
        "Gross revenue retention",
    ]
    assert figures[1].verdict.startswith("Above the benchmark") and figures[1].tone == "better"
    assert figures[2].verdict.startswith("Below the benchmark") and figures[2].tone == "worse"
    said = [_flat(f.verdict) for f in figures if f.verdict]
    text = _flat(cli("score", answers).out)
    pdf = tmp_path / "read.pdf"
    assert cli("report", answers, "-o", pdf).code == 0
    in_pdf = text_of(pdf)
    for figure, words in zip(figures[1:], said, strict=True):
        assert f"{figure.label} {figure.value} {words}" in text
        assert words in in_pdf
    shown = _headline_in_the_app(bank, answers, tmp_path / "s.db")
    for figure, words in zip(figures[1:], said, strict=True):
        assert f"{figure.label} {figure.value}: {words}" in shown
