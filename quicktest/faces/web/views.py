"""What the respondent's pages show, put together from the bank and a session: the metric
fields with each value as the form understood it, the review's rows, the read's labels."""

from __future__ import annotations

from collections.abc import Mapping
from gettext import gettext as _
from typing import NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.metrics import ALL, INPUTS
from quicktest.domain.session import Session
from quicktest.domain.units import MetricSpec, Value, show_value


def understood(spec: MetricSpec, value: Value) -> str:
    """A value as the form understood it (111%; 1.2M; 78%, 76%, 73%): the one place the
    form asks, so that the domain's own wording for it is swapped in here, in one line."""
    return show_value(spec, value)


def example(spec: MetricSpec) -> str:
    """How to write a value of this metric, for the hint under its field."""
    words = {
        "percent": _("For example 111% or 1.11") if spec.high > 1 else _("For example 93% or 0.93"),
        "currency": _("For example 1.2M, 250K or 1200000"),
        "count": _("For example 85"),
        "months": _("For example 14"),
        "points": _("For example 4"),
    }[spec.unit]
    if spec.series:
        words += _("; quarters split by commas")
    return words


class MetricRow(NamedTuple):
    name: str
    label: str
    hint: str
    text: str  # what the field holds: as typed, else the stored value
    understood: str | None  # the stored value as understood, once it is saved
    error: str | None


def metric_rows(
    session: Session,
    typed: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
) -> list[MetricRow]:
    """Every metric's field, in the catalogue's order: what was typed (when a form comes
    back with a problem), else the value saved."""
    problems = problems or {}
    rows = []
    for spec in INPUTS.values():
        value = session.metrics.get(spec.name)
        shown = None if value is None else understood(spec, value)
        text = typed[spec.name] if typed and spec.name in typed else shown or ""
        error = problems.get(spec.name)
        error = error and error[:1].upper() + error[1:]
        hint = f"{spec.help[:1].upper()}{spec.help[1:]}. {example(spec)}."
        rows.append(MetricRow(spec.name, spec.label, hint, text, None if error else shown, error))
    return rows


class ReviewRow(NamedTuple):
    number: int
    prompt: str
    answer: str | None  # the chosen option's label; None when not answered
    change: str  # the page where it is changed


def review_rows(bank: Bank, session: Session) -> list[ReviewRow]:
    rows = []
    for number, question in enumerate(bank.questions, 1):
        option = question.option(session.answers.get(question.id, ""))
        rows.append(
            ReviewRow(
                number,
                question.prompt,
                option.label if option else None,
                f"q{number}?from=review",
            )
        )
    return rows


def given_metrics(session: Session) -> list[tuple[str, str]]:
    """Each metric given, its label and its value as understood, in the catalogue's order."""
    return [
        (spec.label, understood(spec, session.metrics[spec.name]))
        for spec in INPUTS.values()
        if spec.name in session.metrics
    ]


LABELS = {name: spec.label for name, spec in ALL.items()}  # a metric's name for people
