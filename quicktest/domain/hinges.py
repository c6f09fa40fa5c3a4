"""What a read hinges on, for the consultant: each answer given whose change to another option
would change the call (another dominant pattern, another level, a tie, or none), and for
each figure given the nearest value on either side that would. It tells a consultant which
answer to probe and which figure to check before the read goes to a board. Each hinge is
found by scoring the changed response again.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from quicktest.domain.bank import Bank
from quicktest.domain.changes import (
    Call,
    Change,
    answer_changes,
    applied,
    distance,
    metric_changes,
)
from quicktest.domain.metrics import ALL
from quicktest.domain.read import Read
from quicktest.domain.scoring import score


class Hinge(NamedTuple):
    change: Change
    call: Call  # what the read would call after it

    def as_json(self) -> dict[str, Any]:
        return {**self.change.as_json(), "call": self.call.as_json()}

    def words(self, bank: Bank) -> str:
        """The change and the call after it, in words."""
        change = self.change
        if change.kind == "answer":
            what = f"{change.ref}: answering '{change.to}' (not '{change.was}')"
        else:
            what = f"{ALL[change.ref].label} at {change.to} (it is {change.was})"
        return f"{what}: the call becomes {self.call.words(bank)}"


def hinges(bank: Bank, read: Read) -> tuple[Hinge, ...]:
    """Every answer change that changes the call, then per figure the nearest value below
    and above it that does."""
    now = Call.of(read)

    def call_after(change: Change) -> Call:
        return Call.of(score(bank, applied(read.given, [change]), texts=False))

    found = [
        Hinge(change, after)
        for change in answer_changes(bank, read)
        if (after := call_after(change)) != now
    ]
    nearest: dict[tuple[str, bool], Change] = {}  # (metric, up) -> its nearest change
    for change in sorted(metric_changes(bank, read), key=lambda c: distance(read, c)):
        side = (change.ref, float(change.value) > (read.metrics.value(change.ref) or 0.0))
        if side not in nearest and (after := call_after(change)) != now:
            nearest[side] = change
            found.append(Hinge(change, after))
    return tuple(found)


def hinges_on(hinges: tuple[Hinge, ...]) -> tuple[str, ...]:
    """The questions and metrics a read hinges on, each once, in order."""
    return tuple(dict.fromkeys(h.change.ref for h in hinges))
