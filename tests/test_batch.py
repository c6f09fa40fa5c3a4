"""Batch scoring of form-tool exports: labels or ids, bad rows reported by line and skipped."""

from __future__ import annotations

import csv
import json

from .conftest import text_of


def responses(tmp_path, rows, header):
    path = tmp_path / "responses.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = ["client", "respondent", "renewal_case", "lost_accounts", "nrr", "grr", "gross_margin"]


def test_rows_by_id_or_label_are_scored_and_bad_rows_skipped(cli, tmp_path):
    path = responses(
        tmp_path,
        [
            [
                "Acme",
                "Dana",
                "activity",
                "Accounts our usage data rated healthy; the loss surprises us",
                "",
                "",
                "",
            ],
            ["Beta", "Lee", "concessions", "few_foreseen", "112%", "91%", "78%, 74%, 70%"],
            ["Gamma", "Kim", "activty", "", "", "", ""],
            ["Delta", "Ray", "", "", "abc", "", ""],
            ["Zeta", "Ola", "", "", "111%", "65%", ""],
        ],
        HEADER,
    )
    out_dir = tmp_path / "out"
    result = cli("batch", path, "-o", out_dir, "--format", "json")
    assert result.code == 2  # some rows were wrong
    reads = [json.loads(line) for line in (out_dir / "reads.jsonl").read_text().splitlines()]
    assert [(r["line"], r["client"], r["dominant"]) for r in reads] == [
        (2, "Acme", "hollow_usage"),
        (3, "Beta", "borrowed_nrr"),
        (6, "Zeta", "vibe_revenue"),
    ]
    summary = json.loads(result.out)
    assert (summary["rows"], summary["scored"], summary["skipped"]) == (5, 3, 2)
    assert summary["dominant"]["hollow_usage"] == 1
    assert "responses.csv:4: skipped: unknown option 'activty'" in result.err
    assert summary["errors"][0].startswith("line 4: ")
    assert "did you mean activity?" in summary["errors"][0]
    assert "responses.csv:5: skipped: expected a percentage" in result.err


def test_without_out_dir_reads_go_to_stdout_and_the_summary_to_stderr(cli, tmp_path):
    path = responses(tmp_path, [["Acme", "", "activity", "looked_healthy", "", "", ""]], HEADER)
    result = cli("batch", path)
    assert result.code == 0
    assert json.loads(result.out.strip())["dominant"] == "hollow_usage"
    assert "1 of 1 rows scored" in result.err


def test_unknown_column_is_refused_with_a_hint(cli, tmp_path):
    path = responses(tmp_path, [], ["client", "renewal_cases"])
    result = cli("batch", path)
    assert result.code == 2
    assert (
        "responses.csv:1:2: unknown column 'renewal_cases' (did you mean renewal_case?)"
        in result.err
    )


def test_each_pdf_is_named_after_its_client_and_respondent(cli, tmp_path):
    rows = [
        ["Acme Analytics", "Dana Lee, CFO", "activity", "", "", "", ""],
        ["Ärzte GmbH", "", "concessions", "", "", "", ""],
    ]
    out_dir = tmp_path / "out"
    assert cli("batch", responses(tmp_path, rows, HEADER), "-o", out_dir, "--pdf").code == 0
    pdfs = sorted(p.name for p in out_dir.glob("*.pdf"))
    assert pdfs == ["acme-analytics-dana-lee-cfo-line-2.pdf", "ärzte-gmbh-line-3.pdf"]
    assert all((out_dir / name).read_bytes().startswith(b"%PDF") for name in pdfs)
    assert "Dana Lee, CFO" in text_of(out_dir / pdfs[0])


def test_a_folder_with_files_a_batch_did_not_write_is_refused(cli, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "board-deck.pdf").write_bytes(b"someone else's")
    path = responses(tmp_path, [["Acme", "Dana", "activity", "", "", "", ""]], HEADER)
    result = cli("batch", path, "-o", out_dir, "--pdf")
    assert result.code == 2
    assert f"{out_dir}: --out: holds files a batch did not write (board-deck.pdf)" in result.err
    assert sorted(p.name for p in out_dir.iterdir()) == ["board-deck.pdf"]


def test_a_second_batch_replaces_only_its_own_earlier_files(cli, tmp_path):
    """The earlier run's PDFs go, so no earlier client's report sits beside the new ones."""
    out_dir = tmp_path / "out"
    first = [
        ["Old Client", "Sam", "activity", "", "", "", ""],
        ["Acme", "Dana", "", "", "", "", ""],
    ]
    assert cli("batch", responses(tmp_path, first, HEADER), "-o", out_dir, "--pdf").code == 0
    assert len(list(out_dir.glob("*.pdf"))) == 2
    second = [["Acme", "Dana", "concessions", "", "", "", ""]]
    assert cli("batch", responses(tmp_path, second, HEADER), "-o", out_dir, "--pdf").code == 0
    assert sorted(p.name for p in out_dir.glob("*.pdf")) == ["acme-dana-line-2.pdf"]
    reads = (out_dir / "reads.jsonl").read_text().splitlines()
    assert [json.loads(line)["client"] for line in reads] == ["Acme"]
    assert not [p for p in out_dir.iterdir() if p.name.startswith(".quicktest-staging")]


