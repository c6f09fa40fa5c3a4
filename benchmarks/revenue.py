"""Revenue metrics on long files of 1M and 10M rows against a bare csv.reader pass over the
same file, and the engine's peak memory against the file's size.

Aims (issue 13): 1M rows at most 1.0x the csv pass; 10M rows at most 0.6x, with peak memory
at most 1.5x the file. Both runs alternate with the baseline (`interleaved`), since the
machine's speed drifts from minute to minute.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from pathlib import Path

from timing import PYTHON, QUICKTEST, interleaved, process, report

MONTHS = 25
SIZES = {"1M": 40_000, "10M": 400_000}  # accounts; rows = accounts * MONTHS
REPEAT = {"1M": 5, "10M": 3}


def generate(path: Path, accounts: int) -> None:
    rng = random.Random(7)
    with path.open("w") as out:
        out.write("account,period,revenue,segment\n")
        for account in range(accounts):
            revenue = rng.uniform(100, 5000)
            segment = rng.choice(("smb", "mid", "enterprise"))
            lines = []
            for month in range(MONTHS):
                year, m = divmod(month, 12)
                lines.append(
                    f"acct-{account:06d},{2024 + year}-{m + 1:02d},{revenue:.2f},{segment}\n"
                )
                revenue = max(0.0, revenue * rng.uniform(0.95, 1.06))
            out.write("".join(lines))


def peak_memory_mb(args: list[str]) -> float:
    """Peak resident memory of one run, measured in a process of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", probe, *args], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def main() -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size, accounts in SIZES.items():
            path = Path(folder) / f"revenue-{size}.csv"
            generate(path, accounts)
            ours = [QUICKTEST, "metrics", str(path), "--format", "json"]
            bare = [
                PYTHON,
                "-c",
                "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass",
                str(path),
            ]
            file_mb = path.stat().st_size / 2**20
            memory = peak_memory_mb(ours)
            seconds = interleaved(process(ours), process(bare), repeat=REPEAT[size])
            results.append(
                report(
                    f"quicktest metrics, {size}-row long file",
                    seconds[0],
                    "bare csv.reader pass",
                    seconds[1],
                    f"peak memory {memory:.0f} MiB = {memory / file_mb:.2f}x the "
                    f"{file_mb:.0f} MiB file",
                )
            )
            path.unlink()
    return results


if __name__ == "__main__":
    main()
