"""Counts per caller address over the last hour: bad links, new open quick tests.

Kept in this process's memory and bounded in size: each worker counts for itself, so with N
workers a caller gets up to N times the allowance; a limit, not an account of anyone.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

WINDOW = 3600.0  # seconds an attempt counts for
MAX_ADDRESSES = 10_000  # addresses remembered; the longest quiet is forgotten first


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()

    def count(self, address: str) -> int:
        """One more attempt from `address`: how many it made in the last hour, this one
        included."""
        now = self.clock()
        times = self.seen.pop(address, None) or deque()
        while times and now - times[0] >= WINDOW:
            times.popleft()
        times.append(now)
        self.seen[address] = times
        while len(self.seen) > MAX_ADDRESSES:
            self.seen.popitem(last=False)
        return len(times)


def bad_link_delay(attempts: int, free: int = 5, longest: float = 30.0) -> float:
    """Seconds to wait before answering a bad link: none for the first `free` in an hour,
    then 1, 2, 4 ... up to `longest`."""
    return 0.0 if attempts <= free else min(longest, 2.0 ** (attempts - free - 1))
