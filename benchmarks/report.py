"""Report rendering: a whole `quicktest report` process against a bare WeasyPrint render of
the same HTML, and twenty reports in one process against twenty separate processes."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from timing import PYTHON, QUICKTEST, ROOT, interleaved, prepare, process, report

EXAMPLE = ROOT / "examples" / "borrowed_nrr.yaml"
TEMPLATES = ROOT / "reports" / "templates"
BARE = """
import sys
from weasyprint import CSS, HTML
html, css, base, out = sys.argv[1:]
HTML(string=open(html).read(), base_url=base).write_pdf(
    out, stylesheets=[CSS(filename=css)], pdf_variant="pdf/ua-1")
"""


def main() -> list[dict]:
    prepare()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        ours = [
            QUICKTEST,
            "report",
            str(EXAMPLE),
            "-o",
            str(out / "a.pdf"),
            "--html",
            str(out / "a.html"),
        ]
        process(ours)()
        bare = [
            PYTHON,
            "-c",
            BARE,
            str(out / "a.html"),
            str(TEMPLATES / "read.css"),
            TEMPLATES.as_uri() + "/",
            str(out / "b.pdf"),
        ]
        whole, baseline = interleaved(process(ours), process(bare), repeat=7)
        results = [
            report(
                "quicktest report (whole process)",
                whole,
                "bare WeasyPrint render of the same HTML",
                baseline,
            )
        ]

        examples = sorted((ROOT / "examples").glob("*.yaml"))
        batch = [examples[i % len(examples)] for i in range(20)]
        start = time.perf_counter()
        for n, example in enumerate(batch):
            process([QUICKTEST, "report", str(example), "-o", str(out / f"p{n}.pdf")])()
        separate = (time.perf_counter() - start) / len(batch)

        from quicktest.app.reading import full_read
        from quicktest.app.report import write_report
        from quicktest.faces.report.render import render
        from quicktest.sources.answersfile import load_answers
        from quicktest.sources.bank import load_bank
        from quicktest.sources.locations import questions_dir

        start = time.perf_counter()
        bank = load_bank(questions_dir())
        for n, example in enumerate(batch):
            read = full_read(bank, load_answers(example, bank))
            write_report(bank, read, render, str(out / f"i{n}.pdf"))
        in_process = (time.perf_counter() - start) / len(batch)
        results.append(
            report(
                "per report, 20 reports in one process",
                in_process,
                "per report, 20 separate processes",
                separate,
            )
        )
        return results


if __name__ == "__main__":
    main()
