"""Batch scoring: rows per second of `quicktest batch` on 10,000 rows, against scoring the
same answers in a plain loop in one process (no CSV, no output)."""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from timing import QUICKTEST, median_seconds, prepare, process, report

ROWS = 10_000


def main() -> list[dict]:
    from quicktest.domain.metrics import parse_metrics
    from quicktest.domain.response import Response
    from quicktest.domain.scoring import score
    from quicktest.sources.bank import load_bank
    from quicktest.sources.locations import questions_dir

    prepare()
    bank = load_bank(questions_dir())
    rows = []
    for n in range(ROWS):
        answers = {
            q.id: q.options[(n + i) % len(q.options)].id for i, q in enumerate(bank.questions)
        }
        rows.append((answers, {"nrr": f"{95 + n % 25}%", "grr": f"{70 + n % 25}%"}))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "responses.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["client", *(q.id for q in bank.questions), "nrr", "grr"])
            for n, (answers, metrics) in enumerate(rows):
                writer.writerow([f"client {n}", *answers.values(), metrics["nrr"], metrics["grr"]])
        whole = median_seconds(
            process([QUICKTEST, "batch", str(path), "-o", str(Path(folder) / "out")]),
            3,
        )

        def plain() -> None:
            for answers, metrics in rows:
                score(bank, Response(answers, parse_metrics(metrics)))

        start = time.perf_counter()
        plain()
        loop = time.perf_counter() - start
    return [
        report(
            f"quicktest batch, {ROWS:,} rows (whole process)",
            whole,
            "scoring the same answers in a plain loop",
            loop,
            f"{ROWS / whole:,.0f} rows per second",
        )
    ]


if __name__ == "__main__":
    main()
