"""Periods and windows: a period as a month number (year * 12 + month - 1; quarters at
their first month), the as-of date a read stands at, and the window it covers.

A read stands at an *as-of* date: the window never ends after it, and periods after it have
not happened. A read holds at most SPAN months back from its latest period (the window and
ten years of history), whatever dates a file holds, so that a placeholder date such as
0001-01-01 sizes no work.
"""

from __future__ import annotations

import datetime
import re

from quicktest.domain.errors import InputError

_PERIOD = re.compile(
    r"^(\d{4})-(?:(0[1-9]|1[0-2])(?:-(\d{2})(?:[ T]([\d:.]+?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?"
    r"|Q([1-4]))$",
    re.IGNORECASE,
)
_TIME = re.compile(r"(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")
LAG = 12  # months between a window's start and end, unless --from and --to say otherwise
HISTORY_YEARS = 10  # how far back the history of trailing figures reaches
SPAN = HISTORY_YEARS * 12 + LAG + 1  # months a read holds at most, back from its latest period


def period_index(text: str) -> tuple[int, bool] | None:
    """A period as a month number (quarters at their first month), and whether a quarter.
    A full date (2025-03-14, with or without a time) stands for its month; a time with a zone
    (2025-01-31T23:30:00-02:00, ...Z) for the month of that instant in UTC, whatever the
    machine's zone."""
    match = _PERIOD.match(text)
    if not match:
        return None
    year, month, day, time, zone, quarter = match.groups()
    if quarter:
        return int(year) * 12 + (int(quarter) - 1) * 3, True
    if day is not None and not 1 <= int(day) <= 31:
        return None
    if zone is None:
        return int(year) * 12 + int(month) - 1, False
    instant = _utc(int(year), int(month), int(day), time, zone)
    return None if instant is None else (month_of(instant), False)


def _utc(year: int, month: int, day: int, time: str, zone: str) -> datetime.datetime | None:
    """A local time with its zone offset, as the instant in UTC; None where it is no time."""
    clock = _TIME.fullmatch(time)
    if clock is None:
        return None
    offset = 0
    if zone.upper() != "Z":
        digits = zone[1:].replace(":", "")
        offset = int(digits[:2]) * 60 + int(digits[2:] or 0)
        offset = -offset if zone[0] == "-" else offset
    try:
        local = datetime.datetime(year, month, day, int(clock[1]), int(clock[2]))
        return local - datetime.timedelta(minutes=offset)
    except (ValueError, OverflowError):  # no such day or hour, or past the calendar's ends
        return None


def month_of(day: datetime.date) -> int:
    """The month number of a date."""
    return day.year * 12 + day.month - 1


def period_end(index: int, quarterly: bool) -> datetime.date:
    """The last day of a period."""
    year, month = divmod(index + (3 if quarterly else 1), 12)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def period_name(index: int, quarterly: bool) -> str:
    year, month = divmod(index, 12)
    return f"{year}-Q{month // 3 + 1}" if quarterly else f"{year}-{month + 1:02d}"


def parse_period(text: str, flag: str, quarterly: bool, file: str | None = None) -> int:
    """A period given on the command line, of the file's kind (months or quarters)."""
    parsed = period_index(text.strip())
    if parsed is None or parsed[1] != quarterly or len(text.strip()) > 8:
        example = "2026-Q1" if quarterly else "2026-03"
        raise InputError(f"{flag} expects a period such as {example}, got {text!r}", file)
    return parsed[0]


def parse_as_of(text: str, today: datetime.date, file: str | None = None) -> datetime.date:
    """--as-of: a date such as 2026-03-31, not after today (a trailing figure cannot end in
    months that have not happened)."""
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or len(text.strip()) != 10:
        raise InputError(f"expected a date such as 2026-03-31, got {text!r}", file, field="--as-of")
    if day > today:
        raise InputError(
            f"{day} is after today ({today}): a trailing figure ends at the latest today",
            file,
            field="--as-of",
        )
    return day


def as_of_date(
    given: datetime.date | None, today: datetime.date, known: list[int], quarterly: bool
) -> datetime.date:
    """The date a read stands at: the one given, else the earlier of today and the end of the
    file's latest period (of those sorted `known`) that is not after today: a mistyped year
    4000 moves nothing."""
    if given is not None:
        return given
    latest = max((p for p in known if p <= month_of(today)), default=None)
    return today if latest is None else min(today, period_end(latest, quarterly))


def periods_read(known: list[int], as_of: datetime.date) -> tuple[list[int], list[int], list[int]]:
    """The periods a read holds (sorted): up to the as-of month and at most SPAN months back
    from the latest of those; and the periods it leaves out, after the as-of date and long
    before the rest."""
    until = month_of(as_of)
    held = [p for p in known if p <= until]
    after = [p for p in known if p > until]
    if not held:
        return [], after, []
    oldest = held[-1] - SPAN + 1
    return [p for p in held if p >= oldest], after, [p for p in held if p < oldest]


def choose_window(
    file: str,
    known: list[int],
    quarterly: bool,
    start: str | None,
    end: str | None,
    as_of: datetime.date | None = None,
) -> tuple[int, int]:
    """The start and end period: twelve months apart, ending at the last period by default.
    A file covering less than that gets its whole span (and a warning, from `warnings`).
    The window ends by the as-of date and reaches back at most SPAN months from the latest
    period."""
    last = parse_period(end, "--to", quarterly, file) if end else None
    first = parse_period(start, "--from", quarterly, file) if start else None
    if last is not None and as_of is not None and last > month_of(as_of):
        raise InputError(
            f"--to {period_name(last, quarterly)} is after the as-of date {as_of}: a trailing "
            "window ends by then (--as-of names another date)",
            file,
        )
    if first is None and last is None and known[-1] - known[0] < LAG:
        first, last = known[0], known[-1]
        if first == last:
            raise InputError(
                f"the file holds one period only ({period_name(first, quarterly)}); "
                "retention needs a start and an end",
                file,
            )
    if first is None:
        last = known[-1] if last is None else last
        first = last - LAG
    elif last is None:
        last = first + LAG
    if last <= first:
        raise InputError("--to must come after --from", file)
    if first < known[-1] - SPAN + 1:
        raise InputError(
            f"the window starts at {period_name(first, quarterly)}, more than "
            f"{HISTORY_YEARS + 1} years before the latest period read "
            f"({period_name(known[-1], quarterly)}): a read reaches back no further",
            file,
        )
    covered = (
        f"the file covers {period_name(known[0], quarterly)} to {period_name(known[-1], quarterly)}"
    )
    for index in (first, last):
        if index not in known:
            raise InputError(
                f"no revenue in period {period_name(index, quarterly)}; {covered}"
                " and a window needs both ends (twelve months apart by default)",
                file,
            )
    return first, last
