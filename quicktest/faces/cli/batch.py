"""`quicktest batch`: score every good row as it is read, write the reads, sum them up."""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import TextIO

from quicktest.domain.bank import Bank
from quicktest.domain.engine import score
from quicktest.domain.errors import InputError
from quicktest.faces.cli.exits import EXIT_INPUT, EXIT_OK
from quicktest.sources.files import check_output
from quicktest.sources.responses import read_rows


def _open_out(out_dir: Path, kept: list[str]) -> tuple[TextIO, Path]:
    """The folder made if need be, and a temporary reads file in it: renamed to reads.jsonl
    once every row is written, so a batch that stops half way leaves the old file whole."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is a file, expected a folder for the reads", str(out_dir), field="--out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot make the folder: {exc.strerror}", str(out_dir), field="--out"
        ) from None
    check_output(out_dir / "reads.jsonl", "--out", kept)
    fd, temporary = tempfile.mkstemp(dir=out_dir, prefix=".reads-", suffix=".part")
    return os.fdopen(fd, "w", encoding="utf-8"), Path(temporary)


def run_batch(
    bank: Bank, responses: Path, out_dir: Path | None, pdf: bool, fmt: str, kept: list[str]
) -> int:
    """Exit 0 when every row was scored, 2 when some were wrong (they are listed, and skipped).

    `kept` are files never to write over (the responses, the store)."""
    if pdf and out_dir is None:
        raise InputError("--pdf needs -o OUT_DIR to write the reports into", field="--pdf")
    if out_dir:
        sink, partial = _open_out(out_dir, [str(responses), *kept])
    else:
        sink, partial = sys.stdout, None
    summary_stream = sys.stdout if out_dir else sys.stderr
    dominant: Counter[str] = Counter()
    errors: list[str] = []
    render = None
    if pdf:
        from quicktest.faces.report.render import render
    progress = _progress()
    import orjson  # 6 us a line where json takes 78: the largest cost of a batch row

    def encode(record: dict) -> str:
        return orjson.dumps(record).decode()

    # Every row makes thousands of small objects that die with it, none in a cycle: the
    # collector need not keep scanning the bank and the modules for them.
    gc.freeze()
    try:
        for row in read_rows(responses, bank):
            progress(row.line)
            if row.answers is None:
                errors.append(f"line {row.line}: {row.error}")
                print(
                    f"quicktest: {responses}:{row.line}: skipped: {row.error.message}"
                    f"{' (' + row.error.field + ')' if row.error.field else ''}",
                    file=sys.stderr,
                )
                continue
            read = score(bank, row.answers)
            record = {"line": row.line, **read.as_json()}
            sink.write(encode(record) + "\n")
            dominant[read.dominant.pattern.id if read.dominant else "none"] += 1
            if render:
                render(bank, read, out_dir / f"line-{row.line}.pdf")
    except BaseException:
        if partial:
            sink.close()
            partial.unlink()
        raise
    finally:
        progress(None)
    if partial and out_dir:
        sink.close()
        partial.replace(out_dir / "reads.jsonl")
    scored = sum(dominant.values())
    summary = {
        "rows": scored + len(errors),
        "scored": scored,
        "skipped": len(errors),
        "dominant": {p.id: dominant[p.id] for p in bank.patterns} | {"none": dominant["none"]},
        "errors": errors,
    }
    if fmt == "json":
        print(json.dumps(summary, indent=2), file=summary_stream)
    else:
        _print_summary(bank, summary, summary_stream)
    return EXIT_INPUT if errors else EXIT_OK


def _print_summary(bank: Bank, summary: dict, stream) -> None:
    from quicktest.faces.text.style import Out

    names = {p.id: p.name for p in bank.patterns} | {"none": "No dominant pattern"}
    out = Out(stream)
    out.line(
        (
            f"{summary['scored']} of {summary['rows']} rows scored, {summary['skipped']} skipped",
            "italic",
        )
    )
    scored = summary["scored"]
    out.table(
        [
            (names[pattern_id], str(count), f"{count / scored if scored else 0:.0%}")
            for pattern_id, count in sorted(summary["dominant"].items(), key=lambda kv: -kv[1])
        ],
        header=("Dominant pattern", "Rows", "Share"),
        right=(1, 2),
    )


def _progress():
    """A progress callback: a bar on a terminal (rows read so far), nothing otherwise."""
    if not sys.stderr.isatty():
        return lambda line: None
    from rich.progress import Progress

    bar = Progress(transient=True, console=None)
    task = bar.add_task("scoring", total=None)
    bar.start()

    def update(line: int | None) -> None:
        if line is None:
            bar.stop()
        else:
            bar.update(task, completed=line)

    return update
