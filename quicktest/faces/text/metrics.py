"""Revenue metrics as an analyst's note for a terminal: amounts, ratios, bands, warnings."""

from __future__ import annotations

from quicktest.app.revenue import RevenueReport
from quicktest.domain.metrics import INPUTS, format_value
from quicktest.faces.text.style import Out


def _pct(value: float | None) -> str:
    return "n/a" if value is None else format_value(INPUTS["nrr"], value)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _accounts(count: int) -> str:
    return f"{count} account{'' if count == 1 else 's'}"


def render(report: RevenueReport, out: Out) -> None:
    read = report.revenue
    total = read.total
    window = f", {read.window[0]} to {read.window[1]}" if read.window else ""
    sheet = f", sheet {read.sheet!r}" if read.sheet else ""
    as_of = f", as of {read.as_of.isoformat()}" if read.as_of else ""
    out.line((f"Revenue file: {read.file} ({read.shape}{sheet}{window}{as_of})", "bold"))
    for warning in read.warnings:  # before any number, so that none is read without them
        out.paragraph(f"Check: {warning.message}", style="bold yellow")
    out.paragraph(
        f"Cohort: {_accounts(total.cohort)} with revenue at the start; "
        f"{total.new} new {_accounts(total.new).split(' ', 1)[1]} left out of the ratios"
    )
    out.blank()
    churned = total.cohort - total.retained
    ending = total.start - total.churn - total.contraction + total.expansion
    out.table(
        [
            ("Starting revenue", _money(total.start), ""),
            (
                "Churn",
                f"-{_money(total.churn)}",
                (f"{_accounts(churned)} left", "dim"),
            ),
            ("Contraction", f"-{_money(total.contraction)}", ""),
            ("Expansion", f"+{_money(total.expansion)}", ""),
            ("Ending revenue (same cohort)", _money(ending), ""),
        ],
        right=(1,),
    )
    out.blank()
    if total.nrr is None:
        out.paragraph("No account had revenue at the start: NRR and GRR cannot be computed.")
        return
    grr = report.band("grr")
    grr_words = ""
    if grr is not None:
        grr_words = (
            f"benchmark {_pct(grr.band.edge('low'))} to {_pct(grr.band.edge('high'))} "
            f"({grr.band.label})"
        )
    out.table(
        [
            ("NRR", (_pct(total.nrr), "bold"), report.nrr_words or ""),
            ("GRR", (_pct(total.grr), "bold"), grr_words),
            (
                "Logo retention",
                (_pct(total.logo_retention), "bold"),
                f"{total.retained} of {_accounts(total.cohort)} still paying",
            ),
        ],
        right=(1,),
    )
    nrr = report.band("nrr")
    if nrr is not None:
        out.paragraph(
            f"NRR benchmark compared against: {_pct(nrr.band.value)} ({nrr.band.label})",
            style="dim",
        )
    for reading in report.figure_warnings:
        out.blank()
        out.paragraph(f"Warning: {reading.says}", style="bold yellow")
    if read.history:
        out.blank()
        out.line(("Trailing twelve-month NRR and GRR by end period", "bold"))
        out.table(
            [(p.period, _pct(p.nrr), _pct(p.grr)) for p in read.history],
            header=("period", "NRR", "GRR"),
            right=(1, 2),
        )
    if read.by_column:
        out.blank()
        out.line((f"By {read.by_column}", "bold"))
        out.table(
            [
                (
                    value or "(blank)",
                    _pct(group.nrr),
                    _pct(group.grr),
                    _pct(group.logo_retention),
                    _money(group.start),
                    str(group.cohort),
                    str(group.new),
                )
                for value, group in sorted(read.by.items())
            ],
            header=(read.by_column, "NRR", "GRR", "logos", "start", "accounts", "new"),
            right=(1, 2, 3, 4, 5, 6),
        )
