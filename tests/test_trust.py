"""Trust under real-world input: nothing written over, numbers read as meant or refused,
names kept as typed, every bad input one clear exit 2 (the real CLI and a real store)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from quicktest.domain.errors import InputError
from quicktest.domain.metrics import INPUTS
from quicktest.domain.units import parse_text, parse_value, understood
from quicktest.sources.files import whole_file, write_whole
from quicktest.sources.store import Store

from .conftest import DATA, EXAMPLES, ROOT, app_for, text_of

HEALTHY = EXAMPLES / "healthy.yaml"


def _strict(text: str):
    """JSON as a strict (RFC 8259) parser reads it: NaN and Infinity are refused."""

    def refuse(name: str):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


# --- nothing is ever lost -------------------------------------------------------------------


def test_report_never_writes_over_its_answers_file(cli, tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(HEALTHY.read_bytes())
    result = cli("report", answers, "-o", answers)
    assert result.code == 2
    assert "never written over" in result.err and result.err.count("\n") == 1
    assert answers.read_bytes() == HEALTHY.read_bytes()


def test_export_never_writes_over_the_store(cli, tmp_path):
    store = tmp_path / "sessions.db"
    session_id = cli("sessions", "import", HEALTHY, "--db", store).out.strip()
    before = store.read_bytes()
    result = cli("sessions", "export", session_id, "--db", store, "-o", store)
    assert result.code == 2 and "never written over" in result.err
    assert store.read_bytes() == before
    assert [s.id for s in Store(store).list()] == [session_id]


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("", "empty path"),
        ("{tmp}", "is a folder"),
        ("{tmp}/missing/read.pdf", "does not exist"),
    ],
)
def test_bad_output_paths_are_one_message(cli, tmp_path, output, says):
    result = cli("report", HEALTHY, "-o", output.format(tmp=tmp_path))
    assert result.code == 2 and says in result.err
    assert result.out == "" and result.err.count("\n") == 1


def test_html_and_pdf_may_not_be_the_same_file(cli, tmp_path):
    result = cli("report", HEALTHY, "-o", tmp_path / "a.pdf", "--html", tmp_path / "a.pdf")
    assert result.code == 2 and "--html" in result.err


def test_batch_onto_a_file_is_refused(cli, tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("keep me")
    responses = tmp_path / "r.csv"
    responses.write_text("renewal_case\nactivity\n")
    result = cli("batch", responses, "-o", target)
    assert result.code == 2 and "expected a folder" in result.err
    assert target.read_text() == "keep me"


def test_a_failed_render_leaves_the_previous_pdf_whole(cli, tmp_path, monkeypatch):
    pdf = tmp_path / "read.pdf"
    assert cli("report", HEALTHY, "-o", pdf).code == 0
    before = pdf.read_bytes()
    from quicktest.faces.report.render import Renderer

    def fails(self, html):  # a render that breaks half way, as a full disk would
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Renderer, "pdf", fails)
    assert cli("report", HEALTHY, "-o", pdf).code != 0
    assert pdf.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".quicktest-")] == []


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """A real file system of `size` at `folder` (a tmpfs, mounted as root), to fill up."""
    folder.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", folder], check=False
        ).returncode
    ):
        pytest.skip("a small disk to fill needs the right to mount a tmpfs (root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", folder], check=True)


def test_a_full_disk_is_one_message_and_leaves_the_old_file_whole(cli, tmp_path):
    with tiny_disk(tmp_path / "disk") as disk:
        kept = disk / "read.yaml"
        kept.write_text("kept\n")
        with pytest.raises(InputError) as full:
            write_whole(kept, b"x" * 256 * 1024)
        assert (full.value.file, full.value.message.split(";")[0]) == (
            str(kept),
            "cannot write: the disk is full",
        )
        streamed = disk / "reads.jsonl"
        with pytest.raises(InputError, match="the disk is full"), whole_file(streamed, "w") as out:
            for n in range(100_000):  # as batch -o streams its reads
                out.write(f'{{"line": {n}}}\n')
        assert [p.name for p in disk.iterdir()] == ["read.yaml"]
        assert kept.read_text() == "kept\n"
        session = cli("sessions", "import", HEALTHY).out.strip()
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):  # until the disk is full
            while os.write(filler, b"x" * 4096):
                pass
        os.close(filler)
        exported = cli("sessions", "export", session, "-o", disk / "acme.yaml")
        assert exported.code == 2
        assert f"{disk / 'acme.yaml'}: cannot write: the disk is full" in exported.err
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "read.yaml"]


WRITE_UNDER_A_SIZE_LIMIT = """
import resource, signal, sys
from quicktest.domain.errors import InputError
from quicktest.sources.files import whole_file
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, a write fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
try:
    with whole_file(sys.argv[1], "w") as stream:
        for n in range(10_000):
            stream.write(f"line {n}\\n")
