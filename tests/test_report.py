"""The PDF report: rendered for real with WeasyPrint and read back with pypdf and qpdf."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from quicktest.app.reading import full_read
from quicktest.domain.scoring import score
from quicktest.faces.report.render import Renderer, report_date
from quicktest.sources.answersfile import load_answers
from quicktest.sources.locations import templates_dir

from .conftest import EXAMPLES, ROOT, refusing_library, text_of

EXPECTED_PAGES = {  # cover, summary, the patterns called (or the watch page) with the
    # metrics and the appendix flowing after them, and the method and sources
    "borrowed_nrr": 6,
    "healthy": 6,
    "vibe_metrics_only": 5,
}


def test_every_example_reads_back_with_its_client_pattern_and_evidence(rendered, bank):
    for name, pdf in rendered.items():
        read = score(bank, load_answers(EXAMPLES / f"{name}.yaml", bank))
        text = text_of(pdf)
        assert read.given.client in text, name
        if read.dominant:
            assert f"{read.dominant.pattern.name}" in text
            for item in read.dominant.moved_by:
                assert " ".join(item.text.split()) in text, (name, item.text)
        else:
            assert "No dominant pattern" in text
        nrr = read.metrics.display("nrr")
        if read.metrics.value("nrr") is not None:
            assert nrr in text and read.metrics.display("grr") in text


@pytest.mark.parametrize(("name", "pages"), sorted(EXPECTED_PAGES.items()))
def test_page_count(rendered, name, pages):
    assert len(PdfReader(rendered[name]).pages) == pages


def test_footer_and_running_header(rendered):
    reader = PdfReader(rendered["borrowed_nrr"])
    second = " ".join(reader.pages[1].extract_text().split())
    assert "quicktest · Halden Logistics Cloud" in second
    assert re.search(r"Page 2 of \d", second)


def test_pdf_is_valid_tagged_pdf_ua_with_a_title(rendered):
    pdf = rendered["vibe_revenue"]
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Revenue pattern read: Northwind Data"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in xmp and re.search(r"pdfuaid:part[^0-9]*1", xmp)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_chart_has_a_text_alternative(rendered, tmp_path, bank):
    html = Renderer.shared(Path(templates_dir())).html(
        bank, full_read(bank, load_answers(EXAMPLES / "borrowed_nrr.yaml", bank))
    )
    assert '<title id="chart-title">NRR and gross margin over the last 4 quarters' in html
    assert "NRR: 106%, 108%, 110%, 112%. Gross margin: 78%, 76%, 73%, 70%." in html
    assert '<th scope="col">' in html


def test_same_input_renders_to_the_same_bytes_in_separate_processes(tmp_path):
    outputs = []
    for n in range(2):
        pdf = tmp_path / f"{n}.pdf"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "quicktest",
                "report",
                str(EXAMPLES / "vibe_revenue.yaml"),
                "-o",
                str(pdf),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        outputs.append(pdf.read_bytes())
    assert outputs[0] == outputs[1]


HOSTILE = '<img src="file:///etc/passwd"> & Co'


def test_hostile_client_name_is_text_and_nothing_is_fetched(cli, tmp_path, caplog):
    answers = tmp_path / "a.yaml"
    answers.write_text(
        f"client: '{HOSTILE}'\nrespondent: '<script>x</script>'\n"
        "answers: {renewal_case: activity}\n"
    )
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        result = cli("report", answers, "-o", pdf, "--html", html)
    assert result.code == 0, result.err
    assert HOSTILE in text_of(pdf)
    assert "root:" not in text_of(pdf)
    source = html.read_text()
    assert "<img" not in source.split("<body>")[1] and "&lt;img src=" in source
    assert "<script>" not in source
    assert not [r for r in caplog.records if "refused" in r.getMessage()]


def test_template_asking_for_outside_urls_gets_nothing(tmp_path, bank, caplog):
    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    page = folder / "partials" / "cover.html.j2"
    page.write_text(
        page.read_text() + '<img src="http://127.0.0.1:9/x.png">'
        '<img src="file:///etc/hostname"><img src="../../secret.png">'
        f'<img src="data:image/png;base64,{"A" * 70000}">'
    )
    (tmp_path / "secret.png").write_bytes(b"not for the report")
    renderer = Renderer(folder)
    read = full_read(bank, load_answers(EXAMPLES / "healthy.yaml", bank))
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = renderer.pdf(renderer.html(bank, read), report_date(read))
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any("http://127.0.0.1:9/x.png" in m for m in refused)
    assert any("file:///etc/hostname" in m for m in refused)
    assert any("secret.png" in m for m in refused)
    assert any("data: URL over" in m for m in refused)
    assert pdf.startswith(b"%PDF")


def test_bad_input_fails_before_weasyprint_loads(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("answers: {renewal_case: nope}\n")
    code = (
        "import sys; from quicktest.faces.cli.main import main\n"
        f"code = main(['report', {str(answers)!r}, '-o', {str(tmp_path / 'x.pdf')!r}])\n"
        "print(code, 'weasyprint' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.split() == ["2", "False"]
    assert "unknown option 'nope'" in proc.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_chart_stays_small_whatever_the_series():
    """A revenue history that grows by orders of magnitude keeps a few gridlines and
    short labels: the chart's size never grows with its values."""
    from quicktest.faces.report.chart import pair_chart

    for nrr in ((1.0, 50.0, 3_000.0, 1e6), (1.0, 1e300), (0.0, 0.0, 1e-9)):
        chart = pair_chart(nrr, (0.7,) * len(nrr))
        assert chart is not None
        assert len(chart.gridlines) <= 21
        assert all(len(label) <= 12 for _, label in chart.gridlines)
        assert all(len(label) <= 12 for s in chart.series for _, _, label in s.dots)


