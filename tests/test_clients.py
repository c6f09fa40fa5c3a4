"""A client is a company: its respondents' states, who counts in its read, its figures merged
from every session, its roles and the anonymity threshold, on real stores through the
command line (and one store an older quicktest made)."""

from __future__ import annotations

import json
from statistics import fmean

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quicktest.domain.anonymity import shown_groups
from quicktest.sources.store import Store

from .conftest import QUESTION_IDS, older_store, text_of

CFO = """client: Acme Analytics
respondent: Dana Lee
role: CFO
date: 2026-10-01
state: finished
answers: {revenue_triggers: people_always, expansion_ready_accounts: nothing,
  renewal_case: concessions, lost_accounts: few_foreseen, nrr_and_margin: nrr_up_margin_down,
  expansion_source: broad, headcount_vs_arr: in_step}
metrics: {nrr: 111%, grr: 88%, gross_margin: [78%, 74%, 70%], arr: 12M, employees: 80}
"""
CEO = """client: ACME ANALYTICS
respondent: Priya Raman
role: ceo
date: 2026-10-03
state: answered
answers: {revenue_triggers: people_mostly, expansion_ready_accounts: quarterly_review,
  renewal_case: activity, lost_accounts: looked_healthy, nrr_and_margin: both_steady_or_up,
  expansion_source: handful, headcount_vs_arr: faster}
metrics: {nrr: 108%}
"""
HALFWAY = """client: acme analytics
respondent: Sam Ortiz
role: Customer success
date: 2026-10-04
state: in progress
answers: {revenue_triggers: people_always, expansion_ready_accounts: nothing,
  renewal_case: activity}
"""


def imported(cli, tmp_path, **files: str) -> dict[str, str]:
    ids = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        result = cli("sessions", "import", path)
        assert result.code == 0, result.err
        ids[name] = result.out.strip()
    return ids


@pytest.fixture
def acme(cli, tmp_path):
    """Two respondents who answered everything (the CFO with the figures), one who stopped
    halfway, and one private link not yet opened."""
    ids = imported(cli, tmp_path, cfo=CFO, ceo=CEO, halfway=HALFWAY)
    made = cli(
        "invite", "--client", "Acme analytics", "--respondent", "Lee Park", "--role", "Sales"
    )
    assert made.code == 0, made.err
    ids["invited"] = made.err.split("session ", 1)[1].split(",", 1)[0]
    return ids


def as_json(cli, *args: str):
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_every_list_tells_who_finished_from_who_stopped(cli, acme):
    states = {s["id"]: s for s in as_json(cli, "sessions", "list")}
    assert {k: (states[i]["state"], states[i]["answered"]) for k, i in acme.items()} == {
        "cfo": ("finished", 7),
        "ceo": ("answered", 7),
        "halfway": ("in progress", 3),
        "invited": ("invited", 0),
    }
    assert {s["client"] for s in states.values()} == {"Acme Analytics"}  # as first written
    (link,) = as_json(cli, "invite", "list")
    assert (link["state"], link["progress"], link["answered"], link["role"]) == (
        "open",
        "invited",
        0,
        "Sales",
    )
    listed = cli("clients", "list").out
    assert "Acme Analytics" in listed and "Lee Park" in listed


def test_the_client_read_counts_exactly_those_with_answers_and_leads_with_their_combination(
    cli, acme
):
    """The halfway respondent counts, with the answers they gave (only sessions with answers
    count); the invitation never answered is pending, never averaged in."""
    read = as_json(cli, "score", "--client", "acme")
    counted = {p["name"]: p["state"] for p in read["respondents"]}
    assert counted == {
        "Dana Lee": "finished",
        "Priya Raman": "answered",
        "Sam Ortiz": "in progress",
    }
    assert [(p["name"], p["state"]) for p in read["pending"]] == [("Lee Park", "invited")]
    assert read["client"] == "Acme Analytics" and read["respondent"] is None
    for pattern in read["patterns"]:  # the mean of the three, each read with the same figures
        own = [
            next(p["score"] for p in r["patterns"] if p["id"] == pattern["id"])
            for r in read["reads"]
        ]
        assert len(own) == 3 and pattern["score"] == round(fmean(own), 3)
    assert read["dominant"] == read["patterns"][0]["id"]
    # the company's figures: the CFO's with the CEO's newer NRR, and the conflict named
    assert read["metrics"]["grr"] == 0.88 and read["metrics"]["arr"] == 12_000_000
    assert read["metrics"]["nrr"] == 1.08
    (conflict,) = read["figure_conflicts"]
    assert conflict["metric"] == "nrr"
    assert conflict["values"] == [
        {"respondent": "Priya Raman", "value": 1.08},
        {"respondent": "Dana Lee", "value": 1.11},
    ]
    assert all(r["metrics"]["grr"] == 0.88 for r in read["reads"])
    compared = as_json(cli, "compare", "--client", "ACME")
    assert [p["name"] for p in compared["respondents"]] == [p["name"] for p in read["respondents"]]
    assert compared["patterns"] == read["patterns"]
    text = cli("score", "--client", "acme").out
    assert "combined read of 3 respondents" in text
    assert "Not counted, no answers yet: Lee Park, Sales (invited" in text
    said = "Priya Raman gave 108%; Dana Lee gave 111%. The company's read uses 108%, the newest."
    assert said in " ".join(text.split())