except InputError as exc:
    print(exc)
"""


def test_a_file_size_limit_is_one_message_and_leaves_nothing(tmp_path):
    target = tmp_path / "reads.jsonl"
    run = subprocess.run(
        [sys.executable, "-c", WRITE_UNDER_A_SIZE_LIMIT, target],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert run.stdout.startswith(f"{target}: cannot write: the file is larger than")
    assert list(tmp_path.iterdir()) == []


# --- numbers read as meant, or refused ------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "written", "value"),
    [
        ("nrr", "0,85", 0.85),
        ("nrr", "112,5 %", 1.125),
        ("nrr", "112,5%", 1.125),
        ("arr", "2,4M", 2_400_000),
        ("arr", "1.234,56", 1234.56),
        ("arr", "$1,234,567", 1_234_567),
        ("arr", "1,234.56", 1234.56),
        ("grr", "0.9", 0.9),
        ("grr", "90%", 0.9),
    ],
)
def test_decimal_commas_and_separators_are_read_as_meant(metric, written, value):
    assert parse_value(INPUTS[metric], written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("metric", "written"),
    [("arr", "1,234"), ("arr", "1.234"), ("nrr", "0755"), ("arr", "1_000"), ("nrr", "2:45")],
)
def test_a_number_whose_meaning_is_unclear_is_refused(metric, written):
    with pytest.raises(InputError):
        parse_value(INPUTS[metric], written)


def _read_three_ways(cli, tmp_path, metric: str, written: str) -> list[object]:
    """The metric as read from an answers file, a batch cell and the app's field: its value
    (a list for quarters), or the refusal's message."""
    answers = tmp_path / "a.yaml"
    answers.write_text(f"metrics:\n  {metric}: {json.dumps(written)}\n")
    scored = cli("score", answers, "--format", "json")
    from_file = json.loads(scored.out)["metrics"][metric] if scored.code == 0 else scored.err
    cells = tmp_path / "r.csv"
    cells.write_text(f"client,{metric}\nAcme,{json.dumps(written)}\n")
    batch = cli("batch", cells)
    from_cell = json.loads(batch.out)["metrics"][metric] if batch.code == 0 else batch.err
    try:
        typed = parse_text(INPUTS[metric], written)
        from_field: object = list(typed) if isinstance(typed, tuple) else typed
    except InputError as exc:
        from_field = str(exc)
    return [from_file, from_cell, from_field]


@pytest.mark.parametrize(
    ("metric", "written", "meant"),
    [
        ("gross_margin", "77,5%", 0.775),
        ("nrr", "77,5%", 0.775),
        ("gross_margin", "78%, 76%, 73%", [0.78, 0.76, 0.73]),
        ("nrr_history", "1,05; 1,1; 1,12", [1.05, 1.1, 1.12]),
        ("nrr", "1.15", 1.15),
        ("grr", "93", 0.93),
        ("logo_retention", "0,9", 0.9),
    ],
)
def test_a_metric_reads_the_same_in_a_file_a_batch_cell_and_the_app(
    cli, tmp_path, metric, written, meant
):
    assert _read_three_ways(cli, tmp_path, metric, written) == [pytest.approx(meant)] * 3


