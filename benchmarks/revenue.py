"""Revenue metrics on a million-row long file against a bare csv.reader pass over it."""

from __future__ import annotations

import random
import resource
import tempfile
from pathlib import Path

from timing import PYTHON, QUICKTEST, median_seconds, process, report

ACCOUNTS, MONTHS = 40_000, 25  # 1,000,000 rows


def generate(path: Path) -> None:
    rng = random.Random(7)
    with path.open("w") as out:
        out.write("account,period,revenue,segment\n")
        for account in range(ACCOUNTS):
            revenue = rng.uniform(100, 5000)
            segment = rng.choice(("smb", "mid", "enterprise"))
            for month in range(MONTHS):
                year, m = divmod(month, 12)
                out.write(f"acct-{account:06d},{2024 + year}-{m + 1:02d},{revenue:.2f},{segment}\n")
                revenue = max(0.0, revenue * rng.uniform(0.95, 1.06))


def peak_memory_mb(args: list[str]) -> float:
    """Peak resident memory of the largest child so far (the quicktest runs are the largest)."""
    process(args)()
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "revenue.csv"
        generate(path)
        ours = [QUICKTEST, "metrics", str(path), "--format", "json"]
        bare = [
            PYTHON,
            "-c",
            "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass",
            str(path),
        ]
        memory = (
            f"peak memory {peak_memory_mb(ours):.0f} MB for a "
            f"{path.stat().st_size / 1e6:.0f} MB file"
        )
        return [
            report(
                "quicktest metrics, 1M-row long file",
                median_seconds(process(ours), repeat=3),
                "bare csv.reader pass",
                median_seconds(process(bare), repeat=3),
                memory,
            )
        ]


if __name__ == "__main__":
    main()
