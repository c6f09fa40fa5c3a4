"""Stored sessions read against a bank that changed since: an answer whose question or option
is gone is named, left out of the read, kept in the store and in exports, never a crash."""

from __future__ import annotations

import asyncio
import json

import pytest
import yaml

from quicktest.sources.bank import load_bank
from quicktest.sources.store import Store

from .conftest import QUESTIONS, app_for, text_of

ANSWERS = {
    "revenue_triggers": "people_always",
    "renewal_case": "activity",
    "lost_accounts": "looked_healthy",
}


@pytest.fixture
def changed(tmp_path, bank_copy):
    """A store holding a session answered with the shipped bank, and a later version of the
    bank: option renewal_case/activity renamed, question lost_accounts removed."""
    store_path = tmp_path / "sessions.db"
    store = Store(store_path)
    original = load_bank(QUESTIONS)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({"client": "Acme", "answers": ANSWERS}))
    from quicktest.sources.answersfile import load_answers

    session = store.add(load_answers(answers, original), original)
    store.close()
    path = bank_copy / "questions.yaml"
    data = yaml.safe_load(path.read_text())
    data["questions"] = [q for q in data["questions"] if q["id"] != "lost_accounts"]
    for question in data["questions"]:
        for option in question["options"]:
            if (question["id"], option["id"]) == ("renewal_case", "activity"):
                option["id"] = "activity_counts"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    patterns = bank_copy / "patterns.yaml"  # its progress measures no longer track it
    patterns.write_text(patterns.read_text().replace("tracks: [lost_accounts]", "tracks: [grr]"))
    patterns.write_text(patterns.read_text().replace(", lost_accounts]", "]"))
    bank_text = bank_copy / "bank.yaml"
    bank_text.write_text(bank_text.read_text().replace('"2026.11.2"', '"2026.12.1"'))
    return store_path, bank_copy, session.id


def test_score_names_stale_answers_and_leaves_them_out(cli, changed):
    store, bank, session_id = changed
    result = cli("score", session_id, "--db", store, "--questions", bank, "--format", "json")
    assert result.code == 0, result.err
    read = json.loads(result.out)
    assert "renewal_case" in read["unanswered"]  # a dead answer is not counted as answered
    assert "lost_accounts" not in read["unanswered"]  # the question is gone altogether
    assert sorted(read["notes"]) == [
        "question 'lost_accounts' is no longer in the bank: its answer 'looked_healthy' is "
        "left out of this read",
        "renewal_case: answer 'activity' is no longer in the bank: left out of this read",
    ]
    refs = {e["ref"] for p in read["patterns"] for e in p["evidence"]}
    assert "renewal_case" not in refs and "lost_accounts" not in refs
    text = cli("score", session_id, "--db", store, "--questions", bank)
    assert text.code == 0
    assert "1 of 6 questions answered" in text.out
    assert "no longer in the bank" in text.out


def test_report_and_sessions_show_say_so(cli, changed, tmp_path):
    store, bank, session_id = changed
    pdf = tmp_path / "stale.pdf"
    result = cli("report", session_id, "--db", store, "--questions", bank, "-o", pdf)
    assert result.code == 0, result.err
    text = text_of(pdf)
    assert "Answers no longer in the bank" in text
    assert "activity (no longer in the bank)" in text
    shown = cli("sessions", "show", session_id, "--db", store, "--questions", bank)
    assert shown.code == 0 and "no longer in the bank" in shown.out


def test_export_keeps_stale_answers_and_import_explains_them(cli, changed, tmp_path):
    store, bank, session_id = changed
    exported = tmp_path / "export.yaml"
    assert cli("sessions", "export", session_id, "--db", store, "-o", exported).code == 0
    document = yaml.safe_load(exported.read_text())
    assert document["answers"] == ANSWERS  # nothing lost
    assert set(document["bank"]) == {"id", "version", "digest"}
    fresh = tmp_path / "fresh.db"
    result = cli("sessions", "import", exported, "--db", fresh, "--questions", bank)
    assert result.code == 0, result.err
    assert "renewal_case: answer 'activity' is no longer in the bank" in result.err
    new_id = result.out.strip()
    assert Store(fresh).get(new_id).answers == ANSWERS  # kept in the store too


def test_an_unknown_option_without_a_bank_record_is_still_a_typo(cli, tmp_path):
    answers = tmp_path / "typo.yaml"
    answers.write_text("answers:\n  renewal_case: activty\n")
    result = cli("score", answers)
    assert result.code == 2
    assert "did you mean activity?" in result.err


def test_the_app_shows_stale_answers_on_the_read(changed):
    store_path, bank_folder, session_id = changed
    bank = load_bank(bank_folder)
    store = Store(store_path)
    store.set_state(session_id, "finished")

    async def run() -> str:
        app = app_for(bank, store, resume=session_id)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            return str(app.screen.query_one("#dominant").render())

    shown = asyncio.run(run())
    assert "no longer in the bank" in shown