@pytest.mark.parametrize(
    ("metric", "written", "says"),
    [
        ("logo_retention", "1.2", "1.2 is read as a fraction, 120% is out of bounds"),
        ("grr", "1.5", "fraction, 150% is out of bounds, expected 0% to 100%; write 1.5% for"),
        ("grr", "5", "5 is ambiguous: it could be 5% or 500%; write 5% or 500%"),
        ("arr_growth", "5", "5 is ambiguous: it could be 5% or 500%; write 5% or 500%"),
        ("gross_margin", "78,76,73", "separate quarters with '; ' or ', '"),
        ("nrr", "111%, 112%", "expected one value, got 2"),
        ("employees", "1.500", "1.500 could be 1500 or 1.5: write it without a thousands"),
        ("employees", "0.09", "0.09 is out of bounds, expected 0.1 to"),
    ],
)
def test_a_value_with_two_readings_is_refused_everywhere_with_both(
    cli, tmp_path, metric, written, says
):
    for refusal in _read_three_ways(cli, tmp_path, metric, written):
        assert isinstance(refusal, str) and metric in refusal and says in refusal, refusal


@pytest.mark.parametrize(
    ("metric", "typed", "shown"),
    [
        ("logo_retention", "1.2%", "= 1.2%"),
        ("nrr", "1.15", "= 115%"),
        ("gross_margin", "77,55 %", "= 77.55%"),
        ("gross_margin", "78%, 76%, 73%", "= 78%, 76%, 73% (3 quarters, oldest first)"),
        ("arr", "1.234.567,5", "= 1,234,567.50"),
        ("cac_payback_months", "14", "= 14 months"),
        ("nrr", "  ", ""),
    ],
)
def test_what_a_field_understood_is_said_before_it_is_saved(metric, typed, shown):
    assert understood(INPUTS[metric], typed) == shown


