"""The report's pages as a reader sees them: every example, the branded report and a client
report of seven respondents (a long name among them) rendered for real, each page read back
(tests/layout.py): none but the last under a quarter filled, no heading last on its page, no
text past the margins."""

from __future__ import annotations

import pytest

from .conftest import EXAMPLES, QUESTION_IDS, ROOT
from .layout import layout_faults

CLIENT = "Halvorsen & Aoki Cloud Infrastructure Analytics"
SEVEN = [  # respondent, role, answers, figures
    (
        "Dana Lee",
        "CFO",
        "people_always nothing concessions few_foreseen nrr_up_margin_down broad in_step",
        "nrr: 111%, grr: 84%, logo_retention: 81%, gross_margin: [78%, 76%, 73%, 70%], "
        "nrr_history: [104%, 106%, 109%, 111%], arr: 14M, employees: 120, acv: 60K, "
        "arr_growth: 32%, headcount_growth: 37%, cac_payback_months: 22, "
        "discounted_renewal_share: 34%",
    ),
    (
        "Priya Raman-Castellanos de la Fuente",
        "CEO",
        "people_mostly quarterly_review activity looked_healthy both_steady_or_up handful faster",
        "nrr: 108%",
    ),
    (
        "Sam Ortiz",
        "Customer success",
        "people_always nothing activity looked_healthy nrr_up_margin_down largest_mostly faster",
        "untouched_expansion_ready_share: 45%, healthy_churn_share: 28%",
    ),
    (
        "Lee Park",
        "Sales",
        "people_mostly when_someone_has_time relationship many_small not_paired handful in_step",
        "top_accounts_expansion_share: 62%",
    ),
    (
        "Wilhelmina Oyelaran-Thorvaldsdottir, Vice President of Global Revenue Operations "
        "and Strategic Partnerships",
        "Revenue operations",
        "mixed cannot_tell activity unknown both_down broad faster",
        "product_sourced_share: 12%",
    ),
    (
        "Bartholomew-Featherstonehaugh-Cholmondeley-Marjoribanks-Worcestershire",
        "Product",
        "mixed product_prompts measured_outcome few_foreseen both_steady_or_up broad slower",
        "outcome_backed_renewal_share: 20%",
    ),
    (
        "Ama Mensah",
        "CFO",
        "people_always nothing concessions recently_won nrr_up_margin_down handful in_step",
        "",
    ),
]


@pytest.fixture
def seven(cli, tmp_path):
    """A client report of seven respondents who all answered, one more invited, a sponsor."""
    for day, (who, role, answers, figures) in enumerate(SEVEN, 1):
        chosen = ", ".join(f"{q}: {a}" for q, a in zip(QUESTION_IDS, answers.split(), strict=True))
        path = tmp_path / f"respondent{day}.yaml"
        path.write_text(
            f"client: {CLIENT}\nrespondent: {who}\nrole: {role}\ndate: 2026-10-0{day}\n"
            f"state: finished\nanswers: {{{chosen}}}\nmetrics: {{{figures}}}\n"
        )
        assert cli("sessions", "import", path).code == 0
    assert cli("invite", "--client", CLIENT, "--respondent", "Jordan Blake").code == 0
    assert cli("clients", "set", CLIENT, "--sponsor", "Dana Lee").code == 0
    pdf = tmp_path / "seven.pdf"
    result = cli("report", "--client", CLIENT, "-o", pdf)
    assert result.code == 0, result.err
    return pdf


def test_every_page_is_filled_and_within_its_margins(rendered, seven, cli, tmp_path):
    branded = tmp_path / "branded.pdf"
    brand = ROOT / "examples" / "brand"
    assert cli("report", EXAMPLES / "vibe_revenue.yaml", "-o", branded, "--brand", brand).code == 0
    reports = {**rendered, "branded": branded, "client of seven": seven}
    faults = [fault for name, pdf in reports.items() for fault in layout_faults(pdf, name)]
    assert not faults, "\n".join(faults)


def test_the_check_sees_a_stranded_heading_and_a_mostly_empty_page(tmp_path):
    """The checker itself, on a PDF made to fail: a heading at the foot of a page, a page
    that holds one line, a line past the right margin on the last page (which may be
    short)."""
    from weasyprint import HTML

    filler = "<p>" + "A line of body text that fills the page. " * 40 + "</p>"
    html = (
        "<style>@page { size: A4; margin: 22mm 18mm 20mm 18mm } body { font: 9.5pt Inter }"
        "h3 { font: bold 10.5pt Inter; margin: 0 } .next { break-before: page }</style>"
        f"{filler * 4}<h3 style='margin-top: 20mm'>Stranded</h3>"
        f"<p class='next'>One line.</p><div class='next' style='white-space: nowrap'>{filler}</div>"
    )
    pdf = tmp_path / "bad.pdf"
    HTML(string=html).write_pdf(pdf)
    faults = "\n".join(layout_faults(pdf, "made to fail"))
    assert "a heading last on the page: 'Stranded'" in faults
    assert "made to fail page 3 of 4: only" in faults
    assert "made to fail page 4 of 4: text past the margins" in faults
    assert "page 4 of 4: only" not in faults
