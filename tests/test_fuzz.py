"""Every reader of outside input, fed whatever hypothesis makes up: it succeeds or raises the
project's own input error, never another exception, and never hangs.

Each reader gets whole made-up files (random text and bytes, random YAML documents) and
valid files with one part swapped for something random, which reach the deeper checks.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from quicktest.domain.errors import InputError, InputErrors
from quicktest.domain.metrics import INPUTS, parse_metrics
from quicktest.domain.units import FRACTION_LIMIT, parse_text, parse_value, understood
from quicktest.faces.cli.exits import EXIT_INPUT, EXIT_OK
from quicktest.faces.cli.main import main
from quicktest.sources.answersfile import load_answers, load_metrics_file
from quicktest.sources.bank import load_bank
from quicktest.sources.responses import read_rows
from quicktest.sources.revenue.engine import Options, read_revenue
from quicktest.sources.store import Store

from .conftest import EXAMPLES as EXAMPLE_FILES
from .conftest import QUESTIONS

# A few thousand examples in all per CI run; QUICKTEST_FUZZ=N runs N per reader for a deeper
# hunt (the metric values get 2.5 times as many: they are cheap).
EXAMPLES = int(os.environ.get("QUICKTEST_FUZZ", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
SECONDS_PER_TEST = max(1800, EXAMPLES)  # a guard against a hang, not a speed check


@pytest.fixture(autouse=True)
def never_hangs():
    """Fail a test that runs past its time instead of letting CI hang on it."""

    def stop(*_: object) -> None:
        raise AssertionError(f"a fuzz test ran past {SECONDS_PER_TEST} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(SECONDS_PER_TEST)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def work() -> Iterator[Path]:
    """One folder per module: hypothesis runs many examples inside one test call."""
    folder = Path(tempfile.mkdtemp(prefix="quicktest-fuzz-"))
    yield folder
    shutil.rmtree(folder)


# --- what the made-up input is made of -------------------------------------------------------

_TYPED = st.sampled_from(
    ["112%", "1.2M", "$3,000", "-5", "1e309", "nan", "inf", "0", "", " ", "%", "1,,2", "٣"]
) | st.text(alphabet="0123456789.,%  eE$€kKmM'_:", max_size=12)  # any mix of number marks
NUMBERS = st.tuples(st.text(alphabet="+- ", max_size=3), _TYPED).map("".join)  # signs, any
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | NUMBERS
    | st.dates()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
FILE_TEXT = st.text(max_size=300) | st.binary(max_size=300)


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    """Every key path inside a loaded YAML document."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def swapped(document: Any, path: tuple, new: Any) -> Any:
    """The document with the value at `path` replaced by `new`."""
    if not path:
        return new
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = swapped(document[head], tuple(rest), new)
    return copy


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> str:
    """A valid YAML document with one part swapped for a random value, as YAML text."""
    places = list(paths(document))
    place = draw(st.sampled_from(places))
    return dump(swapped(document, place, draw(VALUES)))


def survives(read: Any, *args: Any) -> None:
    """Call a reader: success or the project's input error are both fine; the message names
    what is wrong."""
    try:
        read(*args)
    except InputErrors as exc:
        event("refused")
        assert exc.errors and all(str(e) for e in exc.errors)
    except InputError as exc:
        event("refused")
        assert str(exc)
    else:
        event("accepted")


ANSWERS_DOCUMENT = yaml.safe_load((EXAMPLE_FILES / "borrowed_nrr.yaml").read_text())


# --- the readers ----------------------------------------------------------------------------


@FUZZ
@given(name=st.sampled_from(sorted(p.name for p in QUESTIONS.glob("*.yaml"))), data=st.data())
def test_question_bank_loader(work, name, data):
    bank = work / "bank"
    if not bank.exists():
        shutil.copytree(QUESTIONS, bank)
    original = (QUESTIONS / name).read_text()
    document = yaml.safe_load(original)
    content = data.draw(mutated(document) | FILE_TEXT, label=name)
    write(bank / name, content)
    try:
        survives(load_bank, bank)
    finally:
        (bank / name).write_text(original)