def test_a_grr_that_cannot_stand_beside_the_nrr_used_is_left_out_and_named(cli, tmp_path):
    """Each respondent's pair held together (111% and 88%); the newest of each, from two
    people (an NRR of 85% given later), do not: GRR is never above NRR. The company's read
    leaves GRR out and says so, rather than read a pair no one gave."""
    later = CEO.replace("metrics: {nrr: 108%}", "metrics: {nrr: 85%}")
    imported(cli, tmp_path, cfo=CFO, ceo=later)
    read = as_json(cli, "score", "--client", "acme")
    assert read["metrics"]["nrr"] == 0.85 and "grr" not in read["metrics"]
    assert all("grr" not in r["metrics"] for r in read["reads"])
    by_metric = {c["metric"]: c for c in read["figure_conflicts"]}
    assert by_metric["grr"]["used"] is None
    assert by_metric["grr"]["values"] == [{"respondent": "Dana Lee", "value": 0.88}]
    assert by_metric["nrr"]["used"] == 0.85
    text = " ".join(cli("score", "--client", "acme").out.split())
    assert "Gross revenue retention: Dana Lee gave 88%. The company's read leaves it out:" in text
    assert "88% is above the NRR of 85% it uses" in text
    pdf = tmp_path / "acme.pdf"
    assert cli("report", "--client", "acme", "-o", pdf).code == 0
    assert "2 figures from different people do not agree" in " ".join(text_of(pdf).split())


def test_the_client_report_leads_with_the_company(cli, acme, tmp_path):
    pdf, html = tmp_path / "acme.pdf", tmp_path / "acme.html"
    result = cli("report", "--client", "acme", "-o", pdf, "--html", html)
    assert result.code == 0, result.err
    text = text_of(pdf)
    read = as_json(cli, "score", "--client", "acme")
    top = next(p for p in read["patterns"] if p["id"] == read["dominant"])
    cover = text.split("Summary", 1)[0]
    assert "Acme Analytics" in cover and "Combined read of 3 respondents" in cover
    assert top["name"] in cover and "acme analytics" not in cover.replace("Acme Analytics", "")
    assert "3 people at Acme Analytics answered; 1 more has not answered yet" in text
    assert "Not counted yet (no answers): Lee Park (Sales), invited." in text
    # the CFO's figures are the company's: a metrics page, whoever's session is newest
    assert "The metrics" in text and "Given by Dana Lee" in text and "$12M" in text
    assert "Where the figures given differ" in text
    assert "Each respondent's own read" in text
    for name in ("Dana Lee", "Priya Raman", "Sam Ortiz"):
        assert html.read_text().count(name) >= 3  # listed, their read, their answers


def test_roles_show_where_they_see_the_company_differently_and_the_sponsor(cli, acme):
    assert cli("clients", "set", "acme", "--sponsor", "dana lee").code == 0
    read = as_json(cli, "compare", "--client", "acme")
    assert {g["name"]: g["size"] for g in read["roles"]} == {
        "CEO": 1,
        "CFO": 1,
        "Customer success": 1,
    }
    gap = read["role_gaps"][0]
    assert gap["gap"] == round(gap["high"][1] - gap["low"][1], 3) > 0
    sponsor = read["sponsor"]
    assert sponsor["respondent"] == "Dana Lee" and sponsor["others_count"] == 2
    assert [p["sponsor"] for p in read["respondents"]].count(True) == 1
    text = cli("compare", "--client", "acme").out
    assert "Where the roles see it differently" in text
    assert "The sponsor, Dana Lee, beside the 2 others" in text


