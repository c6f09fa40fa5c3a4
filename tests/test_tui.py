"""The terminal app, driven for real with App.run_test() and the Pilot, on a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from quicktest.faces.report.render import render
from quicktest.faces.tui.messages import MetricChanged
from quicktest.faces.tui.screens.metrics import MetricsScreen
from quicktest.faces.tui.screens.picker import OptionPicker
from quicktest.faces.tui.screens.question import QuestionScreen
from quicktest.faces.tui.screens.result import ResultScreen
from quicktest.faces.tui.screens.review import ReviewScreen
from quicktest.faces.tui.screens.start import StartScreen
from quicktest.sources.store import Store

from .conftest import app_for, text_of

SIZE = (80, 24)
FIXED_DAY = datetime.date(2031, 5, 6)


@pytest.fixture(autouse=True)
def no_blinking_cursor(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "sessions.db", today=lambda: FIXED_DAY)
    yield store
    store.close()


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def answered_session(bank, store, answers: dict[str, str], **fields):
    session = store.create(bank, "Acme Analytics", "Dana Lee, CFO", "2026-11-02")
    for question_id, option_id in answers.items():
        store.set_answer(session.id, question_id, option_id)
    for name, value in fields.items():
        store.set_metric(session.id, name, value)
    return store.get(session.id)


ALL_FIRST = {
    "revenue_triggers": "people_always",
    "expansion_ready_accounts": "nothing",
    "renewal_case": "activity",
    "lost_accounts": "looked_healthy",
    "nrr_and_margin": "nrr_up_margin_down",
    "expansion_source": "handful",
    "headcount_vs_arr": "faster",
}


async def test_walk_the_whole_test_by_keyboard(bank, store):
    app = app_for(bank, store)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, StartScreen)
        await pilot.press(*"Acme", "tab", *"Dana", "tab", *"CFO", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert text(app, "#progress-label") == "Question 1 of 7"
        for _ in range(6):
            await pilot.press("1")
        await pilot.press("down", "enter")  # the last one by arrow key and Enter
        assert isinstance(app.screen, MetricsScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("r")
        assert isinstance(app.screen, ResultScreen)
        assert "Dominant pattern:" in text(app, "#dominant")
        session = store.list()[0]
        assert (session.client, session.respondent, session.role) == ("Acme", "Dana", "CFO")
        assert session.answers == ALL_FIRST | {"headcount_vs_arr": "in_step"}
        assert "This session is answered: f finishes it." in text(app, "#dominant")
        await pilot.press("f")
        await pilot.pause()
        assert "This session is finished." in text(app, "#dominant")
    assert store.list()[0].state == "finished"


async def test_back_and_change_an_answer_while_answering(bank, store):
    app = app_for(bank, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "1", "2", "left")
        assert text(app, "#progress-label") == "Question 2 of 7"
        await pilot.press("3")
        assert store.list()[0].answers == {
            "revenue_triggers": "people_always",
            "expansion_ready_accounts": "quarterly_review",
        }


async def test_changing_an_answer_on_the_review_changes_the_read(bank, store):
    session = answered_session(
        bank, store, {"renewal_case": "activity", "lost_accounts": "looked_healthy"}
    )
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=SIZE) as pilot:
        app.go("review")
        await pilot.pause()
        assert "Hollow Usage" in text(app, "#live-read")
        app.screen.query_one("#answers", OptionList).highlighted = 2  # renewal_case
        await pilot.press("enter")
        assert isinstance(app.screen, OptionPicker)
        await pilot.press("down", "down", "enter")  # concessions
        assert isinstance(app.screen, ReviewScreen)
        await pilot.pause()
        await asyncio.to_thread(app.saver.flush)
        assert store.get(session.id).answers["renewal_case"] == "concessions"
        assert "Hollow Usage" not in text(app, "#live-read")


async def test_bad_metric_values_are_marked_at_the_field_and_lose_nothing(bank, store):
    session = answered_session(bank, store, {}, logo_retention=0.9)
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=SIZE) as pilot:
        app.go("metrics")
        await pilot.pause()
        await pilot.press(*"abc")
        assert "expected a percentage" in text(app, "#e-nrr")
        assert app.screen.query_one("#m-nrr", Input).has_class("-invalid")
        app.screen.query_one("#m-grr", Input).focus()
        await pilot.press(*"93%")
        assert text(app, "#e-grr") == "= 93%"  # shown as understood before it is saved
        app.screen.query_one("#m-nrr", Input).value = "90%"  # now GRR would exceed NRR
        await pilot.pause()
        assert text(app, "#e-nrr").startswith("GRR 93% is above NRR 90%")
        app.screen.query_one("#m-arr", Input).focus()
        await pilot.press(*"12M")
        await pilot.pause()
        assert text(app, "#e-arr") == "= 12,000,000"
    assert store.get(session.id).metrics == {"logo_retention": 0.9, "grr": 0.93, "arr": 12_000_000}


@pytest.mark.parametrize(
    ("name", "typed", "shown", "stored"),
    [
        ("logo_retention", "1.2", None, None),  # a fraction over 100%: refused, never 1.2%
        ("logo_retention", "1.2%", "= 1.2%", 0.012),
        ("nrr", "1.5", "= 150%", 1.5),
        ("grr", "5", None, None),  # 5% or 500%: refused with both readings
        ("gross_margin", "77,5%", "= 77.5%", 0.775),  # one value, not 77% and 5%
        ("gross_margin", "78%; 76%; 73%", "= 78%, 76%, 73% (3 quarters, oldest first)", None),
    ],
)
async def test_the_metrics_form_shows_each_value_as_understood(
    bank, store, name, typed, shown, stored
):
    """One rule for every percentage field: the form says what it understood before it
    saves it, or why it cannot, and a stored value shows again exactly as it reads back."""
    session = answered_session(bank, store, {})
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=SIZE) as pilot:
        app.go("metrics")
        await pilot.pause()
        app.screen.query_one(f"#m-{name}", Input).value = typed
        await pilot.pause()
        note = text(app, f"#e-{name}")
        if shown is None:
            assert note and app.screen.query_one(f"#m-{name}", Input).has_class("-invalid")
        else:
            assert note == shown
        await asyncio.to_thread(app.saver.flush)
    saved = store.get(session.id).metrics.get(name)
    if stored is not None:
        assert saved == pytest.approx(stored)
    if shown is None:
        assert saved is None
    again = app_for(bank, store, resume=session.id)
    async with again.run_test(size=SIZE) as pilot:
        again.go("metrics")
        await pilot.pause()
        if saved is not None:  # shown back as typed: saving it again changes nothing
            assert text(again, f"#e-{name}") == shown


async def exported(bank, store, session) -> tuple[str, list[str]]:
    """Press e on the session's result; the PDF's text and the notes shown.

    The PDF lands in the current folder, which each test sets to its tmp_path."""
    app = app_for(bank, store, resume=session.id, render=render)
    async with app.run_test(size=SIZE) as pilot:
        app.go("result")
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        notes = [str(n.message) for n in app._notifications]
    (pdf,) = Path.cwd().glob(f"acme-analytics-{session.date}-{session.id}.pdf")
    return text_of(pdf), [note.replace(str(pdf), "PDF") for note in notes]


async def test_export_a_pdf_from_the_result(bank, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    session = answered_session(bank, store, ALL_FIRST, nrr=1.11, grr=0.65)
    text, notes = await exported(bank, store, session)
    assert "Acme Analytics" in text
    assert "Respondents" not in text
    assert "PDF saved: PDF" in notes


async def test_export_adds_the_page_of_the_clients_other_respondents(
    bank, store, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    cs_lead = store.create(bank, "Acme Analytics", "Sam Ortiz, CS lead", "2026-11-01")
    store.set_answer(cs_lead.id, "renewal_case", "measured_outcome")
    session = answered_session(bank, store, ALL_FIRST)
    text, _ = await exported(bank, store, session)
    assert "Combined read of 2 respondents" in text  # the client's read leads
    assert "Sam Ortiz, CS lead" in text and "Dana Lee, CFO" in text
    assert "Where they disagree: 1 of 7 questions" in text


async def test_stop_after_four_answers_and_resume_in_a_new_app(bank, store, tmp_path):
    first = app_for(bank, store)
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press(*"Acme", "enter", "1", "2", "3", "4")
        assert text(first, "#progress-label") == "Question 5 of 7"
    # a new process would open the same file: so does a new Store
    again = Store(tmp_path / "sessions.db")
    (session,) = again.list()
    assert session.date == "2031-05-06"  # the store's injected day, whatever today is
    second = app_for(bank, again)
    async with second.run_test(size=SIZE) as pilot:
        listing = second.screen.query_one("#unfinished", OptionList)
        assert f"Acme · {session.date} ·" in str(listing.get_option_at_index(0).prompt)
        assert "in progress, 4 of 7" in str(listing.get_option_at_index(0).prompt)
        listing.focus()
        await pilot.press("enter")
        assert isinstance(second.screen, QuestionScreen)
        assert text(second, "#progress-label") == "Question 5 of 7"
        assert len(second.screen.session.answers) == 4
    assert again.list()[0].answers == {
        "revenue_triggers": "people_always",
        "expansion_ready_accounts": "when_someone_has_time",
        "renewal_case": "concessions",
        "lost_accounts": "few_foreseen",
    }


# --- snapshots of each screen at 80x24 ------------------------------------------------------


def _app(bank, store, place: str | None = None, theme: str = "textual-dark", index: int = 0):
    session = answered_session(bank, store, dict(list(ALL_FIRST.items())[:3]), nrr=1.11, grr=0.65)
    app = app_for(bank, store, resume=None if place is None else session.id)
    app.theme = theme

    async def run_before(pilot) -> None:
        if place:
            app.go(place, index)
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_snapshot_start(snap_compare, bank, store, theme):
    app, run_before = _app(bank, store, theme=theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_snapshot_question(snap_compare, bank, store, theme):
    app, run_before = _app(bank, store, "question", theme, index=3)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_metrics(snap_compare, bank, store):
    app, run_before = _app(bank, store, "metrics")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_review(snap_compare, bank, store):
    app, run_before = _app(bank, store, "review")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
def test_snapshot_result(snap_compare, bank, store, theme):
    app, run_before = _app(bank, store, "result", theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_a_session_begun_here_leads_its_own_respondents_page(
    bank, store, tmp_path, monkeypatch
):
    """The export waits for the session's own writes to land before it reads the client's
    respondents, so a session begun a moment ago is counted in the client's read."""
    monkeypatch.chdir(tmp_path)
    other = store.create(bank, "Acme Analytics", "Sam Ortiz, CS lead", "2026-11-01")
    store.set_answer(other.id, "renewal_case", "measured_outcome")
    app = app_for(bank, store, client="Acme Analytics", respondent="Dana Lee, CFO", render=render)
    async with app.run_test(size=SIZE) as pilot:
        for _ in bank.questions:
            await pilot.press("1")
        await pilot.press("escape", "r")  # past the metrics form, to the read
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    (pdf,) = Path.cwd().glob("acme-analytics-*.pdf")
    text = text_of(pdf)
    assert "Combined read of 2 respondents" in text
    assert "Sam Ortiz, CS lead" in text and "Dana Lee, CFO" in text


