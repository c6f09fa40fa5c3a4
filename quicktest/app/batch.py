"""Batch: a form tool's responses CSV, one row per respondent, each scored into its read as it
is read, wrong rows reported and skipped.

Rows are read here, in order, in blocks; each block is checked and scored by one of `jobs`
forked processes and written back in the order it was read, so the output is the same
whatever their number.
"""

from __future__ import annotations

import gc
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from quicktest.app.batchfolder import BatchFolder, pdf_name
from quicktest.app.reading import full_read
from quicktest.app.report import Renderer, write_report
from quicktest.app.workspace import Workspace
from quicktest.domain.brand import Brand
from quicktest.domain.errors import InputError

if TYPE_CHECKING:
    from quicktest.sources.responses import ResponsesFile

BLOCK = 500  # rows a worker scores at a time: large enough that passing them costs little
PARALLEL_FROM = 256 * 1024  # bytes of responses (about 2,000 rows) before workers pay off


class Scored(NamedTuple):
    line: int
    text: str  # the read as one JSON line; "" when the row is wrong
    dominant: str = ""
    error: str = ""  # what is wrong, in full, for the summary
    reason: str = ""  # what is wrong, for the line on stderr


class Summary(NamedTuple):
    rows: int
    scored: int
    dominant: dict[str, int]  # pattern id (or "tie", or "none") -> rows
    errors: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "scored": self.scored,
            "skipped": len(self.errors),
            "dominant": self.dominant,
            "errors": self.errors,
        }


class Job(NamedTuple):
    """What the workers need, forked with them: the bank's compiled rules cannot be pickled."""

    rows: ResponsesFile
    out_dir: Path | None  # where the PDFs go: the batch folder's staging folder
    pdf: Renderer | None
    brand: Brand | None


_FORKED: Job | None = None


def run(
    workspace: Workspace,
    responses: Path,
    out_dir: Path | None,
    sink: TextIO,
    skipped: Callable[[int, str], None],
    progress: Callable[[], Callable[[int | None], None]],
    pdf: Renderer | None = None,
    jobs: int | None = None,
    brand: Brand | None = None,
) -> Summary:
    """Score every good row: its read goes to `out_dir/reads.jsonl` (whole or not at all) or
    to `sink`; each wrong row is handed to `skipped(line, reason)`; with `pdf` (the report
    face) each good row's report is written into `out_dir`. `progress()` starts a progress
    display and gives its callback (the line read so far; None when done)."""
    from quicktest.sources.responses import ResponsesFile

    if pdf and out_dir is None:
        raise InputError("--pdf needs -o OUT_DIR to write the reports into", field="--pdf")
    bank = workspace.bank
    rows = ResponsesFile(responses, bank)  # a bad header is refused before any output is made
    folder = BatchFolder(out_dir, workspace.kept_files(str(responses))) if out_dir else None
    dominant: Counter[str] = Counter()
    errors: list[str] = []
    with ExitStack() as stack:
        out = stack.enter_context(folder.reads()) if folder else sink
        staged = stack.enter_context(folder.staging()) if folder and pdf else None

        def write(lines: list[Scored]) -> None:
            for item in lines:
                if item.text:
                    out.write(item.text + "\n")
                    dominant[item.dominant] += 1
                else:  # a wrong row, reported with its line and skipped
                    errors.append(f"line {item.line}: {item.error}")
                    skipped(item.line, item.reason)

        _score_all(rows, write, progress, _workers(responses, jobs), Job(rows, staged, pdf, brand))
        if folder:
            folder.finish(staged)
    scored = sum(dominant.values())
    counts = {p.id: dominant[p.id] for p in bank.patterns} | {"none": dominant["none"]}
    return Summary(scored + len(errors), scored, counts, errors)


def _score_all(
    rows: ResponsesFile,
    write: Callable[[list[Scored]], None],
    progress: Callable[[], Callable[[int | None], None]],
    workers: int,
    job: Job,
) -> None:
    """Read the rows in blocks, score each block here or in a worker, and hand the blocks'
    results to `write` in the order the rows were read."""
    global _FORKED
    _FORKED = job
    # Every row makes thousands of small objects that die with it, none in a cycle: the
    # collector need not keep scanning the bank and the modules for them.
    gc.freeze()
    pool = _pool(workers)
    tick = progress()  # after the fork: the workers need no progress display of their own
    pending: deque[Any] = deque()
    try:
        for block in _blocks(rows.lines(), tick):
            if pool is None:
                write(_score_block(block))
                continue
            pending.append(pool.apply_async(_score_block, (block,)))
            while pending and (len(pending) > 2 * workers or pending[0].ready()):
                write(pending.popleft().get())
        while pending:
            write(pending.popleft().get())
    finally:
        tick(None)
        if pool is not None:
            pool.terminate()
        _FORKED = None


def _score_block(block: list[tuple[int, list[str]]]) -> list[Scored]:
    """Read and score rows (in a worker or here): each row's JSON line and its dominant
    pattern, or why it is wrong; and its PDF when asked."""
    import orjson  # 6 us a line where json takes 78: the largest cost of a batch row

    assert _FORKED is not None
    rows, out_dir, pdf, brand = _FORKED
    bank = rows.bank
    scored: list[Scored] = []
    for line, cells in block:
        row = rows.row(line, cells)
        if row.answers is None:
            assert row.error is not None
            field = f" ({row.error.field})" if row.error.field else ""
            scored.append(Scored(line, "", "", str(row.error), row.error.message + field))
            continue
        read = full_read(bank, row.answers, with_way_out=pdf is not None, with_hinges=False)
        record = {"line": line, **read.as_json(with_changes=False)}
        called = read.read.dominant
        top = called.pattern.id if called else "tie" if read.read.tied else "none"
        scored.append(Scored(line, orjson.dumps(record).decode(), top))
        if pdf and out_dir:
            given = read.read.given
            name = pdf_name(given.client, given.respondent, line)
            write_report(bank, read, pdf, str(out_dir / name), brand=brand)
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


def _pool(workers: int) -> Any:
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
