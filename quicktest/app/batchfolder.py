"""The folder a batch writes into: its reads file and one PDF per respondent, named after the
client and respondent, and nothing else.

A folder that holds files a batch did not write is refused, so that no earlier client's PDF
can sit beside the new ones and be sent to the wrong client. A batch's own earlier files
(listed in the folder's manifest) are replaced: the new PDFs are made in a staging folder
and moved in only once every row is done, and the earlier run's PDFs that the new run did
not write again are removed then. A batch that stops part-way changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from quicktest.app.report import slug
from quicktest.domain.errors import InputError

READS = "reads.jsonl"
MANIFEST = ".quicktest-batch.json"  # the PDFs the last batch wrote here
OURS = ".quicktest-"  # the manifest, staging folders and temporary files of a batch


def pdf_name(client: str | None, respondent: str | None, line: int) -> str:
    """acme-analytics-dana-lee-cfo-line-7.pdf: the row's line keeps two rows apart."""
    words = [w for w in (client, respondent) if w]
    return f"{slug(' '.join(words)) or 'respondent'}-line-{line}.pdf"


class BatchFolder:
    def __init__(self, folder: Path, kept: list[str]) -> None:
        """The folder made if need be; refused if it is a file, cannot hold the reads file,
        or holds files a batch did not write."""
        from quicktest.sources.files import check_output

        if folder.exists() and not folder.is_dir():
            raise InputError(
                "is a file, expected a folder for the reads", str(folder), field="--out"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot make the folder: {exc.strerror}", str(folder), field="--out"
            ) from None
        check_output(folder / READS, "--out", kept)
        self.folder = folder
        self.earlier = self._manifest()
        others = sorted(
            name
            for name in os.listdir(folder)
            if name != READS and not name.startswith(OURS) and name not in self.earlier
        )
        if others:
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            raise InputError(
                f"holds files a batch did not write ({', '.join(others[:5])}{more}); a batch "
                "replaces only its own earlier files: choose an empty or new folder",
                str(folder),
                field="--out",
            )

    def _manifest(self) -> set[str]:
        """The PDFs the folder's last batch wrote, as its manifest lists them."""
        try:
            listed = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        names = listed.get("pdfs", []) if isinstance(listed, dict) else []
        return {n for n in names if isinstance(n, str) and n == os.path.basename(n) and n}

    @contextmanager
    def reads(self) -> Iterator[IO[Any]]:
        """The reads file, written as the rows are scored; it appears whole or not at all."""
        from quicktest.sources.files import whole_file

        with whole_file(self.folder / READS, "w") as handle:
            yield handle

    @contextmanager
    def staging(self) -> Iterator[Path]:
        """A folder of its own for this run's PDFs, removed if the run does not finish."""
        import tempfile

        staged = Path(tempfile.mkdtemp(prefix=f"{OURS}staging-", dir=self.folder))
        try:
            yield staged
        finally:
            shutil.rmtree(staged, ignore_errors=True)

    def finish(self, staged: Path | None) -> list[str]:
        """Move this run's PDFs into place, remove the earlier run's others, and list this
        run's in the manifest; the names of the PDFs now in the folder."""
        from quicktest.sources.files import write_whole

        names = sorted(os.listdir(staged)) if staged else []
        for name in names:
            os.replace(Path(staged or "") / name, self.folder / name)
        for name in self.earlier - set(names):
            (self.folder / name).unlink(missing_ok=True)
        write_whole(self.folder / MANIFEST, json.dumps({"pdfs": names}, indent=1) + "\n")
        return names