def test_below_the_threshold_no_person_or_small_role_is_shown_nor_can_be_worked_out(cli, tmp_path):
    """Seven respondents: one CFO, three in sales, three in customer success; threshold 3.
    The CFO's role alone would be one person, and the combined read minus two shown roles
    would give it away: so one of the roles of three is pooled with the CFO as "other
    roles", and no figure stands for fewer than three."""
    roles = ["CFO"] + ["Sales"] * 3 + ["Customer success"] * 3
    options = ["people_always", "product_led", "mixed", "people_mostly"]
    files = {
        f"r{i}": f"client: Halden\nrespondent: Person {i}\nrole: {role}\ndate: 2026-10-0{i + 1}\n"
        f"answers: {{revenue_triggers: {options[i % 4]}, renewal_case: activity}}\n"
        f"metrics: {{nrr: {100 + i * 3 % 7}%}}\n"
        for i, role in enumerate(roles)
    }
    imported(cli, tmp_path, **files)
    assert cli("clients", "set", "halden", "--anonymity", "3", "--sponsor", "Person 0").code == 0
    read = as_json(cli, "score", "--client", "halden")
    sizes = {g["name"]: g["size"] for g in read["roles"]}
    assert all(size >= 3 for size in sizes.values())
    assert "CFO" not in sizes and sizes.get("other roles") == 4
    assert sum(sizes.values()) in (7, 0) or 7 - sum(sizes.values()) >= 3  # what is left out
    assert read["reads"] == [] and read["sponsor"] is None
    assert all(a["by"] is None for a in read["answers"])
    assert read["figures_given_by"] == {}
    (nrr,) = read["figure_conflicts"]  # the values given, in their own order: no one's
    assert [v["value"] for v in nrr["values"]] == [1.0, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06]
    assert {v["respondent"] for v in nrr["values"]} == {None}
    assert all("given_by" not in e for p in read["patterns"] for e in p["evidence"])
    html = tmp_path / "h.html"
    assert cli("report", "--client", "halden", "-o", tmp_path / "h.pdf", "--html", html).code == 0
    page = html.read_text()
    assert "Their dominant pattern" not in page and "Each respondent&#39;s own read" not in page
    assert "no figure in this report stands for fewer than 3 respondents" in page
    # with fewer respondents than the threshold, nothing is shown at all
    assert cli("clients", "set", "halden", "--anonymity", "8").code == 0
    result = cli("score", "--client", "halden")
    assert result.code == 2
    assert "7 respondents with answers and an anonymity threshold of 8" in result.err


@given(
    st.dictionaries(st.text("abcdef", min_size=1, max_size=3), st.integers(1, 9), max_size=6),
    st.integers(0, 6),
)
def test_no_shown_group_nor_what_they_leave_out_is_under_the_threshold(sizes, threshold):
    shown = shown_groups(sizes, threshold)
    assert set(shown.groups) | set(shown.pooled) == set(sizes)
    if threshold <= 1:
        assert (shown.groups and not shown.pooled) or not sizes
        return
    assert all(sizes[g] >= threshold for g in shown.groups)
    left_out = sum(sizes[g] for g in shown.pooled)
    assert left_out == 0 or left_out >= threshold or not shown.groups
    assert shown.pool_shown == (left_out >= threshold)


ALL_ANSWERS = (
    "{revenue_triggers: people_always, expansion_ready_accounts: nothing, renewal_case: "
    "concessions, lost_accounts: few_foreseen, nrr_and_margin: nrr_up_margin_down, "
    "expansion_source: broad, headcount_vs_arr: in_step}"
)
FEW_ANSWERS = [
    "{revenue_triggers: product_led, expansion_ready_accounts: quarterly_review}",
    "{revenue_triggers: mixed, expansion_ready_accounts: nothing}",
]


def _three(cli, folder, answers: list[str], dates: list[str], nrrs: list[int]) -> dict:
    """Dana, Priya and Sam of one client with these answers, dates and NRRs, threshold 3;
    the client read's JSON."""
    folder.mkdir()
    files = {
        name: f"client: Quill\nrespondent: {name}\ndate: {date}\nanswers: {given}\n"
        f"metrics: {{nrr: {nrr}%}}\n"
        for name, given, date, nrr in zip(
            ("Dana", "Priya", "Sam"), answers, dates, nrrs, strict=True
        )
    }
    db = folder / "s.db"
    for name, text in files.items():
        path = folder / f"{name}.yaml"
        path.write_text(text)
        assert cli("sessions", "import", path, "--db", db).code == 0
    assert cli("clients", "set", "quill", "--anonymity", "3", "--db", db).code == 0
    return as_json(cli, "score", "--client", "quill", "--db", str(db))


