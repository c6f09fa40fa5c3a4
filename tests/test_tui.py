"""The terminal app, driven for real with App.run_test() and the Pilot, on a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest
from textual.widgets import Footer, Input, OptionList, Static

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


# --- every screen at 80x24 and 70x20, in the dark and light themes -------------------------

SIZES = {"80x24": (80, 24), "70x20": (70, 20)}
THEMES = {"dark": "textual-dark", "light": "textual-light"}
# where each screen is opened from (a session with three answers and two metrics), and the
# keys pressed there: the start screen lists nine unfinished sessions; the what-if is shown
# after a change, the picker over the review
SCREENS = {
    "start": ((), ()),
    "question": ((("question", 3),), ()),
    "metrics": ((("metrics", 0),), ()),
    "review": ((("review", 0),), ()),
    "picker": ((("review", 0), ("pick", 2)), ()),
    "names": ((("review", 0), ("names", 0)), ()),
    "result": ((("result", 0),), ()),
    "what_if": ((("result", 0), ("what_if", 0)), ("down", "down", "right")),
}
CLIENTS = [
    "Borealis",
    "Cobalt Systems",
    "Delta Ledger",
    "Evergreen SaaS",
    "Fjord Data",
    "Granite Cloud",
    "Helix Billing",
    "Ion Metrics",
    "Juniper Works",
    "Kestrel Pay",
    "Lumen Books",
    "Meridian HR",
]


def unfinished_sessions(bank, store, count: int = len(CLIENTS)) -> list[str]:
    """Sessions begun on successive days, each answering a few questions; the latest first."""
    ids = []
    for n, client in enumerate(CLIENTS[:count]):
        session = store.create(bank, client, f"Respondent {n + 1}", f"2031-04-{n + 10}")
        for question in bank.questions[: n % 6 + 1]:
            store.set_answer(session.id, question.id, question.options[0].id)
        ids.append(session.id)
    return ids[::-1]


def _app(bank, store, places=(), theme: str = "textual-dark", keys=()):
    session = answered_session(bank, store, dict(list(ALL_FIRST.items())[:3]), nrr=1.11, grr=0.65)
    if not places:
        unfinished_sessions(bank, store)
    app = app_for(bank, store, resume=session.id if places else None)
    app.theme = theme

    async def run_before(pilot) -> None:
        for place, index in places:
            app.go(place, index)
            await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_snapshot(snap_compare, bank, store, screen, size, theme):
    """Named screen-size-theme: test_snapshot[what_if-70x20-light]."""
    places, keys = SCREENS[screen]
    app, run_before = _app(bank, store, places, THEMES[theme], keys)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)


@pytest.mark.parametrize("theme", THEMES)
def test_snapshot_too_small(snap_compare, bank, store, theme):
    app, run_before = _app(bank, store, (("question", 0),), THEMES[theme])
    assert snap_compare(app, terminal_size=(60, 16), run_before=run_before)


# --- what a consultant sees at 80x24 and 70x20 ------------------------------------------------


def rows_whole(listing: OptionList) -> bool:
    """Every row of the list is drawn with all its lines, and the highlighted one lies whole
    in view. (Reads the list's line table: the only place that says which line is whose.)"""
    for index, option in enumerate(listing.options):
        style = listing.get_visual_style(
            "option-list--option",
            *(["option-list--option-highlighted"] if index == listing.highlighted else []),
        )
        if len(listing._get_option_render(option, style)) != listing._heights[index]:
            return False
    top = listing._index_to_line[listing.highlighted]
    shown = range(listing.scroll_offset.y, listing.scroll_offset.y + listing.size.height)
    bottom = top + listing._heights[listing.highlighted] - 1
    return top in shown and bottom in shown


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES)
async def test_the_start_list_scrolls_to_a_session_never_shown_and_opens_it(bank, store, size):
    ids = unfinished_sessions(bank, store)
    app = app_for(bank, store)
    async with app.run_test(size=size) as pilot:
        listing = app.screen.query_one("#unfinished", OptionList)
        assert listing.size.height < len(ids)  # more sessions than rows
        assert "Or resume one of 12 unfinished sessions" in str(
            app.screen.query_one("#resume-label", Static).render()
        )
        assert listing.border_subtitle == "▼ more below"
        listing.focus()
        await pilot.press("end")
        await pilot.pause()
        assert rows_whole(listing) and listing.border_subtitle == "▲ more above"
        assert "Enter" not in str(app.screen.query_one(Footer).render())  # nothing hidden
        await pilot.press("enter")
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.session.id == ids[-1] and app.screen.session.client == "Borealis"