@FUZZ
@given(content=mutated(ANSWERS_DOCUMENT) | FILE_TEXT | VALUES.map(dump))
def test_answers_file(work, bank, content):
    survives(load_answers, write(work / "answers.yaml", content), bank)
    survives(load_metrics_file, write(work / "metrics.yaml", content))


@settings(FUZZ, max_examples=EXAMPLES * 5 // 2)
@given(name=st.sampled_from(sorted(INPUTS)), raw=VALUES, text=st.text(max_size=30) | NUMBERS)
def test_metric_values(name, raw, text):
    spec = INPUTS[name]
    survives(parse_value, spec, raw)
    survives(parse_text, spec, text)  # as typed into the terminal app's form
    survives(understood, spec, text)  # what the form shows beside the field
    survives(parse_metrics, {name: raw})


def _written(value: float, decimal: str, thousands: str, places: int) -> str:
    """A number as a person in one convention would type it: 1,234.56 or 1.234,56 or 1234,5."""
    whole, _, fraction = f"{abs(value):.{places}f}".partition(".")
    groups = [whole[max(0, i - 3) : i] for i in range(len(whole), 0, -3)][::-1]
    text = thousands.join(groups) + (decimal + fraction if places else "")
    return ("-" if value < 0 else "") + text


@settings(FUZZ, max_examples=EXAMPLES * 5 // 2)
@given(
    value=st.floats(min_value=0, max_value=1e12, allow_nan=False),
    convention=st.sampled_from([(".", ","), (",", "."), (".", ""), (",", ""), (",", " ")]),
    places=st.integers(0, 3),
    suffix=st.sampled_from(["", "$"]),
)
def test_an_amount_is_read_as_meant_or_refused(value, convention, places, suffix):
    """Whatever the convention, an amount is read as the number its writer meant, or
    refused: never a number that differs (the decimal comma read as a thousands mark)."""
    decimal, thousands = convention
    text = suffix + _written(value, decimal, thousands, places)
    meant = float(f"{value:.{places}f}")
    try:
        read = parse_value(INPUTS["arr"], text)
    except InputError:
        event("refused")
        return
    event("read")
    assert read == pytest.approx(meant, rel=1e-12, abs=1e-9), text


@settings(FUZZ, max_examples=EXAMPLES * 5 // 2)
@given(
    value=st.floats(min_value=0, max_value=3, allow_nan=False),
    decimal=st.sampled_from([".", ","]),
    places=st.integers(1, 3),
    percent=st.booleans(),
)
def test_a_percentage_is_read_as_meant_or_refused(value, decimal, places, percent):
    shown = value * 100 if percent else value
    text = _written(shown, decimal, "", places) + ("%" if percent else "")
    meant = float(f"{shown:.{places}f}") / (100 if percent else 1)
    try:
        read = parse_value(INPUTS["nrr"], text)
    except InputError:
        event("refused")
        return
    assert read == pytest.approx(meant, rel=1e-9, abs=1e-12) or (
        not percent and read == pytest.approx(meant / 100)  # 115 read as 115%
    ), text


PERCENTAGES = [name for name, spec in INPUTS.items() if spec.unit == "percent"]


def test_every_percentage_metric_is_bounded_within_the_fraction_limit():
    """What makes the rule below field-independent: a bare number that could be a fraction of
    one percentage metric is read as one in all of them."""
    for name in PERCENTAGES:
        assert max(-INPUTS[name].low, INPUTS[name].high) <= FRACTION_LIMIT, name


@st.composite
def percentages_as_typed(draw: st.DrawFn) -> str:
    """A percentage as people type one: 93%, 0,93, 1.15, 115, 77,5 %, -5, 2."""
    value = draw(st.floats(-20, 1500, allow_nan=False) | st.integers(-12, 12).map(float))
    number = _written(value, draw(st.sampled_from([".", ","])), "", draw(st.integers(0, 3)))
    return number + draw(st.sampled_from(["", "", "%", " %"]))


@settings(FUZZ, max_examples=EXAMPLES * 5 // 2)
@given(text=percentages_as_typed())
def test_a_percentage_means_the_same_in_every_field_that_admits_it(text):
    """One text, every percentage metric and every way in (a file, a batch cell, the app's
    field): each reads it as the same fraction, or refuses it; never two readings."""
    read = {}
    for name in PERCENTAGES:
        spec = INPUTS[name]
        try:
            value = parse_value(spec, text)
        except InputError:
            with pytest.raises(InputError):
                parse_text(spec, text)
            continue
        assert parse_text(spec, text) == value
        assert parse_metrics({name: text}).given[name] == value
        read[name] = value
    event(f"admitted by {len(read)} of {len(PERCENTAGES)}")
    assert len(set(read.values())) <= 1, (text, read)


SEPARATORS = st.sampled_from(["; ", ", ", ";", " ; ", ",\t", ",  "])


@settings(FUZZ, max_examples=EXAMPLES * 5 // 2)
@given(
    values=st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=5),
    decimal=st.sampled_from([",", "."]),
    places=st.integers(0, 3),
    percent=st.booleans(),
    separator=SEPARATORS,
)
def test_a_decimal_comma_in_a_series_is_never_a_separator(
    values, decimal, places, percent, separator
):
    """Quarters typed as text (78%, 76%; 0,78; 0,76) are read as the values meant, as many
    as were typed, or refused: a decimal comma never splits one value into two."""
    shown = [v * 100 if percent else v for v in values]
    text = separator.join(
        _written(v, decimal, "", places) + ("%" if percent else "") for v in shown
    )
    meant = tuple(float(f"{v:.{places}f}") / (100 if percent else 1) for v in shown)
    for name in ("gross_margin", "nrr_history"):
        try:
            read = parse_text(INPUTS[name], text)
        except InputError:
            event("refused")
            continue
        event(f"{len(meant)} quarters read")
        assert read is not None
        assert (read if isinstance(read, tuple) else (read,)) == pytest.approx(meant), text


@pytest.mark.parametrize("text", ["78%,76%,73%", "0.78,0.76", "78,76,73", "0,78,0,76"])
def test_quarters_run_together_by_commas_are_refused_with_the_rule(text):
    with pytest.raises(InputError) as refused:
        parse_text(INPUTS["gross_margin"], text)
    assert "separate quarters with '; ' or ', '" in str(refused.value)


def _strict_json(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@FUZZ
@given(content=mutated(ANSWERS_DOCUMENT) | FILE_TEXT)
def test_score_is_strict_json_or_one_input_error_never_a_fault(work, content):
    path = write(work / "answers.yaml", content)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["score", str(path), "--format", "json", "--db", str(work / "s.db")])
    assert code in (EXIT_OK, EXIT_INPUT), err.getvalue()
    if code == EXIT_OK:
        _strict_json(out.getvalue())
    else:
        assert out.getvalue() == "" and err.getvalue().startswith("quicktest: ")


REVENUE_COLUMNS = [
    *("account", "start", "end", "period", "revenue", "segment", "Account", "x"),
    *("customer", "start_date", "end_date", "mrr", "currency"),
]
CELLS = (
    st.sampled_from(["a", "b", "c", "2025-Q1", "2025-Q4", "2026-03", "2026", "Q1", "", " "])
    | st.sampled_from(["2025-01-15", "2026-02-30", "EUR", "usd", "1.200", "1,5", "(30)", "$-4"])
    | NUMBERS
    | st.text(max_size=12)
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


TABLES = st.builds(
    csv_text,
    st.lists(st.sampled_from(REVENUE_COLUMNS), min_size=1, max_size=5),
    st.lists(st.lists(CELLS, max_size=6), max_size=12),
)


# what real files hold besides: ERP credits, totals, times with a zone, far-off dates
REVENUE_CELLS = CELLS | st.sampled_from(
    [
        *("60.00-", "1.234,50-", "(60.00)", "--5", "5-", "Total", "Grand total", "Summe:"),
        *("2025-01-31T23:30:00-02:00", "2026-03-01T00:00:00Z", "0001-01-01", "9999-12-31"),
        *("4000-01", "2999-12-31", "#N/A", "a\u00a0", "\u200ba\t", "2025-Q1 "),
    ]
)
REVENUE_TABLES = st.builds(
    csv_text,
    st.lists(st.sampled_from(REVENUE_COLUMNS), min_size=1, max_size=5),
    st.lists(st.lists(REVENUE_CELLS, max_size=6), max_size=12),
)
TODAY = datetime.date(2026, 3, 15)


@FUZZ
@given(
    content=REVENUE_TABLES | FILE_TEXT,
    by=st.none() | st.sampled_from(["segment", "nope", ""]),
    window=st.tuples(st.none() | CELLS, st.none() | CELLS),
    as_of=st.none() | st.sampled_from(["2026-03-15", "2025-12-31", "2027-01-01", "x"]),
)
def test_revenue_csv(work, content, by, window, as_of):
    options = Options(today=TODAY, as_of=as_of)
    survives(read_revenue, write(work / "revenue.csv", content), by, *window, None, options)


@st.composite
def written_revenue(draw: st.DrawFn) -> tuple[str, float | None, float | None]:
    """A long file with known revenue per account at 2025-03 and 2026-03, written as real
    exports write it: charges less ERP credits, names with odd spaces, periods as dates or
    zoned times of the same UTC month, total rows, a forecast row and placeholder dates;
    and the NRR and GRR it must read."""
    model = draw(st.lists(st.tuples(st.integers(0, 900), st.integers(0, 900)), min_size=1))
    rows = []
    for index, amounts in enumerate(model[:8]):
        for period, amount in zip(("2025-03", "2026-03"), amounts, strict=True):
            if amount == 0 and index and draw(st.booleans()):
                continue  # no row: no revenue
            name = f"acct{index}" + draw(st.sampled_from(["", "\t", "\u00a0", "\u3000", "\u200b"]))
            month = draw(st.sampled_from(WRITTEN_MONTHS[period]))
            credit = draw(st.integers(0, 50))
            rows.append(f"{name},{month},{amount + credit}")
            if credit:
                rows.append(f"{name},{month},{draw(CREDITS).format(credit)}")
    rows += draw(st.lists(st.sampled_from(EXTRA_ROWS), max_size=4))
    order = draw(st.permutations(rows))
    start = sum(s for s, _ in model[:8])
    kept = sum(min(s, e) for s, e in model[:8])
    grown = sum(e - s for s, e in model[:8] if s and e > s)
    nrr = (kept + grown) / start if start else None
    return (
        "account,period,revenue\n" + "\n".join(order) + "\n",
        nrr,
        kept / start if start else None,
    )


CREDITS = st.sampled_from(["{}.00-", "({}.00)", "-{}", "-{}.00"])
WRITTEN_MONTHS = {  # a period, and times whose UTC instant falls in it
    f"{year}-03": [
        f"{year}-03",
        f"{year}-03-15",
        f"{year}-03-01T01:30:00+01:00",
        f"{year}-03-31T21:00:00-02:00",
        f"{year}-02-28T23:30:00-02:00",  # 1 March in UTC
    ]
    for year in (2025, 2026)
}
EXTRA_ROWS = [  # none of them changes a figure
    "Total,,999999",
    "Grand total,2026-03,999999",
    "acct0 Total,,5",
    "acct0,4000-01,5",  # a mistyped year: after the as-of date
    "acct0,2026-09,5",  # a forecast month
    "acct0,0001-01,5",  # a placeholder for unknown
]


@settings(FUZZ, max_examples=max(1, EXAMPLES // 2))  # a whole read each: keep CI's time
@given(written=written_revenue())
def test_revenue_as_exports_write_it_reads_the_right_figures(work, written):
    """Each file succeeds with the figures of its model, or names one input error."""
    content, nrr, grr = written
    try:
        read = read_revenue(write(work / "written.csv", content), options=Options(today=TODAY))
    except InputError as exc:
        raise AssertionError(f"refused: {exc}\n{content}") from None
    assert read.window == ("2025-03", "2026-03"), content
    assert read.total.nrr == pytest.approx(nrr, abs=1e-9), content
    assert read.total.grr == pytest.approx(grr, abs=1e-9), content


@st.composite
def batch_tables(draw: st.DrawFn, bank) -> str:
    columns = [*bank.question_by_id, "client", "respondent", "date", *INPUTS, "junk"]
    header = draw(st.lists(st.sampled_from(columns), min_size=1, max_size=8))
    labels = [o.label for q in bank.questions for o in q.options]
    ids = [o.id for q in bank.questions for o in q.options]
    cell = st.sampled_from(labels + ids) | CELLS
    return csv_text(header, draw(st.lists(st.lists(cell, max_size=9), max_size=10)))


@FUZZ
@given(data=st.data())
def test_batch_csv(work, bank, data):
    content = data.draw(batch_tables(bank) | FILE_TEXT)
    survives(lambda: list(read_rows(write(work / "responses.csv", content), bank)))


@FUZZ
@given(content=mutated(ANSWERS_DOCUMENT) | FILE_TEXT)
def test_session_import_adds_one_session_or_changes_nothing(work, content):
    database = work / "sessions.db"
    path = write(work / "import.yaml", content)
    with Store(database) as store:
        before = [s._asdict() for s in store.list()]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["sessions", "import", str(path), "--db", str(database)])
    with Store(database) as store:
        after = [s._asdict() for s in store.list()]
    assert code in (EXIT_OK, EXIT_INPUT), err.getvalue()
    if code == EXIT_OK:
        assert len(after) == len(before) + 1
    else:
        assert after == before
        assert err.getvalue().startswith("quicktest: ") and str(path) in err.getvalue()


# --- what the fuzzing could not reach: inputs too big for its examples ---------------------

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)


DEEP = ("nested more than 40 levels deep", "not valid YAML: ")


@pytest.mark.parametrize(
    ("content", "ours"),
    [
        (BILLION_LAUGHS + "answers: *h\n", ("anchors and aliases (&name, *name) are not",)),
        ("answers: " + "[" * 200_000 + "]" * 200_000, DEEP),
        ("answers: " + "{a: " * 5_000 + "}" * 5_000, DEEP),
        ("answers:\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(1, 2_000)), DEEP),
        ("metrics: {arr: " + "9" * 5_000 + "}", ("a number of 5,000 characters is past",)),
        ("metrics:\n  ? [nrr, grr]\n  : 1\n", ("expected a name before ':', got a list",)),
        ("client: Acme\x00 Inc\n", ("not valid YAML: the character U+0000 may not stand",)),
    ],
    ids=[
        "alias-bomb",
        "deep-flow-list",
        "deep-flow-map",
        "deep-block",
        "huge-int",
        "list-key",
        "nul",
    ],
)
def test_hostile_yaml_is_refused_quickly(work, bank, content, ours):
    """These hung (the alias bomb), overflowed Python's stack, crashed libyaml's composer,
    or stopped as a fault of ours (an integer Python will not convert, a list as a key, a
    character YAML forbids, whose error has no mark).

    What we promise is an input error at the file's line and column, in our words. Deep flow
    nesting may be refused by PyYAML's own limit before ours (6.0.4 has one); its reason is
    then shown after our "not valid YAML", and no test leans on how PyYAML words it.
    """
    path = write(work / "hostile.yaml", content)
    with pytest.raises(InputError) as refused:
        load_answers(path, bank)
    error = refused.value
    assert (error.file, error.line is not None, error.column is not None) == (str(path), True, True)
    assert error.message.startswith(ours)


# --- banks that validate must work in every command ----------------------------------------

BANK_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("[]{}<>&/"),
    min_size=1,
    max_size=40,
).filter(str.strip)


@st.composite
def tweaked(draw: st.DrawFn, document: Any) -> str:
    """A bank file with a few of its values changed for others of the same kind: texts for
    texts (markup characters and all), numbers for numbers. Many such banks still validate,
    and those are what every face must then handle."""
    for _ in range(draw(st.integers(1, 4))):
        places = [
            p for p in paths(document) if p and isinstance(_at(document, p), str | float | int)
        ]
        place = draw(st.sampled_from(places))
        old = _at(document, place)
        if isinstance(old, bool):
            continue
        new = (
            draw(st.floats(-20, 20, allow_nan=False) | st.integers(-5, 5))
            if isinstance(old, int | float)
            else draw(BANK_TEXT)
        )
        document = swapped(document, place, new)
    return dump(document)


def _at(document: Any, path: tuple) -> Any:
    for part in path:
        document = document[part]
    return document


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 20))
@given(name=st.sampled_from(sorted(p.name for p in QUESTIONS.glob("*.yaml"))), data=st.data())
def test_a_bank_that_validates_works_in_every_command(work, name, data):
    bank = work / "tweaked-bank"
    if bank.exists():
        shutil.rmtree(bank)
    shutil.copytree(QUESTIONS, bank)
    write(bank / name, data.draw(tweaked(yaml.safe_load((QUESTIONS / name).read_text()))))

    def run(*args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*args, "--questions", str(bank), "--db", str(work / "s.db")])
        assert code in (EXIT_OK, EXIT_INPUT), err.getvalue()
        return code, out.getvalue(), err.getvalue()

    if run("validate")[0] != EXIT_OK:
        event("refused by validate")
        return
    event("accepted by validate")
    for example in sorted(EXAMPLE_FILES.glob("*.yaml")):
        code, out, _ = run("score", str(example), "--format", "json")
        if code == EXIT_OK:
            _strict_json(out)
        run("score", str(example))
    run("metrics", str(EXAMPLE_FILES.parent / "tests" / "data" / "source_trap_case.csv"))
    if data.draw(st.integers(0, 9), label="render") == 0:  # a PDF now and then: they are slow
        run("report", str(EXAMPLE_FILES / "vibe_revenue.yaml"), "-o", str(work / "r.pdf"))


# --- a failing command changes nothing ---------------------------------------------------

TOKENS = st.sampled_from(["", " ", "x", "..", "/", "-", "--", "0", "abc", "Acme", "ärzte"]) | (
    st.text(max_size=12)
)


@st.composite
def command_lines(draw: st.DrawFn, work: Path, ids: list[str]) -> list[str]:
    """A command line as a hurried person types it: a real command, arguments half right."""
    some_id = draw(st.sampled_from(ids) | TOKENS)
    answers = str(work / "answers.yaml")  # a copy: an export may rightly write over it
    target = draw(
        st.sampled_from([str(work / "out.pdf"), str(work / "sessions.db"), str(work), "", answers])
    )
    line = draw(
        st.sampled_from(
            [
                ["sessions", "show", some_id],
                ["sessions", "export", some_id, "-o", target],
                ["sessions", "delete", draw(TOKENS)],
                ["score", some_id, "--format", "json"],
                ["score", "--client", draw(TOKENS)],
                ["report", some_id, "-o", target],
                ["compare", some_id, draw(st.sampled_from(ids) | TOKENS)],
                ["batch", answers, "-o", target],
                ["sessions", "import", draw(st.sampled_from([answers, target]))],
            ]
        )
    )
    return [*line, "--db", str(work / "sessions.db")]


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 30))
@given(data=st.data())
def test_a_failing_command_leaves_every_session_as_it_was(work, data):
    template, database = work / "three-sessions.db", work / "sessions.db"
    if not template.exists():
        for example in sorted(EXAMPLE_FILES.glob("*.yaml"))[:3]:
            main(["sessions", "import", str(example), "--db", str(template)])
    shutil.copyfile(template, database)  # every example starts from the same three sessions
    shutil.copyfile(EXAMPLE_FILES / "healthy.yaml", work / "answers.yaml")
    with Store(database) as store:
        before = [(s._asdict(), s.answers, s.metrics) for s in store.list()]
    line = data.draw(command_lines(work, [s["id"] for s, _, _ in before]))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(line)
        except SystemExit as exc:  # argparse's own usage errors: exit 2
            code = exc.code
    assert code in (EXIT_OK, EXIT_INPUT), (line, err.getvalue())
    if code == EXIT_INPUT:
        with Store(database) as store:
            assert [(s._asdict(), s.answers, s.metrics) for s in store.list()] == before, line
        assert err.getvalue().strip()  # one message, ours or argparse's usage line
