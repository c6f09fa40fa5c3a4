"""Shared timing helpers for the benchmarks: median wall time of repeated runs."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))  # run from a checkout: import this quicktest


def median_seconds(run: Callable[[], object], repeat: int = 7) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


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
