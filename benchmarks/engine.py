"""The engine alone: microseconds per read of varied responses, in one process, against the
floor of the same work done by hand (each answer's points summed per pattern, no evidence,
no rules), measured in the same run."""

from __future__ import annotations

import time

from timing import report

READS = 10_000


def main() -> list[dict]:
    from quicktest.domain.metrics import parse_metrics
    from quicktest.domain.response import Response
    from quicktest.domain.scoring import score
    from quicktest.sources.bank import load_bank
    from quicktest.sources.locations import questions_dir

    bank = load_bank(questions_dir())
    responses = []
    for n in range(200):
        answers = {
            q.id: q.options[(n * 7 + i) % len(q.options)].id
            for i, q in enumerate(bank.questions)
            if (n + i) % 5
        }
        metrics = parse_metrics(
            {"nrr": f"{95 + n % 25}%", "grr": f"{70 + n % 25}%", "gross_margin": [0.78, 0.7]}
            if n % 2
            else {}
        )
        responses.append(Response(answers, metrics))
    batch = [responses[i % len(responses)] for i in range(READS)]
    score(bank, batch[0])

    def reads() -> float:
        start = time.perf_counter()
        for response in batch:
            score(bank, response)
        return (time.perf_counter() - start) / READS

    ours = min(reads() for _ in range(5))  # the best pass: the least disturbed by the machine

    patterns = [p.id for p in bank.patterns]

    def by_hand() -> float:
        start = time.perf_counter()
        for response in batch:
            totals = dict.fromkeys(patterns, 0.0)
            for question_id, option_id in response.answers.items():
                points = bank.question_by_id[question_id].option(option_id).points
                for pattern_id, weight in points.items():
                    totals[pattern_id] += weight
        return (time.perf_counter() - start) / READS

    floor = min(by_hand() for _ in range(5))
    return [
        report(
            "engine, one read of varied answers and metrics",
            ours,
            "points summed by hand, no evidence or rules",
            floor,
            "aim: at most 50 us a read",
        )
    ]


if __name__ == "__main__":
    main()
