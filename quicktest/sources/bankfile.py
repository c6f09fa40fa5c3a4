"""Validation of a question bank folder: each of its four YAML files against its model
(`bankmodels`), then the checks across them (`bankcheck`); every error carries file:line:col.
The result is plain JSON-shaped data, which the bank cache keeps and `domain.bank.Bank` is
built from: pydantic is imported only when a bank is not in the cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from quicktest.domain.errors import InputError, InputErrors, did_you_mean
from quicktest.sources.bankcheck import cross_check
from quicktest.sources.bankfolder import FILES
from quicktest.sources.bankmodels import KNOWN_KEYS, MODELS, TAGS
from quicktest.sources.yamlfile import Located, parse_yaml


def validate_bank(texts: dict[str, str], folder: Path) -> dict[str, Any]:
    """Check a bank's four files (name -> text) and return its data; raise InputErrors
    listing every problem found."""
    errors: list[InputError] = []
    parsed: dict[str, tuple[Located, Any]] = {}
    for name in FILES:
        try:
            located = parse_yaml(texts[name], str(folder / name))
        except InputError as exc:
            errors.append(exc)
            continue
        try:
            parsed[name] = (located, MODELS[name].model_validate(located.data))
        except ValidationError as exc:
            errors.extend(_explain(located, exc))
    if errors:
        raise InputErrors(errors)
    info, questions, patterns, benchmarks = (parsed[name][1] for name in FILES)
    data = {
        "info": info.model_dump(mode="json", by_alias=True),
        "questions": [q.model_dump(mode="json") for q in questions.questions],
        "patterns": [p.model_dump(mode="json") for p in patterns.patterns],
        "benchmarks": [b.model_dump(mode="json") for b in benchmarks.benchmarks],
        "nrr_readings": [r.model_dump(mode="json") for r in benchmarks.nrr_readings],
        "metric_warnings": [w.model_dump(mode="json") for w in benchmarks.metric_warnings],
        "healthy_direction": dict(benchmarks.healthy_direction),
        "verdicts": benchmarks.verdicts.model_dump(mode="json"),
        "metric_meanings": dict(benchmarks.metric_meanings),
    }
    located_files = {name: located for name, (located, _) in parsed.items()}
    errors = list(cross_check(info, questions, patterns, benchmarks, located_files))
    if errors:
        raise InputErrors(errors)
    return data


def _explain(located: Located, exc: ValidationError) -> Iterator[InputError]:
    """Pydantic's errors as InputErrors at their YAML place, in plain words."""
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if part not in TAGS)
        kind, value = error["type"], error.get("input")
        if kind == "extra_forbidden":
            yield located.error(
                path, f"unknown key {path[-1]!r}", did_you_mean(path[-1], KNOWN_KEYS)
            )
        elif kind == "missing":
            yield located.error(path[:-1], f"missing key {path[-1]!r}")
        elif kind == "too_short" and isinstance(value, list) and not value:
            yield located.error(path, "is empty, expected at least one item")
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            yield located.error(path, "expected a condition: all, any, or a metric comparison")
        else:
            message = error["msg"][0].lower() + error["msg"][1:]
            yield located.error(path, f"{message}, got {value!r}")
