"""Revenue metrics on long files of 1M and 10M rows, against two baselines measured in the
same run over the same file: a bare DuckDB read_csv + GROUP BY account (the least any
engine built on DuckDB does) and a bare csv.reader pass; the engine's peak memory against
the file's size. Then a subscriptions export of 100,000 rows whose open subscriptions end on
9999-12-31, as warehouses write "no end", against the same export with those ends blank.

A third baseline says where the time goes: DuckDB alone summing each account's revenue per
month over the 25 months a read covers (the pivot every monthly NRR needs), which costs
about twice the bare GROUP BY on this machine before any check of ours.

Aims (issues 13 and 21): 1M and 10M rows within 1.3x the DuckDB baseline, peak memory at
most 1.5x the file; the 9999-12-31 export under 2 s and 300 MiB, with the figures of the
blank one. Runs alternate with their baseline (`interleaved`), since the machine's speed
drifts from minute to minute.
"""

from __future__ import annotations

import datetime
import json
import random
import subprocess
import tempfile
from pathlib import Path

from timing import PYTHON, QUICKTEST, interleaved, prepare, process, report

MONTHS = 25
SIZES = {"1M": 40_000, "10M": 400_000}  # accounts; rows = accounts * MONTHS
REPEAT = {"1M": 5, "10M": 3}
SUBSCRIPTIONS = 100_000
FIGURES = ("nrr", "grr", "logo_retention", "start", "churn", "contraction", "expansion")
GROUP_BY = (  # without the progress bar, which the default connection draws on a terminal
    "import duckdb, sys\n"
    "duckdb.execute('SET enable_progress_bar = false')\n"
    'duckdb.sql("CREATE TEMP TABLE t AS SELECT account, sum(revenue) AS revenue FROM read_csv("\n'
    "    + repr(sys.argv[1]) + \", header = true, columns = {'account': 'VARCHAR', \"\n"
    "    \"'period': 'VARCHAR', 'revenue': 'DOUBLE', 'segment': 'VARCHAR'}) GROUP BY account\")"
)
# What any engine that reads monthly NRR must do at least: each account's revenue in each of
# the 25 months the read covers (a pivot), here with DuckDB alone, the months as written.
PIVOT = (
    "import duckdb, sys\n"
    "duckdb.execute('SET enable_progress_bar = false')\n"
    'months = ", ".join(\n'
    "    f\"sum(revenue) FILTER (WHERE period = '{2024 + k // 12}-{k % 12 + 1:02d}') AS m{k}\"\n"
    f"    for k in range({MONTHS})\n"
    ")\n"
    'duckdb.sql(f"CREATE TEMP TABLE t AS SELECT account, {months} FROM read_csv("\n'
    "    + repr(sys.argv[1]) + \", header = true, columns = {'account': 'VARCHAR', \"\n"
    "    \"'period': 'VARCHAR', 'revenue': 'DOUBLE', 'segment': 'VARCHAR'}) GROUP BY account\")"
)
CSV_READER = "import csv, sys\nfor row in csv.reader(open(sys.argv[1], newline='')): pass"


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


def generate_subscriptions(path: Path, open_end: str) -> None:
    """Subscriptions of 25,000 customers since 2023: ended, scheduled to end, or open (their
    end written as `open_end`). The same seed writes the same export whatever `open_end`."""
    rng = random.Random(11)
    first = datetime.date(2023, 1, 1)
    with path.open("w") as out:
        out.write("customer,start_date,end_date,mrr\n")
        for row in range(SUBSCRIPTIONS):
            start = first + datetime.timedelta(days=rng.randrange(1400))
            if rng.random() < 0.5:
                end = open_end
            else:
                end = (start + datetime.timedelta(days=rng.randrange(30, 900))).isoformat()
            out.write(f"cust-{row % 25_000:05d},{start},{end},{rng.uniform(20, 900):.2f}\n")


def peak_memory_mb(args: list[str]) -> float:
    """Peak resident memory of one run, measured in a process of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([PYTHON, "-c", probe, *args], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def long_files(folder: Path) -> list[dict]:
    results = []
    for size, accounts in SIZES.items():
        path = folder / f"revenue-{size}.csv"
        generate(path, accounts)
        ours = [QUICKTEST, "metrics", str(path), "--format", "json"]
        file_mb = path.stat().st_size / 2**20
        memory = peak_memory_mb(ours)
        seconds = interleaved(
            process(ours),
            process([PYTHON, "-c", GROUP_BY, str(path)]),
            process([PYTHON, "-c", CSV_READER, str(path)]),
            process([PYTHON, "-c", PIVOT, str(path)]),
            repeat=REPEAT[size],
        )
        note = f"peak memory {memory:.0f} MiB = {memory / file_mb:.2f}x the {file_mb:.0f} MiB file"
        name = f"quicktest metrics, {size}-row long file"
        results.append(report(name, seconds[0], "DuckDB read_csv + GROUP BY", seconds[1], note))
        results.append(report(name, seconds[0], "bare csv.reader pass", seconds[2]))
        results.append(report(name, seconds[0], "DuckDB alone, 25 monthly sums", seconds[3]))
        path.unlink()
    return results


def figures(path: Path) -> dict:
    out = subprocess.run(
        [QUICKTEST, "metrics", str(path), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    read = json.loads(out.stdout)
    return {k: read[k] for k in (*FIGURES, "accounts", "window", "nrr_history", "as_of")}


def open_ended(folder: Path) -> dict:
    sentinel, blank = folder / "subscriptions-9999.csv", folder / "subscriptions-blank.csv"
    generate_subscriptions(sentinel, "9999-12-31")
    generate_subscriptions(blank, "")
    same = figures(sentinel) == figures(blank)
    memory = peak_memory_mb([QUICKTEST, "metrics", str(sentinel), "--format", "json"])
    ours = [QUICKTEST, "metrics", str(sentinel), "--format", "json"]
    seconds = interleaved(
        process(ours), process([QUICKTEST, "metrics", str(blank), "--format", "json"]), repeat=5
    )
    aims = seconds[0] < 2 and memory < 300
    return report(
        f"quicktest metrics, {SUBSCRIPTIONS:,} subscriptions ending 9999-12-31",
        seconds[0],
        "the same with blank ends",
        seconds[1],
        f"peak memory {memory:.0f} MiB; figures {'the same' if same else 'DIFFER'}; "
        f"aims (under 2 s, 300 MiB) {'met' if aims else 'MISSED'}",
    )


def main() -> list[dict]:
    prepare()  # bytecode compiled, as an installed wheel has it
    with tempfile.TemporaryDirectory() as folder:
        return [*long_files(Path(folder)), open_ended(Path(folder))]


if __name__ == "__main__":
    main()