def test_under_a_threshold_nothing_says_who_answered_what(cli, tmp_path):
    """Threshold 3: Dana answered all seven questions, Priya and Sam two. What only Dana
    answered has no count, evidence or conflict; the evidence, the list of respondents and
    the figures' words do not follow who answered when, so the same answers given by other
    people on other days read the same."""
    answers = [ALL_ANSWERS, *FEW_ANSWERS]
    days = ["2026-10-01", "2026-10-02", "2026-10-03"]
    first = _three(cli, tmp_path / "a", answers, days, [111, 108, 95])
    alone = {a["question"] for a in first["answers"] if a["question"] not in QUESTION_IDS[:2]}
    assert alone and all(a["counts"] == {} for a in first["answers"] if a["question"] in alone)
    assert all(a["counts"] for a in first["answers"] if a["question"] in QUESTION_IDS[:2])
    shown = [e for p in first["patterns"] for e in p["evidence"] if e["source"] == "answer"]
    assert shown and not any(e["ref"] in alone for e in shown)
    assert not any(c["question"] in alone for c in first["conflicts"])
    assert [(p["name"], p["date"]) for p in first["respondents"]] == [
        ("Dana", None),
        ("Priya", None),
        ("Sam", None),
    ]
    (nrr,) = first["figure_conflicts"]
    assert nrr["used"] == 0.95  # the newest, as always; only not called so

    # the same three answers, given in another order of days: the same read, word for word
    same = [108, 108, 108]
    before = _three(cli, tmp_path / "c", answers, days, same)
    later = _three(cli, tmp_path / "d", answers, ["2026-10-03", "2026-10-01", "2026-10-02"], same)
    for key in ("patterns", "answers", "conflicts", "dominant", "coverage"):
        assert before[key] == later[key], key
    text = " ".join(cli("score", "--client", "quill", "--db", tmp_path / "a" / "s.db").out.split())
    assert "The company's read uses 95%." in text and "newest" not in text


def test_no_answers_yet_is_said_plainly(cli, tmp_path):
    made = cli("invite", "--client", "Nordwind", "--respondent", "Ann")
    assert made.code == 0
    result = cli("report", "--client", "nordwind", "-o", tmp_path / "n.pdf")
    assert result.code == 2
    assert "client 'Nordwind' has no answered sessions yet; waiting for Ann" in result.err
    assert "did you mean Nordwind?" in cli("score", "--client", "Nordwnd").err


def test_export_and_import_keep_the_state_and_the_role(cli, acme, tmp_path):
    for key, state in (("halfway", "in progress"), ("ceo", "answered"), ("cfo", "finished")):
        path = tmp_path / f"{key}-again.yaml"
        assert cli("sessions", "export", acme[key], "-o", path).code == 0
        assert f"state: {state}" in path.read_text()
        new = cli("sessions", "import", path).out.strip()
        row = next(s for s in as_json(cli, "sessions", "list") if s["id"] == new)
        assert (row["state"], row["role"]) == (
            state,
            {"halfway": "Customer success", "ceo": "ceo", "cfo": "CFO"}[key],
        )
    with Store(tmp_path / "sessions.db") as store:
        assert store.get(new).position == 0
        halfway = next(
            s for s in store.list() if s.respondent == "Sam Ortiz" and s.id != acme["halfway"]
        )
        assert halfway.position == 3  # reopens at its first unanswered question


def test_a_store_an_older_quicktest_made_moves_forward(cli, tmp_path):
    """Version 4: 'done' sessions, one client written two ways. Step 5 makes 'done'
    'finished' and step 6 gives the client a record named as first written."""
    path = tmp_path / "old.db"
    db = older_store(path, 4)
    for n, (client, state) in enumerate(
        [("acme analytics", "done"), ("ACME Analytics", "in progress")]
    ):
        db.execute(
            "INSERT INTO sessions (id, client, respondent, date, state, bank_id, bank_version, "
            "created_at, updated_at) VALUES (?, ?, ?, '2025-01-02', ?, 'b', '1', ?, 'x')",
            (f"0000000{n}", client, f"R{n}", state, f"2025-01-0{n + 1}"),
        )
        db.execute(f"INSERT INTO answers VALUES ('0000000{n}', 'renewal_case', 'activity', 'x')")
    db.execute("PRAGMA user_version = 4")
    db.close()
    rows = as_json(cli, "--db", path, "sessions", "list")
    assert {r["id"]: r["state"] for r in rows} == {
        "00000000": "finished",
        "00000001": "in progress",
    }
    assert {r["client"] for r in rows} == {"acme analytics"}  # as first written
    assert cli("--db", path, "clients", "set", "Acme", "--name", "Acme Analytics").code == 0
    assert as_json(cli, "--db", path, "score", "--client", "acme")["client"] == "Acme Analytics"
    refused = cli("--db", path, "clients", "set", "Acme", "--name", "Other Co")
    assert refused.code == 2 and "another name" in refused.err
