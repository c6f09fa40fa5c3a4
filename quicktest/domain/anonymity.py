"""Which groups of respondents a client's read may show a figure for, under the client's
anonymity threshold, so that no figure stands for fewer people than the threshold, and no
subtraction of one shown figure from another gives one away.

Groups here are disjoint (each respondent in one role group), and the combined read of
everyone is shown beside them. A group under the threshold is pooled with the others under
it; the pool is shown once it reaches the threshold. What matters is what is left out: if
the shown groups leave out between 1 and threshold − 1 people, the combined read minus the
shown groups would be their figure. So while the pool is that small, the smallest shown
group joins it; in the end the people left out are nobody, or at least the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple


class Shown(NamedTuple):
    groups: tuple[str, ...]  # shown on their own, largest first
    pooled: tuple[str, ...]  # pooled together, as one group "others"
    pool_shown: bool  # whether the pool is shown (it reaches the threshold)


def shown_groups(sizes: Mapping[str, int], threshold: int) -> Shown:
    """Which of these disjoint groups may be shown, and which are pooled, for a threshold
    (1 or less: every group is shown)."""
    order = sorted(sizes, key=lambda name: (-sizes[name], name))
    if threshold <= 1:
        return Shown(tuple(order), (), False)
    shown = [name for name in order if sizes[name] >= threshold]
    pooled = [name for name in order if sizes[name] < threshold]

    def left_out() -> int:
        return sum(sizes[name] for name in pooled)

    while 0 < left_out() < threshold and shown:
        pooled.insert(0, shown.pop())  # the smallest shown group joins the pool
    return Shown(tuple(shown), tuple(pooled), left_out() >= threshold)
