"""`quicktest batch`: score every good row as it is read, write the reads, sum them up."""

from __future__ import annotations

import gc
import json
import os
import sys
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from quicktest.domain.bank import Bank
from quicktest.domain.errors import InputError
from quicktest.domain.scoring import score
from quicktest.faces.cli.exits import EXIT_INPUT, EXIT_OK
from quicktest.sources.files import check_output
from quicktest.sources.responses import ResponsesFile

if TYPE_CHECKING:
    from quicktest.sources.brandfile import Brand


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


# A pool's workers are forked from this process after the bank is loaded: this is what they
# read it from, since the bank's compiled rules cannot be pickled and sent to them.
_FORKED: tuple[ResponsesFile, Path | None, bool, Brand | None] | None = None

BLOCK = 500  # rows a worker scores at a time: large enough that passing them costs little
PARALLEL_FROM = 256 * 1024  # bytes of responses (about 2,000 rows) before workers pay off


class Scored(NamedTuple):
    line: int
    text: str  # the read as one JSON line; "" when the row is wrong
    dominant: str = ""
    error: str = ""  # what is wrong, in full, for the summary
    reason: str = ""  # what is wrong, for the line on stderr


def _score_block(block: list[tuple[int, list[str]]]) -> list[Scored]:
    """Read and score rows (in a worker or here): each row's JSON line and its dominant
    pattern, or why it is wrong; and its PDF when asked."""
    import orjson  # 6 us a line where json takes 78: the largest cost of a batch row

    assert _FORKED is not None
    responses, out_dir, pdf, brand = _FORKED
    bank = responses.bank
    render = None
    if pdf:
        from quicktest.faces.report.render import render
    scored: list[Scored] = []
    for line, cells in block:
        row = responses.row(line, cells)
        if row.answers is None:
            assert row.error is not None
            field = f" ({row.error.field})" if row.error.field else ""
            scored.append(Scored(line, "", "", str(row.error), row.error.message + field))
            continue
        read = score(bank, row.answers)
        record = {"line": line, **read.as_json()}
        top = read.dominant.pattern.id if read.dominant else "none"
        scored.append(Scored(line, orjson.dumps(record).decode(), top))
        if render and out_dir:
            render(bank, read, out_dir / f"line-{line}.pdf", brand=brand)
    return scored


def _workers(responses: Path, jobs: int | None) -> int:
    """How many processes score: --jobs, else for a file large enough one per core and one
    more (this process mostly waits on them: on two cores, three workers score 10,000 rows
    in 1.6 s where two take 1.9 s and one 2.4 s)."""
    if jobs is not None:
        if jobs < 1:
            raise InputError(f"expected 1 or more, got {jobs}", field="--jobs")
        return jobs
    try:
        large = responses.stat().st_size >= PARALLEL_FROM
    except OSError:
        large = False
    return (os.cpu_count() or 1) + 1 if large else 1


def run_batch(
    bank: Bank,
    responses: Path,
    out_dir: Path | None,
    pdf: bool,
    fmt: str,
    kept: list[str],
    jobs: int | None = None,
    brand: Brand | None = None,
) -> int:
    """Exit 0 when every row was scored, 2 when some were wrong (they are listed, and skipped).

    `kept` are files never to write over (the responses, the store). Rows are read here, in
    order, in blocks; each block is checked and scored by one of `jobs` processes and written
    back in the order it was read, so the output is the same whatever their number."""
    global _FORKED
    if pdf and out_dir is None:
        raise InputError("--pdf needs -o OUT_DIR to write the reports into", field="--pdf")
    workers = _workers(responses, jobs)
    rows = ResponsesFile(responses, bank)  # a bad header is refused before any output is made
    sink, partial = _open_out(out_dir, [str(responses), *kept]) if out_dir else (sys.stdout, None)
    summary_stream = sys.stdout if out_dir else sys.stderr
    dominant: Counter[str] = Counter()
    errors: list[str] = []

    def write(lines: list[Scored]) -> None:
        for item in lines:
            if item.text:
                sink.write(item.text + "\n")
                dominant[item.dominant] += 1
            else:  # a wrong row, reported with its line and skipped
                errors.append(f"line {item.line}: {item.error}")
                print(
                    f"quicktest: {responses}:{item.line}: skipped: {item.reason}", file=sys.stderr
                )

    _FORKED = (rows, out_dir, pdf, brand)
    # Every row makes thousands of small objects that die with it, none in a cycle: the
    # collector need not keep scanning the bank and the modules for them.
    gc.freeze()
    pool = _pool(workers)
    progress = _progress()  # after the fork: the workers need no progress bar of their own
    pending: deque = deque()
    try:
        for block in _blocks(rows.lines(), progress):
            if pool is None:
                write(_score_block(block))
                continue
            pending.append(pool.apply_async(_score_block, (block,)))
            while pending and (len(pending) > 2 * workers or pending[0].ready()):
                write(pending.popleft().get())
        while pending:
            write(pending.popleft().get())
    except BaseException:
        if partial:
            sink.close()
            partial.unlink()
        raise
    finally:
        progress(None)
        if pool is not None:
            pool.terminate()
        _FORKED = None
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


def _pool(workers: int):  # type: ignore[no-untyped-def]
    """Worker processes forked from this one, or None to score here (one worker, or a system
    that cannot fork)."""
    import multiprocessing

    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork").Pool(workers)


def _blocks(
    lines: Iterable[tuple[int, list[str]]], progress: Callable[[int | None], None]
) -> Iterator[list[tuple[int, list[str]]]]:
    """Rows in blocks, in order, as read."""
    block: list[tuple[int, list[str]]] = []
    for line, cells in lines:
        block.append((line, cells))
        if len(block) >= BLOCK:
            progress(line)
            yield block
            block = []
    if block:
        yield block


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
