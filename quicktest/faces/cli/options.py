"""The option groups several commands share, and what they turn into for the use cases."""

from __future__ import annotations

import argparse
import os

from quicktest.app.given import Inputs
from quicktest.app.revenue import RevenueSpec
from quicktest.domain.errors import InputError

BRAND_HELP = (
    "a brand folder (brand.yaml and a logo) for the PDF and the app's header "
    "(default: $QUICKTEST_BRAND, or brand/ in your config folder)"
)


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized without `shutil` (which loads three compression
    modules at every start-up only to ask for the terminal's width)."""

    def __init__(self, prog: str) -> None:
        try:
            width = int(os.environ.get("COLUMNS") or os.get_terminal_size().columns)
        except (OSError, ValueError):
            width = 80
        super().__init__(prog, width=max(width - 2, 40))


def add_store_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--questions",
        metavar="DIR",
        help="question bank folder (default: the shipped bank, or $QUICKTEST_QUESTIONS)",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="session store (default: in your data folder, or $QUICKTEST_DB)",
    )
    return parser


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def add_brand(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--brand", metavar="DIR", help=BRAND_HELP)


def add_revenue_reading(parser: argparse.ArgumentParser) -> None:
    """How to read a revenue file whose columns or conventions are its own."""
    how = parser.add_argument_group("reading a revenue file")
    how.add_argument(
        "--shape", choices=("long", "wide", "subscriptions"), help="default: by header"
    )
    for flag, text in (
        ("--account", "the account (customer) column"),
        ("--period", "the period column of a long file"),
        ("--amount", "the revenue column of a long file, the monthly amount of subscriptions"),
        ("--start-column", "a wide file's start revenue, or a subscription's start date"),
        ("--end-column", "a wide file's end revenue, or a subscription's end date"),
    ):
        how.add_argument(flag, metavar="COLUMN", help=text)
    how.add_argument(
        "--sheet",
        metavar="NAME",
        help="the workbook sheet (default: the sheet Excel opens on; a hidden one only by name)",
    )
    how.add_argument(
        "--as-of",
        metavar="DATE",
        help="the date the figures stand at: later periods and term ends are not yet "
        "(default: today, or the file's latest date if earlier)",
    )
    how.add_argument(
        "--currency",
        metavar="CODE",
        help="the amounts' currency (EUR, USD, GBP, ...): a revenue file's rows in it only, "
        "and the report's amounts written in it",
    )
    how.add_argument(
        "--decimal",
        choices=("point", "comma"),
        help="the amounts' decimal mark, where no value in the file settles it",
    )


def add_inputs(parser: argparse.ArgumentParser) -> None:
    """What a read is made of: the same for a read on screen and a read as a PDF."""
    parser.add_argument(
        "answers", metavar="ANSWERS", nargs="?", help="answers file (YAML or JSON) or session id"
    )
    parser.add_argument(
        "--client",
        metavar="NAME",
        help="instead of ANSWERS: this client's read, the combined read of its respondents",
    )
    parser.add_argument("--metrics", metavar="FILE", help="metrics file (YAML or JSON)")
    parser.add_argument(
        "--revenue",
        metavar="FILE",
        help="account-level revenue (CSV, Parquet or xlsx); NRR, GRR and logo retention "
        "computed from it replace given values",
    )
    add_revenue_reading(parser)


def revenue_spec(args: argparse.Namespace, path: str | None) -> RevenueSpec | None:
    """The revenue source a command names, with the flags that say how to read it."""
    if not path:
        return None
    return RevenueSpec(
        path,
        shape=args.shape,
        account=args.account,
        period=args.period,
        amount=args.amount,
        start_column=args.start_column,
        end_column=args.end_column,
        by=getattr(args, "by", None),
        start=getattr(args, "start", None),
        end=getattr(args, "end", None),
        sheet=args.sheet,
        currency=args.currency,
        decimal=args.decimal,
        as_of=args.as_of,
    )


def inputs_of(args: argparse.Namespace) -> Inputs:
    currency = args.currency.strip().upper() if args.currency else None
    if currency and not (len(currency) == 3 and currency.isalpha()):
        raise InputError(
            f"expected a currency code such as EUR, got {args.currency!r}", field="--currency"
        )
    return Inputs(
        args.answers, args.client, args.metrics, revenue_spec(args, args.revenue), currency
    )
