"""Dates as exports write them (2025-03-14, with a time, with a zone), read only where they
name a real moment: a day of its month, a time of the clock, a zone offset within 14 hours of
UTC. `T25:00`, `T23:61` or a zone of `+99:99` would otherwise roll over into another hour,
day or month and be counted there; they are refused at their cell instead.

A long file's periods are read through `period` (in Python, once per distinct text), a
subscription's dates through `DAY`, `LOCAL` and `ZONED` (in DuckDB, for every row): the
patterns are RE2 and Python `re` alike.
"""

from __future__ import annotations

import datetime
import re

from quicktest.domain.periods import period_index

DAY = r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"  # the calendar's check is the DATE cast
TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?"
ZONE = r"[Zz]|UTC|[+-](0\d|1[0-3])(:?[0-5]\d)?|[+-]14(:?00)?"
LOCAL = rf"{DAY}([ T]{TIME})?"
ZONED = rf"{DAY}[ T]{TIME}\s*({ZONE})"

# any text shaped like a date, a time and a zone, to say which part of it is no such thing
_SHAPE = re.compile(r"(\d{4}-\d\d-\d\d)(?:[ T]([\d:.]+?)\s*([Zz]|UTC|[+-][\d:]+)?)?")


def unreal(text: str) -> str | None:
    """Why text written as a date (2026-01-31, with a time and zone or not) names no moment,
    in words; None for a real one, and for text of any other shape."""
    shape = _SHAPE.fullmatch(text.strip())
    if shape is None:
        return None
    day, time, zone = shape.groups()
    try:
        datetime.date.fromisoformat(day)
    except ValueError:
        return f"{day} is no day of the calendar"
    if time is not None and not re.fullmatch(TIME, time):
        return f"{time} is no time of day"
    if zone is not None and not re.fullmatch(ZONE, zone):
        return f"{zone} is no time zone: offsets run at most 14:00 either side of UTC"
    return None


def period(text: str) -> tuple[int, bool] | None:
    """A long file's period as `period_index` reads it (a month number, and whether a
    quarter), or None; a date in it must name a real moment."""
    return None if unreal(text) else period_index(text)


def refused(expected: str, written: str) -> str:
    """The words for a period or date refused: what was expected, what was written, and
    which part of it is no such thing where that can be told."""
    reason = unreal(written)
    return f"expected {expected}, got {written!r}" + (f" ({reason})" if reason else "")