async def test_a_revenue_file_enters_every_read_by_the_rule_score_uses(bank, store, tmp_path):
    """`run --revenue FILE`: the file's figures enter the read and its warning stands over
    it; a figure typed in the app stays in the store as typed, and the read names the file's
    figure that replaces it, as `score --revenue` does."""
    from quicktest.app.revenue import RevenueSpec, read_file

    months = {f"2025-{m:02d}": 20 for m in range(1, 13)} | {"2026-01": 20, "2026-02": 3}
    revenue = tmp_path / "revenue.csv"
    revenue.write_text(
        "account,period,revenue\n"
        + "".join(f"a{i},{p},100\n" for p, n in months.items() for i in range(n))
    )
    report = read_file(bank, RevenueSpec(str(revenue)))
    session = answered_session(bank, store, ALL_FIRST)
    app = app_for(bank, store, resume=session.id, revenue=report)
    async with app.run_test(size=(100, 40)) as pilot:
        app.go("result")
        await pilot.pause()
        headline = text(app, "#dominant")
        assert "Check the revenue file: 2026-02 has 3 paying accounts" in headline
        assert app.read().read.metrics.computed == {"nrr", "grr", "logo_retention"}
        app.post_message(MetricChanged("grr", 0.9))
        await pilot.pause()
        read = app.read().read
        assert read.metrics.given["grr"] == report.metrics.given["grr"]
        assert any(n.startswith("grr: ") and "replaces the given 90%" in n for n in read.notes)
    stored = Store(store.location).get(session.id).metrics
    assert dict(stored) == {"grr": 0.9}


