"""How a bad link is answered: more and more slowly after a few in an hour from one caller
(the attempts are counted in the store: `app.attempts`)."""

from __future__ import annotations


def bad_link_delay(attempts: int, free: int = 5, longest: float = 30.0) -> float:
    """Seconds to wait before answering a bad link: none for the first `free` in an hour,
    then 1, 2, 4 ... up to `longest`."""
    return 0.0 if attempts <= free else min(longest, 2.0 ** (attempts - free - 1))
