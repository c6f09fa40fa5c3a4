"""Shared timing helpers for the benchmarks: median wall time of repeated runs."""

from __future__ import annotations

import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUICKTEST = str(Path(PYTHON).with_name("quicktest"))  # the installed command, as users run it
sys.path.insert(0, str(ROOT))  # run from a checkout: import this quicktest


def prepare() -> None:
    """Measure what a user runs: bytecode compiled (an installed wheel has it; an editable
    install under PYTHONDONTWRITEBYTECODE would not) and the bank cache warm (the first run
    after install validates the bank once)."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "quicktest")], check=True)
    subprocess.run([QUICKTEST, "validate"], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    subprocess.run(
        [QUICKTEST, "score", str(ROOT / "examples" / "healthy.yaml")],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )


def median_seconds(run: Callable[[], object], repeat: int = 7) -> float:
    run()  # one warm-up run, not counted: the first pays for the disk cache
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def interleaved(*runs: Callable[[], object], repeat: int = 11) -> list[float]:
    """The median seconds of each run, measured in turns (ours, the baseline, ours, ...), so
    a busy moment of the machine falls on both alike rather than on one of them."""
    for run in runs:
        run()  # warm-up, not counted
    samples: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for run, taken in zip(runs, samples, strict=True):
            start = time.perf_counter()
            run()
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) for taken in samples]


def process(args: Sequence[str], **kwargs) -> Callable[[], object]:
    """A callable that runs a whole process (cold start), failing loudly if it fails."""

    def run() -> None:
        subprocess.run(list(args), check=True, stdout=subprocess.DEVNULL, cwd=ROOT, **kwargs)

    return run


def report(name: str, ours: float, baseline_name: str, baseline: float, note: str = "") -> dict:
    """Print one measurement against its baseline and return it for the summary table."""
    ratio = ours / baseline
    print(
        f"{name}: {ours * 1000:.1f} ms; {baseline_name}: {baseline * 1000:.1f} ms; "
        f"ratio {ratio:.2f}x" + (f" ({note})" if note else "")
    )
    return {
        "name": name,
        "ours_s": ours,
        "baseline": baseline_name,
        "baseline_s": baseline,
        "ratio": ratio,
        "note": note,
    }


def stop_on_signals() -> None:
    """End by SystemExit on SIGTERM or SIGHUP (a `timeout`, a closed terminal), so that each
    run's `finally` stops the servers it started rather than leaving them behind."""

    def end(number: int, _frame: object) -> None:
        raise SystemExit(128 + number)

    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, end)
