"""The portfolio: a whole `quicktest portfolio` process (text and JSON) on a generated store
of 50 clients and 200 sessions (tests/generated.py), against `quicktest sessions list` on
the same store (the same process reading the same sessions, with no read made); and the
PDF, against a one-client `quicktest report`. The aim: the figures under one second."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from timing import QUICKTEST, ROOT, median_seconds, prepare, process, report


def main() -> list[dict]:
    from quicktest.sources.bank import load_bank
    from quicktest.sources.locations import questions_dir
    from tests.generated import make_store, records

    prepare()
    bank = load_bank(questions_dir())
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sessions.db"
        make_store(db, bank, records(bank)).close()
        env = {**os.environ, "QUICKTEST_DB": str(db)}
        listed = median_seconds(process([QUICKTEST, "sessions", "list"], env=env))
        results = []
        for form in ("text", "json", "csv"):
            took = median_seconds(process([QUICKTEST, "portfolio", "--format", form], env=env))
            note = "under 1 s" if took < 1 else "OVER 1 s"
            results.append(
                report(
                    f"quicktest portfolio --format {form}, 50 clients, 200 sessions",
                    took,
                    "quicktest sessions list, same store",
                    listed,
                    note,
                )
            )
        pdf = Path(folder) / "portfolio.pdf"
        one = Path(folder) / "one.pdf"
        portfolio_pdf = [QUICKTEST, "portfolio", "-o", str(pdf)]
        # the file's name goes to stderr (stdout holds the table): kept off the results
        whole = median_seconds(process(portfolio_pdf, env=env, stderr=subprocess.DEVNULL), 3)
        single = median_seconds(
            process(
                [QUICKTEST, "report", str(ROOT / "examples" / "healthy.yaml"), "-o", str(one)],
                env=env,
            ),
            3,
        )
        results.append(
            report(
                "quicktest portfolio -o PDF, 50 clients",
                whole,
                "quicktest report of one answers file",
                single,
                "the PDF's four pages, WeasyPrint included",
            )
        )
    return results


if __name__ == "__main__":
    main()
