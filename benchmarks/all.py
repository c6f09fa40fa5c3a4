"""Every benchmark in one run: one table of our figure, the baseline measured in the same run
and their ratio, also written as JSON (benchmarks/out/results.json) for tracking."""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import platform
from pathlib import Path

from timing import ROOT, stop_on_signals

BENCHMARKS = ("startup", "engine", "tui_startup", "report", "revenue", "batch", "web", "portfolio")

OUT = ROOT / "benchmarks" / "out" / "results.json"


def seconds(value: float) -> str:
    if value < 0.001:
        return f"{value * 1e6:,.1f} us"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def table(results: list[dict]) -> str:
    head = ("benchmark", "measured", "ours", "baseline", "base", "ratio", "note")
    rows = [
        (
            r["benchmark"],
            r["name"],
            seconds(r["ours_s"]),
            r["baseline"],
            seconds(r["baseline_s"]),
            f"{r['ratio']:.2f}x",
            r["note"],
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in (head, *rows)) for i in range(len(head))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in (head, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"only these ({', '.join(BENCHMARKS)}); default all",
    )
    parser.add_argument("--json", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    stop_on_signals()
    results = []
    for name in args.names or BENCHMARKS:
        print(f"== {name}", flush=True)
        for result in importlib.import_module(name).main():
            results.append({"benchmark": name, **result})
    print()
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