def test_unclear_thousands_say_both_readings(cli, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("metrics:\n  arr: 1,200\n")
    result = cli("score", answers)
    assert result.code == 2
    assert "1,200 could be 1200 or 1.2" in result.err


def test_yaml_1_1_forms_are_kept_as_typed_or_refused(cli, tmp_path):
    names = tmp_path / "names.yaml"
    names.write_text("client: 0755\nrespondent: 2:45\nanswers: {}\nmetrics: {nrr: 111%}\n")
    read = _strict(cli("score", names, "--format", "json").out)
    assert (read["client"], read["respondent"]) == ("0755", "2:45")
    octal = tmp_path / "octal.yaml"
    octal.write_text("metrics:\n  nrr: 0755\n")
    result = cli("score", octal)
    assert result.code == 2 and "metrics.nrr" in result.err and "0755" in result.err


@pytest.mark.parametrize(
    "metrics", ["arr: 1e308\n  employees: 3", "arr: 1e15\n  employees: 1e-300", "nrr: .inf"]
)
def test_values_that_overflow_are_refused_at_input(cli, tmp_path, metrics):
    answers = tmp_path / "big.yaml"
    answers.write_text(f"metrics:\n  {metrics}\n")
    result = cli("score", answers, "--format", "json")
    assert result.code == 2 and "metrics." in result.err


def test_json_output_is_strict_for_every_example(cli):
    for example in sorted(EXAMPLES.glob("*.yaml")):
        _strict(cli("score", example, "--format", "json").out)


# --- revenue files as clients send them -----------------------------------------------------


def test_a_semicolon_file_with_decimal_commas_is_read(cli, tmp_path):
    revenue = tmp_path / "export.csv"
    revenue.write_text("account;start;end\nA;1.000,50;1.100,25\nB;2.000,00;0\n", encoding="utf-8")
    read = _strict(cli("metrics", revenue, "--format", "json").out)
    assert read["start"] == pytest.approx(3000.5)
    assert read["accounts"]["churned"] == 1


def test_blank_rows_padded_names_and_credit_lines(cli, tmp_path):
    revenue = tmp_path / "long.csv"
    revenue.write_text(
        "account,period,revenue\n"
        "A,2025-01,100\n"
        " A ,2025-01,50\n"  # the same account, padded
        ",,\n"  # a blank row, as spreadsheets leave them
        "A,2026-01,200\n"
        "A,2026-01,-20\n"  # a credit line
        "B,2025-01,100\n"
    )
    read = _strict(cli("metrics", revenue, "--format", "json").out)
    assert read["accounts"]["start"] == 2  # A and B, not "A" and " A "
    assert read["start"] == 250
    assert read["nrr"] == pytest.approx(180 / 250)


def test_a_negative_period_total_is_refused(cli, tmp_path):
    revenue = tmp_path / "long.csv"
    revenue.write_text("account,period,revenue\nA,2025-01,100\nA,2026-01,50\nA,2026-01,-80\n")
    result = cli("metrics", revenue)
    assert result.code == 2
    assert "long.csv:4:3" in result.err and "not below zero" in result.err


def test_duplicate_headers_are_refused(cli, tmp_path):
    revenue = tmp_path / "dup.csv"
    revenue.write_text("account,start,end,start\nA,1,2,3\n")
    result = cli("metrics", revenue)
    assert result.code == 2 and "dup.csv:1:4" in result.err and "given twice" in result.err


def test_a_bad_byte_is_reported_on_its_own_line(cli, tmp_path):
    revenue = tmp_path / "bytes.csv"
    rows = "".join(f"A{n},100,110\n" for n in range(2000))
    revenue.write_bytes(b"account,start,end\n" + rows.encode() + b"Z\xff,1,2\n")
    result = cli("metrics", revenue)
    assert result.code == 2 and "bytes.csv:2002:" in result.err


# --- ids and names ------------------------------------------------------------------------


def test_an_ambiguous_id_prefix_lists_the_sessions(cli, tmp_path):
    store = tmp_path / "s.db"
    ids = {cli("sessions", "import", HEALTHY, "--db", store).out.strip() for _ in range(40)}
    prefix = next(
        i[0] for i in ids if sum(other.startswith(i[0]) for other in ids) > 1
    )  # with 40 ids, two share a first hex digit
    result = cli("sessions", "show", prefix, "--db", store)
    assert result.code == 2 and "ambiguous" in result.err


def test_clients_match_in_any_case_and_script(cli, tmp_path):
    store = tmp_path / "s.db"
    answers = tmp_path / "a.yaml"
    answers.write_text('client: "Ärzte GmbH"\nanswers: {renewal_case: activity}\n')
    cli("sessions", "import", answers, "--db", store)
    listed = _strict(
        cli("sessions", "list", "--db", store, "--client", "ärzte", "--format", "json").out
    )
    assert [s["client"] for s in listed] == ["Ärzte GmbH"]


def test_names_with_markup_characters_are_listed_literally(cli, tmp_path):
    store = tmp_path / "s.db"
    for name in ("Foo [/bar]", "Acme [legacy]", "[bold]x{0}<&>"):
        answers = tmp_path / "a.yaml"
        answers.write_text(json.dumps({"client": name, "answers": {}}))
        assert cli("sessions", "import", answers, "--db", store).code == 0
    result = cli("sessions", "list", "--db", store)
    assert result.code == 0
    for name in ("Foo [/bar]", "Acme [legacy]", "[bold]x{0}<&>"):
        assert name in result.out


def test_a_line_break_or_direction_mark_in_a_name_is_shown_never_obeyed(cli, tmp_path):
    """A client name holding line breaks could print a read's lines of its own ("Dominant
    pattern: none"); a right-to-left override turns what follows it around. Both are shown
    as escapes, on the name's one line, in the read and the sessions list."""
    forged = "Acme\n\nDominant pattern: none (healthy)"
    answers = tmp_path / "a.yaml"
    answers.write_text(json.dumps({"client": forged, "respondent": "Dana\u202eeL", "answers": {}}))
    read = cli("score", answers)
    assert read.code == 0
    first = read.out.splitlines()[0]
    assert first.startswith("Acme\\n\\nDominant pattern: none (healthy)")
    assert "Dana\\u202eeL" in first and "\u202e" not in read.out
    assert not any(line.startswith("Dominant pattern: none") for line in read.out.splitlines())
    store = tmp_path / "s.db"
    assert cli("sessions", "import", answers, "--db", store).code == 0
    listed = cli("sessions", "list", "--db", store).out.splitlines()
    assert len(listed) == 2 and "Acme\\n\\nDominant" in listed[1]  # the header, one row


def test_a_direction_override_in_a_name_turns_nothing_around_in_the_pdf(cli, tmp_path):
    """U+202E in a respondent's name printed the report's date backwards ("Dana20-11-6202"):
    it reached past the name into the sentence it was composed in. Pages show it, as the
    text read does, and the date reads as written."""
    answers = tmp_path / "a.yaml"
    answers.write_text(
        json.dumps(
            {"client": "Acme", "respondent": "Dana\u202eeL", "date": "2026-11-02", "answers": {}}
        )
    )
    pdf = tmp_path / "read.pdf"
    assert cli("report", answers, "-o", pdf).code == 0
    shown = text_of(pdf)
    assert "Dana\\u202eeL · 2026-11-02" in shown and "6202" not in shown


# --- serve refuses what would break every browser tab --------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--port", "70000"), "expected a port from 1 to 65535"),
        (("--questions", str(DATA / "missing-bank")), "no such question bank folder"),
    ],
)
def test_serve_refuses_bad_settings_before_starting(cli, args, says):
    result = cli("serve", *args)
    assert result.code == 2 and says in result.err