async def test_a_what_if_row_keeps_its_lines_after_a_change(bank, store):
    """Every answer of every question tried in turn at 80x24: each row keeps all its lines,
    and the one changed stays whole in view."""
    session = answered_session(bank, store, ALL_FIRST, nrr=1.11, grr=0.65)
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=SIZE) as pilot:
        app.go("result")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        rows = app.screen.query_one("#changes", OptionList)
        for question in bank.questions:
            for _ in question.options:
                await pilot.press("right")
                await pilot.pause()
                assert rows_whole(rows), (question.id, app.screen.answers[question.id])
            await pilot.press("down")


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES)
async def test_the_read_reaches_its_last_pattern_and_says_more_exist(bank, store, size):
    session = answered_session(bank, store, ALL_FIRST, nrr=1.11, grr=0.65)
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=size) as pilot:
        app.go("result")
        await pilot.pause()
        patterns = app.screen.query_one("#patterns", OptionList)
        every = len(bank.patterns)
        if size == (70, 20):  # not all five fit: the list says so
            assert patterns.border_subtitle == "▼ more below"
        for _ in range(every - 1):
            await pilot.press("down")
        await pilot.pause()
        assert patterns.highlighted == every - 1 and rows_whole(patterns)
        last = app.screen.read.patterns[-1].pattern.name
        assert text(app, "#evidence").startswith(last)
        assert patterns.border_subtitle == ("▲ more above" if size == (70, 20) else "")
        assert app.screen.query_one("#headline").border_subtitle == "▼ more below"


async def test_correct_the_clients_name_on_the_review(bank, store):
    """A typo in the client's name, seen on the review: c opens the names, the name is typed
    anew, Enter saves it; the review, the read and the store all have the new name."""
    session = answered_session(bank, store, ALL_FIRST)
    store.set_names(session.id, "Acme Analytcs", "Dana Lee", "CFO")
    app = app_for(bank, store, resume=session.id)
    async with app.run_test(size=SIZE) as pilot:
        app.go("review")
        await pilot.pause()
        assert "Client Acme Analytcs" in text(app, "#review-who")
        await pilot.press("c")
        assert app.screen.query_one("#client", Input).value == "Acme Analytcs"
        app.screen.query_one("#client", Input).value = ""
        await pilot.press(*"Acme Analytics [EU]", "tab", "tab", "end", *"  ", "enter")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.pause()
        assert "Client Acme Analytics [EU] · Respondent Dana Lee · Role CFO" in text(
            app, "#review-who"
        )
        assert app.read().read.given.client == "Acme Analytics [EU]"
        await asyncio.to_thread(app.saver.flush)
    stored = Store(store.location).get(session.id)
    assert (stored.client, stored.respondent, stored.role) == (
        "Acme Analytics [EU]",
        "Dana Lee",
        "CFO",
    )
    assert stored.answers == ALL_FIRST


# every key a screen takes, as its footer shows it, whole at 70 columns
FOOTERS = {
    "start": ["tab Next", "^n Start new test", "^q Quit"],
    "question": ["← Back", "→ Skip", "1-9 ⏎ Choose", "^r Review", "^q Quit"],
    "metrics": ["tab ⏎ Next field", "Previous", "esc Done", "^q Quit"],
    "review": ["⏎ Change", "c Names", "m Metrics", "r The read", "^q Quit"],
    "picker": ["1-9 ⏎ Choose", "esc Cancel"],
    "names": ["⏎ Save", "tab Next field", "esc Cancel"],
    "result": ["w What if", "e PDF", "f Finish", "b Review", "n New test", "tab Pane", "q Quit"],
    "what_if": ["← Previous", "→ Next", "r Reset", "esc Saved read", "^q Quit"],
}


@pytest.mark.parametrize("screen", SCREENS)
async def test_the_footer_shows_every_key_whole_at_70_columns(bank, store, screen):
    from textual.widgets._footer import FooterKey

    places, _ = SCREENS[screen]
    app, run_before = _app(bank, store, places)
    async with app.run_test(size=(70, 20)) as pilot:
        await run_before(pilot)
        shown = [k for k in app.screen.query(FooterKey) if k.region.right <= 70]
        words = [" ".join(str(k.render()).split()) for k in shown]
        for expected in FOOTERS[screen]:
            assert any(w.endswith(expected) for w in words), (expected, words)
        assert len(shown) == len(app.screen.query(FooterKey))  # none cut off


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
