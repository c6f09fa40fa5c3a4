"""The question bank: the shipped one is complete, broken ones are refused with a place."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quicktest.domain.metrics import ALL
from quicktest.sources.schema import schemas

from .conftest import QUESTIONS


def test_shipped_bank_validates_with_seven_questions_and_five_patterns(cli):
    result = cli("validate")
    assert result.code == 0, result.err
    assert "7 questions, 5 patterns" in result.out
    data = json.loads(cli("validate", QUESTIONS, "--format", "json").out)
    assert (data["questions"], data["patterns"]) == (7, 5)


def test_shipped_questions_have_three_to_five_options_and_help(bank):
    assert len(bank.questions) == 7
    for question in bank.questions:
        assert 3 <= len(question.options) <= 5, question.id
        assert question.prompt and question.help


def test_every_pattern_is_reachable_from_two_questions_and_has_every_part(bank):
    expected = {
        "borrowed_nrr",
        "expansion_orphans",
        "hollow_usage",
        "product_passive_growth",
        "vibe_revenue",
    }
    assert set(bank.pattern_by_id) == expected
    for pattern in bank.patterns:
        reaching = {
            q.id for q in bank.questions for o in q.options if o.points.get(pattern.id, 0) > 0
        }
        assert len(reaching) >= 2, (pattern.id, reaching)
        assert pattern.metric_rules, pattern.id
        assert pattern.caps in ALL
        assert all([pattern.name, pattern.definition, pattern.why, pattern.fix, pattern.watch])
        assert 3 <= len(pattern.signs) <= 5 and 3 <= len(pattern.progress) <= 5


def test_caps_are_the_metrics_of_the_brief(bank):
    caps = {p.id: p.caps for p in bank.patterns}
    assert caps == {
        "product_passive_growth": "arr_per_employee",
        "expansion_orphans": "nrr",
        "hollow_usage": "grr",
        "borrowed_nrr": "gross_margin",
        "vibe_revenue": "logo_retention",
    }


def _break(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))


BROKEN = {
    "bad_yaml_syntax": (
        "questions.yaml",
        "  - id: revenue_triggers\n",
        "  - id: [revenue_triggers\n",
        r"questions\.yaml:\d+:\d+: not valid YAML",
    ),
    "duplicate_key": (
        "questions.yaml",
        "    prompt: Who or what sets off",
        "    help: twice\n    prompt: Who or what sets off",
        r"questions\.yaml:\d+:\d+: duplicate key 'help' \(first given on line \d+\)",
    ),
    "unknown_pattern_in_weight": (
        "questions.yaml",
        "points: {product_passive_growth: 3, expansion_orphans: 1}",
        "points: {product_passive_growth: 3, expansion_orphan: 1}",
        r"questions\.yaml:\d+:\d+: questions\.0\.options\.0\.points\.expansion_orphan: "
        r"unknown pattern 'expansion_orphan' \(did you mean expansion_orphans\?\)",
    ),
    "weight_past_any_score": (
        "questions.yaml",
        "points: {product_passive_growth: 3, expansion_orphans: 1}",
        "points: {product_passive_growth: 1.0e+300, expansion_orphans: 1}",
        r"questions\.yaml:\d+:\d+: questions\.0\.options\.0\.points\.product_passive_growth: ",
    ),
    "weight_as_text": (
        "questions.yaml",
        "points: {product_passive_growth: 3, expansion_orphans: 1}",
        "points: {product_passive_growth: '3', expansion_orphans: 1}",
        r"questions\.yaml:\d+:\d+: questions\.0\.options\.0\.points\.product_passive_growth: ",
    ),
    "unknown_metric_in_rule": (
        "patterns.yaml",
        "{metric: discounted_renewal_share, gte: 0.25}",
        "{metric: discounted_renewal_shares, gte: 0.25}",
        r"patterns\.yaml:\d+:\d+: .*metric: unknown metric 'discounted_renewal_shares' "
        r"\(did you mean discounted_renewal_share\?\)",
    ),
    "wrong_type": (
        "patterns.yaml",
        "points: 3\n",
        "points: lots\n",
        r"patterns\.yaml:\d+:\d+: patterns\.0\.metric_rules\.0\.points: input should be a valid "
        r"number.*got 'lots'",
    ),
    "unknown_key": (
        "questions.yaml",
        "    prompt: Who or what sets off",
        "    promt: Who or what sets off",
        r"unknown key 'promt' \(did you mean prompt\?\)",
    ),
    "missing_key": (
        "patterns.yaml",
        "    caps: gross_margin\n",
        "",
        r"patterns\.yaml:\d+:\d+: patterns\.0: missing key 'caps'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_bank_exits_2_with_file_line_and_reason(cli, bank_copy, case):
    file, old, new, expected = BROKEN[case]
    _break(bank_copy, file, old, new)
    result = cli("validate", bank_copy)
    assert result.code == 2
    assert result.out == ""
    assert "Traceback" not in result.err
    assert re.search(expected, result.err), result.err


def test_empty_option_list_is_refused_on_its_own_line(cli, bank_copy):
    path = bank_copy / "questions.yaml"
    lines = path.read_text().splitlines()
    start = lines.index("  - id: headcount_vs_arr")
    options_line = next(i for i in range(start, len(lines)) if lines[i].strip() == "options:")
    path.write_text("\n".join([*lines[:options_line], "    options: []"]) + "\n")
    result = cli("validate", bank_copy)
    assert result.code == 2
    assert f"questions.yaml:{options_line + 1}:" in result.err
    assert "questions.6.options: is empty" in result.err


def test_every_error_of_a_bank_is_reported_at_once(cli, bank_copy):
    _break(bank_copy, "patterns.yaml", "caps: grr", "caps: gr")
    _break(bank_copy, "questions.yaml", "points: {hollow_usage: 3}", "points: {hollow: 3}")
    result = cli("validate", bank_copy)
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 2
    assert "unknown metric 'gr' (did you mean grr?)" in result.err
    assert "unknown pattern 'hollow'" in result.err


def test_yaml_is_loaded_safely(cli, bank_copy):
    _break(
        bank_copy,
        "bank.yaml",
        "title: SaaS revenue quick test",
        "title: !!python/object/apply:os.system ['echo pwned']",
    )
    result = cli("validate", bank_copy)
    assert result.code == 2
    assert "bank.yaml:" in result.err and "not valid YAML" in result.err


def test_missing_bank_folder_is_an_input_error(cli, tmp_path):
    result = cli("validate", tmp_path / "nowhere")
    assert result.code == 2 and "no such question bank folder" in result.err


def test_a_bad_bank_fails_in_a_real_process_without_traceback(bank_copy):
    _break(bank_copy, "questions.yaml", "  - id: revenue_triggers\n", "  - id: : :\n")
    proc = subprocess.run(
        [sys.executable, "-m", "quicktest", "validate", str(bank_copy)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "questions.yaml:" in proc.stderr


def test_committed_json_schemas_match_the_models():
    for name, text in schemas().items():
        committed = (QUESTIONS / "schema" / name).read_text()
        assert committed == text, f"{name} is stale: run python -m quicktest.sources.schema"