def test_serve_refuses_a_store_that_is_not_sqlite(cli, tmp_path):
    fake = tmp_path / "sessions.db"
    fake.write_text("not a database")
    result = cli("serve", "--db", fake)
    assert result.code == 2 and "not a quicktest session store" in result.err


def test_serve_refuses_a_port_in_use(cli):
    import socket

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        result = cli("serve", "--port", str(held.getsockname()[1]))
    assert result.code == 2 and "cannot listen" in result.err


def test_a_name_longer_than_the_limit_is_refused_with_its_length(cli, tmp_path):
    answers = tmp_path / "long.yaml"
    answers.write_text(f"client: {'x' * 201}\nanswers: {{}}\n")
    result = cli("score", answers)
    assert result.code == 2
    assert "client: is 201 characters long; a client name takes at most 200" in result.err


def test_the_app_shows_names_and_bank_texts_literally(tmp_path):
    """Markup characters in a client's name and in a bank's texts are shown as written on
    every screen, never read as Textual or Rich markup (which would hide them or crash)."""
    import asyncio

    from textual.widgets import OptionList, Static

    from quicktest.sources.bank import load_bank

    bank = load_bank(DATA / "other_bank")
    store = Store(tmp_path / "s.db")

    def shown(app) -> str:
        texts = [str(w.render()) for w in app.screen.query(Static)]
        for listing in app.screen.query(OptionList):
            texts += [
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            ]
        return "\n".join(texts)

    async def run() -> list[str]:
        app = app_for(bank, store, client="Foo [/bar]", respondent="[bold]x{0}")
        screens = []
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screens.append(shown(app))
            for _ in bank.questions:
                await pilot.press("1")
                await pilot.pause()
            await pilot.press("escape")  # past the metrics form
            await pilot.pause()
            screens.append(shown(app))
            await pilot.press("r")
            await pilot.pause()
            screens.append(shown(app))
        return screens

    question, review, result = asyncio.run(run())
    assert "Foo [/bar] · [bold]x{0}" in question
    assert "How are renewals won? [bold]not markup[/bold]" in question
    assert "1. With a discount <b>& credits</b>" in question
    assert "With a discount <b>& credits</b>" in review
    assert "Churn Drift [x]" in result


def test_the_app_shows_a_line_break_in_a_name_as_written(tmp_path, bank):
    """A line break (or an override) in a client's name is shown as \\n on the name's own
    line in the app, as in the text read, on the question and review screens and in the
    list of sessions to resume."""
    import asyncio

    from textual.widgets import OptionList, Static

    store = Store(tmp_path / "s.db")
    name = "Acme\nDominant pattern: none\u202e"

    async def run() -> list[str]:
        app = app_for(bank, store, client=name, respondent="Dana")
        shown = []
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            shown.append(str(app.screen.query_one("#who", Static).render()))
            app.go("review")
            await pilot.pause()
            shown.append(str(app.screen.query_one("#review-who", Static).render()))
        listed = app_for(bank, store)
        async with listed.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            found = listed.screen.query_one(OptionList)
            shown.append(str(found.get_option_at_index(0).prompt))
        return shown

    for text in asyncio.run(run()):
        assert "Acme\\nDominant pattern: none\\u202e" in text and "\n" not in text
