"""A made-up consultant's store for the portfolio's test and benchmark: 50 clients, 200
sessions, from a seed. Each client has two rounds (spring and summer) or one, respondents
in several roles, some retaking the test, some invited and silent, figures from some."""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import NamedTuple

ROLES = ("CEO", "CFO", "Sales", "Customer success")


class Record(NamedTuple):
    client: str
    respondent: str
    role: str
    date: str
    answers: dict[str, str]
    metrics: dict[str, float]


def records(bank, clients: int = 50, per_client: int = 4, seed: int = 23) -> list[Record]:
    """`clients` x `per_client` sessions. A client's first sessions fall in March (round
    one); from the third on, in June (round two), half of them retakes by the first
    respondents; one session in five has no answers (an invitation never answered)."""
    made = []
    for c in range(clients):
        rng = random.Random(seed * 1000 + c)
        name = f"Client {c:02d} {rng.choice(['Analytics', 'Data', 'Cloud', 'Labs'])}"
        for n in range(per_client):
            later = n >= 2 and c % 5 != 0  # every fifth client has a single round
            day = datetime.date(2026, 6 if later else 3, 1 + 3 * n + c % 3)
            who = n - 2 if later and rng.random() < 0.5 else n
            silent = rng.random() < 0.2
            answers = (
                {}
                if silent
                else {q.id: rng.choice(q.options).id for q in bank.questions if rng.random() < 0.85}
            )
            metrics = {}
            if not silent and rng.random() < 0.5:
                nrr = round(rng.uniform(0.9, 1.3), 2)
                metrics = {"nrr": nrr, "grr": round(min(nrr, rng.uniform(0.7, 0.98)), 2)}
            made.append(
                Record(
                    name,
                    f"Person {who}",
                    ROLES[who % len(ROLES)],
                    day.isoformat(),
                    answers,
                    metrics,
                )
            )
    return made


def tags_of(client: str) -> list[str]:
    number = int(client.split()[1])
    return ["saas"] + (["fintech"] if number % 3 == 0 else [])


def make_store(path: Path, bank, made: list[Record]):
    """The records written to a store at `path` (made anew), each client tagged."""
    from quicktest.domain.metrics import Metrics
    from quicktest.domain.response import Response
    from quicktest.sources.store import Store

    store = Store(path)
    for record in made:
        response = Response(
            record.answers, Metrics(record.metrics), record.client, record.respondent,
            record.date, (), record.role,
        )  # fmt: skip
        store.add(response, bank, "finished" if record.answers else "in progress")
    for client in store.clients():
        store.set_client(client, tags_added=tuple(tags_of(client.name)))
    return store
