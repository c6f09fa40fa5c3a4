"""Answers files (YAML or JSON): read them and check every answer against the bank.

A file exported from a session records the bank it was answered with (`bank:`). Read against
another version of that bank, an answer whose question or option is gone is kept as stale:
shown, never counted. Without that record, an unknown option is a typo and is refused.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping
from typing import Any

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError, did_you_mean
from quicktest.domain.metrics import INPUTS, Metrics, parse_metrics
from quicktest.domain.response import MAX_NAME, Response, StaleAnswer, split_stale
from quicktest.domain.units import plain
from quicktest.sources.yamlfile import Located, load_yaml

KEYS = ("client", "respondent", "role", "date", "state", "bank", "answers", "metrics")
BANK_KEYS = ("id", "version", "digest")


def load_answers(path: str | os.PathLike[str], bank: Bank) -> Response:
    return answers_from(load_yaml(path), bank)


def load_session_file(path: str | os.PathLike[str], bank: Bank) -> tuple[Response, str]:
    """An answers file to import as a session, and the state to store it in: finished when
    its `state:` says so or it has none (a file handed over is a whole set of answers), in
    progress for any other state an export wrote."""
    from quicktest.domain.session import FINISHED, IN_PROGRESS  # not on score's path

    located = load_yaml(path)
    response = answers_from(located, bank)
    data = located.data if isinstance(located.data, Mapping) else {}
    state = _state(located, data)
    return response, FINISHED if state in (None, FINISHED) else IN_PROGRESS


def _state(located: Located, data: Mapping[Any, Any]) -> str | None:
    """The file's `state:`, one a session can be in; None where it names none."""
    state = data.get("state")
    if state is None:
        return None
    from quicktest.domain.session import STATES  # only for a file that names one

    if state not in STATES:
        raise located.error(
            ("state",),
            f"unknown state {state!r}",
            did_you_mean(str(state), STATES) or f"expected one of {', '.join(STATES)}",
        )
    return str(state)


def load_metrics_file(path: str | os.PathLike[str]) -> Metrics:
    """A metrics file: a mapping of metric name to value, or an answers file's `metrics:`."""
    located = load_yaml(path)
    data = located.data
    where = "metrics" if isinstance(data, Mapping) and "metrics" in data else ""
    if where:  # an answers file's shape: each key beside metrics: is one of its keys
        _check_keys(located, data)
    raw = data.get("metrics") if where else data
    return _metrics(located, raw, where)


def _check_keys(located: Located, data: Mapping[Any, Any]) -> None:
    """Refuse a key an answers file does not have (a metric beside `metrics:`, say, which
    would be left unread)."""
    for key in data:
        if key not in KEYS:
            hint = did_you_mean(key, KEYS) or f"expected one of {', '.join(KEYS)}"
            if key in INPUTS:
                hint = f"put {key} under metrics:, where the file's figures are read"
            raise located.error((key,), f"unknown key {key!r}", hint)


def _metrics(located: Located, raw: Any, where: str) -> Metrics:
    """Metric values read as typed: `nrr: 0755` is refused, never taken as the octal 493."""
    if isinstance(raw, Mapping):
        prefix = (where,) if where else ()
        raw = {
            name: [located.as_written((*prefix, name, i), v) for i, v in enumerate(value)]
            if isinstance(value, list)
            else located.as_written((*prefix, name), value)
            for name, value in raw.items()
        }
    try:
        return parse_metrics(raw, where or "metrics")
    except InputError as exc:
        field = exc.field or ""
        path = tuple(field.split(".")[0 if where else 1 :])
        raise located.error(path, exc.message, exc.hint) from None


def _answered_with_another_bank(located: Located, data: Mapping, bank: Bank) -> bool:
    """Whether the file says it was answered with a bank other than this one."""
    record = data.get("bank")
    if record is None:
        return False
    if not isinstance(record, Mapping):
        raise located.error(("bank",), "expected a mapping with id, version and digest")
    for key in record:
        if key not in BANK_KEYS:
            raise located.error(("bank", key), f"unknown key {key!r}", did_you_mean(key, BANK_KEYS))
    return record.get("digest") != bank.digest


def answers_from(located: Located, bank: Bank) -> Response:
    """Check loaded answers data against the bank; errors name the file, line and field."""
    data = located.data if located.data is not None else {}
    if not isinstance(data, Mapping):
        raise located.error((), "expected a mapping with answers: and optionally metrics:")
    _check_keys(located, data)
    _state(located, data)  # a file says one thing to every command that reads it
    raw_answers = data.get("answers") or {}
    if not isinstance(raw_answers, Mapping):
        raise located.error(("answers",), "expected a mapping of question id to option id")
    stale: tuple[StaleAnswer, ...] = ()
    if _answered_with_another_bank(located, data, bank):
        given = {str(q): str(o) for q, o in raw_answers.items() if o is not None}
        answers, stale = split_stale(bank, given)
    else:
        answers = _checked_answers(located, raw_answers, bank)
    return Response(
        answers,
        _metrics(located, data.get("metrics"), "metrics"),
        _text(located, data, "client"),
        _text(located, data, "respondent"),
        _date(located, data),
        stale,
        _text(located, data, "role"),
    )


def _checked_answers(located: Located, raw: Mapping, bank: Bank) -> dict[str, str]:
    """Each answer checked against the bank: an unknown question or option is refused, with
    a near match where there is one."""
    answers: dict[str, str] = {}
    for question_id, option_id in raw.items():
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
    return answers


def _text(located: Located, data: Mapping, key: str) -> str | None:
    """A name kept exactly as typed: `client: 0755` stays 0755 and `respondent: 2:45` stays
    2:45, where YAML 1.1 would read an octal number and a time in seconds."""
    value = located.as_written((key,), data.get(key))
    if value is None:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise located.error((key,), f"expected text, got {value!r}")
    text = str(value)
    if len(text) > MAX_NAME and key != "date":
        raise located.error(
            (key,), f"is {len(text)} characters long; a {key} name takes at most {MAX_NAME}"
        )
    return text


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


def to_document(
    response: Response, bank: dict[str, str] | None = None, state: str | None = None
) -> dict:
    """An answers file's content; metrics as stored (fractions), so a re-import is exact.
    Stale answers are kept, `bank` records which bank the answers were given with, and
    `state` how far the session got (an import keeps it)."""
    document: dict = {}
    for key in ("client", "respondent", "role", "date"):
        if getattr(response, key):
            document[key] = getattr(response, key)
    if state:
        document["state"] = state
    if bank:
        document["bank"] = dict(bank)
    document["answers"] = response.given_answers
    if response.metrics:
        document["metrics"] = {name: plain(v) for name, v in response.metrics.given.items()}
    return document


def write_answers(
    response: Response,
    path: str | os.PathLike[str],
    bank: dict[str, str] | None = None,
    state: str | None = None,
) -> None:
    """Write an answers file: JSON for a .json name, YAML otherwise."""
    import json

    import yaml

    document = to_document(response, bank, state)
    if os.fspath(path).lower().endswith(".json"):
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = "# quicktest answers; metrics are fractions (1.11 means 111%)\n" + yaml.safe_dump(
            document, sort_keys=False, allow_unicode=True
        )
    from quicktest.sources.files import write_whole

    write_whole(path, text)