def test_a_batch_that_stops_changes_nothing_in_its_folder(cli, tmp_path):
    """A full disk while the reads are written is exit 2, and the folder is as it was."""
    from .test_trust import tiny_disk

    with tiny_disk(tmp_path / "disk", "64k") as disk:
        out_dir = disk / "out"
        one = responses(tmp_path, [["Acme", "Dana", "activity", "", "", "", ""]], HEADER)
        assert cli("batch", one, "-o", out_dir).code == 0
        before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
        many = responses(tmp_path, [["Acme", "Dana", "activity", "", "", "", ""]] * 400, HEADER)
        result = cli("batch", many, "-o", out_dir)
        assert result.code == 2 and "the disk is full" in result.err
        assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before


def test_ten_thousand_generated_rows(cli, tmp_path, bank):
    rows = []
    for n in range(10_000):
        q = bank.questions[n % 7]
        cells = {q.id: q.options[n % len(q.options)].id}
        lost = "nope" if n % 1000 == 999 else cells.get("lost_accounts", "")
        row = [
            f"client {n}",
            "",
            cells.get("renewal_case", ""),
            lost,
            f"{100 + n % 20}%",
            f"{80 + n % 15}%",
            "",
        ]
        rows.append(row)
    path = responses(tmp_path, rows, HEADER)
    out_dir = tmp_path / "out"
    result = cli("batch", path, "-o", out_dir, "--format", "json")
    summary = json.loads(result.out)
    assert (summary["rows"], summary["skipped"]) == (10_000, 10)
    assert summary["scored"] == 9_990
    assert len((out_dir / "reads.jsonl").read_text().splitlines()) == 9_990
    assert [e.split(":")[0] for e in summary["errors"]][:2] == ["line 1001", "line 2001"]


def test_a_semicolon_export_with_a_duplicate_column_is_refused_at_its_place(cli, tmp_path):
    responses = tmp_path / "export.csv"
    responses.write_text("client;renewal_case;renewal_case\nA;activity;activity\n")
    result = cli("batch", responses)
    assert result.code == 2 and "export.csv:1:3" in result.err and "given twice" in result.err


def test_a_semicolon_export_is_read(cli, tmp_path):
    responses = tmp_path / "export.csv"
    responses.write_text("client;renewal_case;nrr\nA;activity;111,5%\n")
    result = cli("batch", responses, "--format", "json")
    assert result.code == 0, result.err
    assert '"nrr":1.115' in result.out.replace(" ", "")


def test_an_excel_export_with_a_sep_line_is_read_and_its_lines_counted_as_in_the_file(
    cli, tmp_path
):
    """Excel's "CSV (semicolon)" may start with `sep=;` above the header (after a BOM, with
    CRLF ends): the separator it states is used, and every place named counts that line."""
    export = tmp_path / "export.csv"
    lines = ["sep=;", "client;renewal_case;nrr", "A;activity;111,5%", "B;activty;", ""]
    export.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    result = cli("batch", export, "--format", "json")
    assert result.code == 2  # one row was wrong
    first = json.loads(result.out.splitlines()[0])
    assert (first["line"], first["client"]) == (3, "A")
    assert '"nrr":1.115' in result.out.replace(" ", "")
    assert "export.csv:4: skipped: unknown option 'activty'" in result.err
    export.write_text("sep=,\nclient,renewal_case,client\nA,activity,A\n")
    twice = cli("batch", export)
    assert twice.code == 2 and "export.csv:2:3" in twice.err and "given twice" in twice.err


def test_workers_write_the_same_lines_in_the_same_order(cli, bank, tmp_path):
    """A large file is scored by several processes; the reads, their order, the errors and
    the summary are the same as with one."""
    responses = tmp_path / "many.csv"
    questions = [q.id for q in bank.questions]
    lines = [",".join(["client", *questions, "nrr"])]
    for n in range(3_000):
        cells = [q.options[(n + i) % len(q.options)].id for i, q in enumerate(bank.questions)]
        if n % 997 == 5:
            cells[0] = "not-an-option"  # a wrong row now and then
        lines.append(",".join([f"client {n}", *cells, f"{90 + n % 30}%"]))
    responses.write_text("\n".join(lines) + "\n")
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        result = cli("batch", responses, "-o", out, "--jobs", jobs, "--format", "json")
        assert result.code == 2  # some rows were wrong
        runs[jobs] = ((out / "reads.jsonl").read_text(), result.out, result.err)
    assert runs["1"] == runs["2"]
    reads = runs["1"][0].splitlines()
    assert len(reads) == 3_000 - 4
    assert [json.loads(r)["line"] for r in reads] == sorted(json.loads(r)["line"] for r in reads)