@pytest.mark.parametrize("name", ["Ü" * 200, "Dana Lee " * 22])
def test_a_200_character_name_keeps_the_layout(cli, tmp_path, name):
    """The longest name allowed, with or without spaces, stays on the cover page and is cut
    short in the running header rather than running over the section name."""
    short, long = tmp_path / "short.yaml", tmp_path / "long.yaml"
    answers = "answers: {renewal_case: activity}\n"
    short.write_text(f"client: Acme\n{answers}")
    long.write_text(f"client: {name.strip()}\n{answers}")
    for path in (short, long):
        assert cli("report", path, "-o", path.with_suffix(".pdf")).code == 0
    from pypdf import PdfReader

    pages = [len(PdfReader(p.with_suffix(".pdf")).pages) for p in (short, long)]
    assert pages[0] == pages[1]
    summary = PdfReader(long.with_suffix(".pdf")).pages[1].extract_text()
    assert "…" in summary and name.strip() not in summary


def test_emoji_in_a_name_are_drawn_with_an_emoji_font(cli, tmp_path):
    answers = tmp_path / "emoji.yaml"
    answers.write_text('client: "Acme 🚀 Rocket"\nanswers: {renewal_case: activity}\n')
    pdf = tmp_path / "emoji.pdf"
    assert cli("report", answers, "-o", pdf).code == 0
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert "Noto-Color-Emoji" in fonts  # not a blank box from a font without the glyph
    assert "Acme 🚀 Rocket" in text_of(pdf)


CLOCK_AHEAD = """
import time
_time, _gmtime, _localtime = time.time, time.gmtime, time.localtime
time.time = lambda: _time() + {seconds}
time.gmtime = lambda t=None: _gmtime(time.time() if t is None else t)
time.localtime = lambda t=None: _localtime(time.time() if t is None else t)
"""


@pytest.mark.parametrize("subsetter", ["harfbuzz", "fonttools"])
def test_the_same_input_gives_the_same_bytes_with_either_font_subsetter(tmp_path, subsetter):
    """WeasyPrint subsets fonts with HarfBuzz when Debian's libharfbuzz-subset is there and
    with fontTools otherwise (stamping each font with the time of the render): either way,
    two runs whose clocks are a day and a second apart give the same bytes."""
    import os
    import sys

    env = {**os.environ}
    env.pop("SOURCE_DATE_EPOCH", None)
    outputs = []
    example = EXAMPLES / "borrowed_nrr.yaml"
    for n, seconds in enumerate((0, 86_401)):
        site = tmp_path / f"site{n}"
        site.mkdir()
        refusing = refusing_library("harfbuzz-subset") if subsetter == "fonttools" else ""
        (site / "sitecustomize.py").write_text(refusing + CLOCK_AHEAD.format(seconds=seconds))
        out = tmp_path / f"{n}.pdf"
        subprocess.run(
            [sys.executable, "-m", "quicktest", "report", example, "-o", out],
            check=True,
            capture_output=True,
            env={**env, "PYTHONPATH": str(site)},
            cwd=ROOT,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_compiled_templates_are_kept_in_the_cache_and_an_unwritable_one_is_no_cache(
    cli, tmp_path, monkeypatch
):
    monkeypatch.setenv("QUICKTEST_CACHE", str(tmp_path / "cache"))
    assert cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "a.pdf").code == 0
    assert list((tmp_path / "cache" / "templates").glob("*.cache"))
    monkeypatch.setenv("QUICKTEST_CACHE", "/proc/no-cache-here")
    from quicktest.faces.report.render import Renderer

    Renderer.shared.cache_clear()  # a new process's renderer, with the unwritable folder
    assert cli("report", EXAMPLES / "healthy.yaml", "-o", tmp_path / "b.pdf").code == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_the_installed_command_ends_a_report_at_once_with_its_output_whole(tmp_path):
    """`quicktest report` skips the interpreter's teardown (main.entry): what it printed and
    wrote is all there, and a fault still exits 2."""
    command = Path(sys.executable).with_name("quicktest")
    pdf = tmp_path / "r.pdf"
    done = subprocess.run(
        [command, "report", EXAMPLES / "healthy.yaml", "-o", pdf], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout == f"{pdf}\n", done.stderr
    assert len(PdfReader(pdf).pages) == EXPECTED_PAGES["healthy"]
    refused = subprocess.run(
        [command, "report", tmp_path / "none.yaml", "-o", pdf], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "no such file" in refused.stderr
