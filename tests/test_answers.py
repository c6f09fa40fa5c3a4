"""Answers files: typos in question ids, options and metrics are refused with their place."""

from __future__ import annotations

import json

import pytest

from .conftest import EXAMPLES


def write(tmp_path, text, name="answers.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "answers:\n  renewal_cases: activity\n",
            "answers.yaml:2:18: answers.renewal_cases: unknown question 'renewal_cases' "
            "(did you mean renewal_case?)",
        ),
        (
            "answers:\n  renewal_case: activty\n",
            "answers.yaml:2:17: answers.renewal_case: unknown option 'activty' for renewal_case "
            "(did you mean activity?)",
        ),
        (
            "answers: {}\nmetrics:\n  nrr: abc\n",
            "answers.yaml:3:8: metrics.nrr: expected a percentage such as 93% or 0.93, got 'abc'",
        ),
        (
            "answers: {}\nmetrics:\n  nrr: 90%\n  grr: 95%\n",
            "answers.yaml:4:8: metrics.grr: GRR 95% is above NRR 90%",
        ),
        (
            "answer:\n  renewal_case: activity\n",
            "answers.yaml:1:1: answer: unknown key 'answer' (did you mean answers?)",
        ),
        ("date: 2026-13-40\nanswers: {}\n", "answers.yaml:1:7: date: expected an ISO date"),
        ("- just\n- a list\n", "answers.yaml:1:1: expected a mapping"),
        ("answers: {renewal_case: activity\n", "answers.yaml:2:1: not valid YAML"),
    ],
)
def test_bad_answers_exit_2_naming_the_place(cli, tmp_path, text, expected):
    result = cli("score", write(tmp_path, text))
    assert result.code == 2
    assert expected in result.err, result.err
    assert "Traceback" not in result.err and result.out == ""


def test_json_answers_file_has_the_same_shape(cli, tmp_path):
    path = write(
        tmp_path,
        json.dumps({"answers": {"renewal_case": "activity"}, "metrics": {"grr": "80%"}}),
        "answers.json",
    )
    result = cli("score", path, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["basis"] == "answers+metrics"


def test_blank_answer_counts_as_unanswered(cli, tmp_path):
    path = write(tmp_path, "answers:\n  renewal_case:\n")
    read = json.loads(cli("score", path, "--format", "json").out)
    assert "renewal_case" in read["unanswered"]


def test_missing_answers_file(cli, tmp_path):
    result = cli("score", tmp_path / "nope.yaml")
    assert result.code == 2 and "nope.yaml: no such file" in result.err


def test_metrics_file_adds_to_the_answers(cli, tmp_path):
    metrics = write(tmp_path, "nrr: 111%\ngrr: 65%\n", "metrics.yaml")
    answers = write(tmp_path, "answers: {}\n")
    read = json.loads(cli("score", answers, "--metrics", metrics, "--format", "json").out)
    assert read["dominant"] == "vibe_revenue" and read["basis"] == "metrics"


def test_bad_metrics_file_names_its_field(cli, tmp_path):
    metrics = write(tmp_path, "nrr: 111%\ngrr: lots\n", "metrics.yaml")
    result = cli("score", EXAMPLES / "healthy.yaml", "--metrics", metrics)
    assert result.code == 2
    assert "metrics.yaml:2:6: grr: expected a percentage" in result.err


def test_a_metric_beside_metrics_is_refused_not_left_unread(cli, tmp_path):
    """`nrr: 111%` at the top of a file that also has `metrics:` was read as nothing: the
    file's figures are those under `metrics:`. It is refused, saying where it belongs."""
    metrics = write(tmp_path, "nrr: 111%\nmetrics: {grr: 65%}\n", "metrics.yaml")
    answers = write(tmp_path, "answers: {}\nmetrics: {grr: 65%}\nnrr: 111%\n")
    for result in (
        cli("score", EXAMPLES / "healthy.yaml", "--metrics", metrics),
        cli("score", answers),
    ):
        assert result.code == 2
        assert "unknown key 'nrr' (put nrr under metrics:" in result.err


def test_a_state_no_session_can_be_in_is_refused_by_every_command(cli, tmp_path):
    """`sessions import` refused `state: bogus` while `score` read the same file."""
    answers = write(tmp_path, "state: finishd\nanswers: {}\n")
    for result in (cli("score", answers), cli("sessions", "import", answers)):
        assert result.code == 2
        assert "state: unknown state 'finishd' (did you mean finished?)" in result.err
