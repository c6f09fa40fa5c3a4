"""Account names as the engine compares them, as SQL: every kind of space one space and
invisible characters gone; the rows that are totals, not accounts; and a spreadsheet's error
where a name should be.

`Acme<TAB>`, `Acme<NBSP>` and `Acme` are one account: a space of any kind (tab, no-break,
narrow, ideographic) is a space, zero-width characters are nothing, and names are trimmed.
Names that still differ only in case or in how many spaces stand inside them are counted
apart and named in a warning (`similar_names`).

A total row (`Total`, `Grand total`, `Summe`, `Totaal`, `Total général`... alone or with a
number, a colon or a measure such as MRR), or a subtotal that Excel's Data > Subtotal writes
under another account's name (`Acme Total`, `Total Acme`, `Acme Ergebnis`), is left out.
"""

from __future__ import annotations

_INVISIBLE = r"[\x{200B}-\x{200D}\x{2060}\x{FEFF}\x{00AD}]"  # zero-width, BOM, soft hyphen
_SPACE = r"[\pZ\t\n\r\f\v\x{85}]"  # every Unicode space separator and the ASCII ones
_TOTAL = (
    r"((grand|sub|overall|sous)[ -]?)?totals?|totale( generale| complessivo)?|subtotale"
    r"|total (général|general|geral)|gesamt(summe|ergebnis)?|insgesamt|(zwischen|end)?summe"
    r"|(sub|eind)?totaal|suma( total)?|summa|totalt|i alt"
)
_MEASURE = r"( (mrr|arr|revenue|revenues|amount|amounts|sales|umsatz|omzet|ca))?"
TOTAL = rf"({_TOTAL}){_MEASURE}[^\pL]*"  # lower case, after normalising
_AFTER = r"^(.+) (total|totaal|ergebnis|summe|totale)$"  # Acme Total
_BEFORE = r"^(total|totale|summe|sous-total) (.+)$"  # Total Acme
ERROR = (  # what a spreadsheet writes for a formula that failed
    r"#(n/a|ref!|value!|div/0!|name\?|null!|num!|spill!|calc!|getting_data|field!|blocked!"
    r"|connect!|busy!|unknown!|external!|python!|error!)|err:\d{3}"
)


def normal(name: str) -> str:
    """SQL: a name as compared."""
    visible = f"regexp_replace({name}, '{_INVISIBLE}', '', 'g')"
    return f"trim(regexp_replace({visible}, '{_SPACE}', ' ', 'g'))"


def abnormal(name: str) -> str:
    """SQL: true where a name may change when normalised (a space at an end, anything but
    printable ASCII): a cheap test before the regular expressions."""
    return f"regexp_matches({name}, '^ | $|[^ -~]')"


def totals(candidates: str, accounts: str) -> str:
    """SQL: the names (column `account`, normalised) in relation `candidates` that are
    totals, or subtotals of a name in relation `accounts`. Names with none of the words a
    total holds are passed over first: the test runs on every account."""
    words = " OR ".join(
        f"account ILIKE '%{w}%'" for w in ("tot", "sum", "gesamt", "alt", "ergebnis")
    )
    return (
        f"WITH qt_named AS (SELECT account, lower(account) AS low FROM {candidates} "
        f"WHERE {words}), "
        f"qt_base AS (SELECT account, regexp_extract(low, '{_AFTER}', 1) AS base FROM qt_named "
        f"UNION ALL SELECT account, regexp_extract(low, '{_BEFORE}', 2) FROM qt_named) "
        f"SELECT account FROM qt_named WHERE regexp_full_match(low, '{TOTAL}') "
        f"UNION SELECT qt_base.account FROM qt_base JOIN {accounts} AS qt_other "
        "ON lower(qt_other.account) = qt_base.base WHERE qt_base.base <> ''"
    )


def is_error(name: str) -> str:
    """SQL: true where a normalised `name` is a spreadsheet's error (#N/A, #REF!)."""
    return (
        f"(starts_with({name}, '#') OR {name} ILIKE 'err:%') "
        f"AND regexp_full_match(lower({name}), '{ERROR}')"
    )
