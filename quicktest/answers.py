"""Answers files (YAML or JSON): read them and check every answer against the bank."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quicktest.bank import Bank
from quicktest.engine import Answers
from quicktest.errors import InputError, did_you_mean
from quicktest.metrics import Metrics, parse_metrics, plain
from quicktest.yamlfile import Located, load_yaml

KEYS = ("client", "respondent", "date", "answers", "metrics")


def load_answers(path: Path, bank: Bank) -> Answers:
    return answers_from(load_yaml(path), bank)


def load_metrics_file(path: Path) -> Metrics:
    """A metrics file: a mapping of metric name to value, or an answers file's `metrics:`."""
    located = load_yaml(path)
    data = located.data
    where = "metrics" if isinstance(data, Mapping) and "metrics" in data else ""
    raw = data.get("metrics") if where else data
    return _metrics(located, raw, where)


def _metrics(located: Located, raw: Any, where: str) -> Metrics:
    try:
        return parse_metrics(raw, where or "metrics")
    except InputError as exc:
        field = exc.field or ""
        path = tuple(field.split(".")[0 if where else 1 :])
        raise located.error(path, exc.message, exc.hint) from None


def answers_from(located: Located, bank: Bank) -> Answers:
    """Check loaded answers data against the bank; errors name the file, line and field."""
    data = located.data if located.data is not None else {}
    if not isinstance(data, Mapping):
        raise located.error((), "expected a mapping with answers: and optionally metrics:")
    for key in data:
        if key not in KEYS:
            raise located.error(
                (key,),
                f"unknown key {key!r}",
                did_you_mean(key, KEYS) or f"expected one of {', '.join(KEYS)}",
            )
    raw_answers = data.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        raise located.error(("answers",), "expected a mapping of question id to option id")
    answers: dict[str, str] = {}
    for question_id, option_id in raw_answers.items():
        path = ("answers", question_id)
        question = bank.question_by_id.get(str(question_id))
        if question is None:
            raise located.error(
                path,
                f"unknown question {question_id!r}",
                did_you_mean(question_id, bank.question_by_id),
            )
        if option_id is None:
            continue  # left blank: unanswered
        options = [o.id for o in question.options]
        if str(option_id) not in options:
            raise located.error(
                path,
                f"unknown option {option_id!r} for {question_id}",
                did_you_mean(option_id, options) or f"expected one of {', '.join(options)}",
            )
        answers[question.id] = str(option_id)
    return Answers(
        answers,
        _metrics(located, data.get("metrics"), "metrics"),
        _text(located, data, "client"),
        _text(located, data, "respondent"),
        _date(located, data),
    )


def _text(located: Located, data: Mapping, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise located.error((key,), f"expected text, got {value!r}")
    return str(value)


def _date(located: Located, data: Mapping) -> str | None:
    value = _text(located, data, "date")
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise located.error(
            ("date",), f"expected an ISO date such as 2026-11-02, got {value!r}"
        ) from None


def to_document(answers: Answers) -> dict:
    """An answers file's content; metrics as stored (fractions), so a re-import is exact."""
    document: dict = {}
    for key in ("client", "respondent", "date"):
        if getattr(answers, key):
            document[key] = getattr(answers, key)
    document["answers"] = dict(answers.answers)
    if answers.metrics:
        document["metrics"] = {name: plain(v) for name, v in answers.metrics.given.items()}
    return document


def write_answers(answers: Answers, path: Path) -> None:
    """Write an answers file: JSON for a .json name, YAML otherwise."""
    import json

    import yaml

    document = to_document(answers)
    if path.suffix.lower() == ".json":
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = "# quicktest answers; metrics are fractions (1.11 means 111%)\n" + yaml.safe_dump(
            document, sort_keys=False, allow_unicode=True
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", str(path)) from None
