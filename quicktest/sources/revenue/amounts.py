"""Amounts as billing exports write them, read in SQL for every row at once.

A plain number (1200, 1200.5) is cast directly. Anything else (currency signs, thousands
separators, decimal commas, credits in brackets or with the minus behind, as SAP and other
ERPs write them: 60.00-, 1.234,50-) is read by the file's convention: a decimal
point or a decimal comma, decided by the values that can only be read one way (0,85; 1.234,56;
1,234.56; 12.5). A value that fits both (1,200 or 1.200, in a file with nothing to decide
it) is refused rather than guessed, unless --decimal names the convention.

The patterns are RE2 and Python `re` alike: DuckDB runs them, and the error path explains
with them.
"""

from __future__ import annotations

import re

from quicktest.domain.errors import InputError

MAX_AMOUNT = 1e15  # past any company's revenue: a figure this large is a typo or an overflow
SIGNS = "$€£¥"  # currency signs an amount may carry; one file, one of them
_STRIP = f"[{SIGNS}\\s\u00a0\u202f']"  # currency signs and the spaces and marks of digit grouping
VALID = {
    "point": r"\d+(\.\d+)?|\.\d+|\d{1,3}(,\d{3})+(\.\d+)?",
    "comma": r"\d+(,\d+)?|,\d+|\d{1,3}(\.\d{3})+(,\d+)?",
}
EVIDENCE = {  # values only the one convention reads
    "point": r"\d*\.(\d{1,2}|\d{4,})|0\.\d+|\d{1,3}(,\d{3}){2,}(\.\d*)?|\d{1,3}(,\d{3})+\.\d*",
    "comma": r"\d*,(\d{1,2}|\d{4,})|0,\d+|\d{1,3}(\.\d{3}){2,}(,\d*)?|\d{1,3}(\.\d{3})+,\d*",
}
AMBIGUOUS = r"[1-9]\d{0,2}[.,]\d{3}"
SIGNED = r"[-+]?[^-+()]*|[^-+()]*-|\([^-+()]*\)"  # -60, +60, 60- or (60): one sign at most
CONVENTIONS = ("point", "comma")


def fast(text: str, number: str) -> str:
    """SQL: true where a row's amount is a typed number, or text that is a plain number in
    range and not of the three-decimals form that a decimal-comma file uses for thousands."""
    return (
        f"coalesce({number} IS NOT NULL OR (TRY_CAST({text} AS DOUBLE) BETWEEN 0 AND "
        f"{MAX_AMOUNT:.0f} AND {text} NOT LIKE '%.___'), false)"
    )


def cleaned(text: str) -> str:
    """SQL: the text with currency signs and grouping spaces gone."""
    pattern = _STRIP.replace("'", "''")
    return f"regexp_replace(coalesce({text}, ''), '{pattern}', '', 'g')"


def digits(clean: str) -> str:
    """SQL: the digits and separators of a cleaned amount, sign and brackets gone."""
    return f"trim({clean}, '()-+')"


def negative(clean: str) -> str:
    return f"({clean} LIKE '(%)' OR {clean} LIKE '-%' OR {clean} LIKE '%-')"


def matches(digits_sql: str, pattern: str) -> str:
    return f"regexp_full_match({digits_sql}, '{pattern}')"


def value(text: str, number: str, convention: str) -> str:
    """SQL: the amount of a row as a number, read by the file's convention."""
    clean = cleaned(text)
    body = digits(clean)
    if convention == "point":
        parsed = f"TRY_CAST(replace({body}, ',', '') AS DOUBLE)"
    else:
        parsed = f"TRY_CAST(replace(replace({body}, '.', ''), ',', '.') AS DOUBLE)"
    return (
        f"CASE WHEN {number} IS NOT NULL THEN {number} "
        f"WHEN {fast(text, 'NULL')} THEN TRY_CAST({text} AS DOUBLE) "
        f"WHEN {body} = '' THEN 0.0 "
        f"WHEN {negative(clean)} THEN -{parsed} ELSE {parsed} END"
    )


def bad(text: str, number: str, convention: str, credit: bool, settled: bool) -> str:
    """SQL: true where a row's amount cannot be read by the convention, is out of range, is
    a negative where no credits belong, or (in a file that does not settle its convention)
    could be read two ways."""
    clean = cleaned(text)
    body = digits(clean)
    amount = value(text, number, convention)
    return " OR ".join(
        [
            f"(NOT {fast(text, number)} AND {body} <> ''"
            f" AND NOT ({matches(body, VALID[convention])} AND {matches(clean, SIGNED)}))",
            f"NOT isfinite(coalesce({amount}, 0))",
            f"abs(coalesce({amount}, 0)) > {MAX_AMOUNT:.0f}",
            *([] if credit else [f"coalesce({amount}, 0) < 0"]),
            *([] if settled else [f"(NOT {fast(text, number)} AND {matches(body, AMBIGUOUS)})"]),
        ]
    )


def convention_of(counts: dict[str, int], chosen: str | None, file: str) -> tuple[str, bool]:
    """The file's decimal convention from the evidence counts of the first pass, and whether
    it is settled (chosen, or shown by a value); mixed evidence is an error."""
    if chosen:
        return chosen, True
    point, comma = counts["point_evidence"], counts["comma_evidence"]
    if point and comma:
        raise InputError(
            f"amounts are written both with a decimal point ({point} values such as 1,234.56 "
            f"or 12.5) and with a decimal comma ({comma} such as 1.234,56 or 12,5); export the "
            "file in one convention, or name it with --decimal point or --decimal comma",
            file,
        )
    return ("comma" if comma else "point"), bool(point or comma)


def explain(text: str, convention: str, credit: bool, settled: bool) -> str:
    """Why one amount was refused, in words (the error path only)."""
    clean = re.sub(_STRIP, "", text)
    body = clean.strip("()-+")
    if not settled and re.fullmatch(AMBIGUOUS, body):
        whole, fraction = re.split("[.,]", body)
        return (
            f"{text.strip()} could be {whole}{fraction} or {whole}.{fraction}, and no other "
            "amount in the file settles which: write it without a thousands separator or "
            "give --decimal point or --decimal comma"
        )
    if not re.fullmatch(VALID[convention], body or "0") or not re.fullmatch(SIGNED, clean):
        return f"expected an amount, got {text!r}"
    if not credit and (clean.startswith(("-", "(")) or clean.endswith("-")):
        return f"expected an amount of 0 or more, got {text!r}"
    return f"{text.strip()} is past any real revenue figure"
