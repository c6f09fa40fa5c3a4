"""A client: the company the respondents work at, named as it was first written, with what
the consultant set for it (an anonymity threshold, a sponsor, tags).

Sessions belong to a client by their client name folded (`fold`): any case, any script,
spaces folded, so `ACME  analytics` and `Acme Analytics` are one company.
"""

from __future__ import annotations

from typing import Any, NamedTuple


def fold(name: str) -> str:
    """A name compared as people mean it: any case, any script, spaces folded."""
    return " ".join(name.split()).casefold()


class Client(NamedTuple):
    key: str  # the name folded
    name: str  # as first written (or as the consultant set it since)
    anonymity: int = 0  # the fewest respondents a figure may stand for; 0: everyone named
    sponsor: str | None = None  # the respondent the consultant marked as the sponsor
    tags: tuple[str, ...] = ()

    @property
    def threshold(self) -> int:
        """The anonymity threshold as a group size: 1 when none is set."""
        return max(1, self.anonymity)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "anonymity": self.anonymity or None,
            "sponsor": self.sponsor,
            "tags": list(self.tags),
        }