async def test_try_another_answer_live_and_esc_back_to_the_saved_read(bank, store):
    """On the result, w opens the what-if: a changed answer moves every score at once, a
    nudged metric too, nothing is saved, and Esc shows the saved read again."""
    from quicktest.faces.tui.screens.whatif import WhatIfScreen

    session = answered_session(bank, store, ALL_FIRST, nrr=1.11, grr=0.65)
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=(100, 40)) as pilot:
        app.go("result")
        await pilot.pause()
        saved = text(app, "#dominant")
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        before = text(app, "#scores")
        await pilot.press("down", "down", "right")  # renewal_case: activity -> relationship
        await pilot.pause()
        after = text(app, "#scores")
        assert (after != before and "was " in after) or "-0." in after
        assert app.screen.answers["renewal_case"] == "relationship"
        rows = app.screen.query_one("#changes", OptionList)
        rows.highlighted = len(bank.questions) + app.screen.metric_names.index("grr")
        await pilot.press("right", "right")  # GRR 65% -> 67%
        await pilot.pause()
        assert app.screen.values["grr"] == pytest.approx(0.67)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen) and text(app, "#dominant") == saved
    stored = Store(store.location).get(session.id)
    assert stored.answers == ALL_FIRST and stored.metrics["grr"] == 0.65
