"""Metric inputs: the ways values are written, bounds, consistency and derived figures."""

from __future__ import annotations

import pytest

from quicktest.domain.errors import InputError
from quicktest.domain.metrics import INPUTS, Metrics, parse_metrics
from quicktest.domain.units import format_value, parse_value


@pytest.mark.parametrize("raw", ["115%", "115", 115, "1.15", 1.15, " 115 % ".replace(" ", "")])
def test_nrr_written_three_ways_is_the_same_fraction(raw):
    assert parse_value(INPUTS["nrr"], raw) == pytest.approx(1.15)


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("grr", "93", 0.93),
        ("grr", 0.93, 0.93),
        ("grr", "100%", 1.0),
        ("grr", 1, 1.0),
        ("gross_margin", "-5%", -0.05),
        ("arr", "$1,200,000.50", 1_200_000.5),
        ("arr", "12M", 12_000_000),
        ("acv", "250K", 250_000),
        ("employees", 85, 85),
        ("cac_payback_months", "14", 14),
        ("arr_growth", "250%", 2.5),
    ],
)
def test_values_are_read_in_base_units(name, raw, value):
    assert parse_value(INPUTS[name], raw) == pytest.approx(value)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("nrr", "abc", "expected a percentage"),
        ("nrr", "400%", "out of bounds, expected 0% to 300%"),
        ("grr", "101%", "out of bounds, expected 0% to 100%"),
        ("nrr", 2, "ambiguous"),
        ("arr", 0, "expected more than 0"),
        ("employees", "-3", "out of bounds"),
        ("cac_payback_months", 130, "out of bounds"),
        ("nrr", True, "expected a percentage"),
        ("nrr", "nan", "expected a percentage"),
    ],
)
def test_bad_values_name_the_field(name, raw, message):
    with pytest.raises(InputError) as caught:
        parse_value(INPUTS[name], raw)
    assert caught.value.field == name
    assert message in str(caught.value)


def test_grr_above_nrr_is_refused():
    with pytest.raises(InputError, match=r"metrics\.grr: GRR 95% is above NRR 90%"):
        parse_metrics({"nrr": "90%", "grr": "95%"})


def test_unknown_metric_suggests_the_near_name():
    with pytest.raises(InputError) as caught:
        parse_metrics({"nrr_histry": [1.0]})
    assert caught.value.hint == "did you mean nrr_history?"


def test_series_only_where_allowed():
    with pytest.raises(InputError, match="expected one value, not a list"):
        parse_metrics({"nrr": [1.0, 1.1]})
    metrics = parse_metrics({"gross_margin": ["78%", "76%", "73%", "70%"]})
    assert metrics.series("gross_margin") == pytest.approx((0.78, 0.76, 0.73, 0.70))
    assert metrics.value("gross_margin") == pytest.approx(0.70)


def test_derived_figures():
    metrics = parse_metrics(
        {
            "nrr": "111%",
            "grr": "65%",
            "arr": "12M",
            "employees": 100,
            "arr_growth": "30%",
            "headcount_growth": "28%",
            "gross_margin": [0.78, 0.70],
            "nrr_history": [1.05, 1.11],
        }
    )
    assert metrics.derived == pytest.approx(
        {
            "arr_per_employee": 120_000,
            "nrr_grr_spread": 0.46,
            "gross_margin_trend": -0.08,
            "nrr_trend": 0.06,
            "growth_leverage": 0.02,
        }
    )
    assert metrics.display("nrr_grr_spread") == "+46 pts"
    assert metrics.display("arr_per_employee") == "120K"
    assert metrics.display("logo_retention") == "not provided"


def test_computed_metrics_win_and_the_read_says_so():
    given = parse_metrics({"nrr": "105%", "gross_margin": "70%"})
    merged = given.merged(Metrics({"nrr": 1.11, "grr": 0.93}))
    assert merged.value("nrr") == 1.11 and merged.value("gross_margin") == 0.70
    assert merged.notes == ("nrr: 111% from the revenue file replaces the given 105%",)


def test_format_value():
    assert format_value(INPUTS["nrr"], 1.115) == "111.5%"
    assert format_value(INPUTS["arr"], 12_500_000) == "12.5M"
    assert format_value(INPUTS["cac_payback_months"], 14) == "14 months"


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (1_200_000, "EUR", "€1.2M"),
        (60_000, "usd", "$60K"),
        (14_000_000, "GBP", "£14M"),
        (1_250_000_000, "USD", "$1.25B"),
        (999_600, "USD", "$1M"),
        (950, "CHF", "CHF\u00a0950"),
        (117_000, None, "117K"),
    ],
)
def test_amounts_are_written_the_clients_way(value, currency, shown):
    from quicktest.domain.units import money

    assert money(value, currency) == shown
