"""A question bank checked for its author: what it holds, and what its answers can do."""

from __future__ import annotations

from typing import Any, NamedTuple

from quicktest.domain.bank import Bank


class Checked(NamedTuple):
    folder: str
    bank: Bank

    @property
    def metric_rules(self) -> int:
        return sum(len(p.metric_rules) for p in self.bank.patterns)

    def as_json(self) -> dict[str, Any]:
        bank = self.bank
        return {
            "folder": self.folder,
            "id": bank.id,
            "version": bank.version,
            "questions": len(bank.questions),
            "patterns": len(bank.patterns),
            "metric_rules": self.metric_rules,
            "benchmarks": len(bank.benchmarks),
        }


def checked(folder: str | None) -> Checked:
    """The bank in `folder` (else the one in use), validated afresh, never from the cache."""
    from quicktest.sources.bank import load_bank
    from quicktest.sources.locations import questions_dir

    path = questions_dir(folder)
    return Checked(path, load_bank(path, use_cache=False))
