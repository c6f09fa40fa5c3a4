"""Revenue metrics as an analyst's note for a terminal: amounts, ratios, bands, warnings."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from quicktest.bank import Bank
from quicktest.engine import choose_bands
from quicktest.metrics import INPUTS, format_value
from quicktest.revenue import Movement, RevenueRead

# Below these, a high NRR stands on a base that is leaving (the Vibe Revenue shape).
FRAGILE_LOGO_RETENTION = 0.8


def _pct(value: float | None) -> str:
    return "n/a" if value is None else format_value(INPUTS["nrr"], value)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def warning(movement: Movement, grr_floor: float | None) -> str | None:
    """A warning when NRR looks healthy while GRR (under `grr_floor`, the low end of its
    benchmark) or logo retention says the base is thin."""
    nrr, grr, logos = movement.nrr, movement.grr, movement.logo_retention
    if nrr is None or nrr < 1.0:
        return None
    weak = []
    if grr is not None and grr_floor is not None and grr < grr_floor:
        weak.append(f"GRR is {_pct(grr)}")
    if logos is not None and logos < FRAGILE_LOGO_RETENTION:
        weak.append(f"logo retention is {_pct(logos)}")
    if not weak:
        return None
    return (
        f"NRR of {_pct(nrr)} stands on a thin base: {' and '.join(weak)}. A few expanding "
        "accounts may be hiding many that leave; read NRR only beside GRR."
    )


def render(bank: Bank, read: RevenueRead, console: Console) -> None:
    total = read.total
    window = f", {read.window[0]} to {read.window[1]}" if read.window else ""
    console.print(Text(f"Revenue file: {read.file} ({read.shape}{window})", style="bold"))
    console.print(
        f"Cohort: {total.cohort} accounts with revenue at the start; "
        f"{total.new} new accounts left out of the ratios"
    )
    console.print()
    amounts = Table.grid(padding=(0, 2))
    amounts.add_column()
    amounts.add_column(justify="right")
    amounts.add_column(style="dim")
    churned = total.cohort - total.retained
    ending = total.start - total.churn - total.contraction + total.expansion
    amounts.add_row("Starting revenue", _money(total.start), "")
    amounts.add_row("Churn", f"-{_money(total.churn)}", f"{churned} accounts left")
    amounts.add_row("Contraction", f"-{_money(total.contraction)}", "")
    amounts.add_row("Expansion", f"+{_money(total.expansion)}", "")
    amounts.add_row("Ending revenue (same cohort)", _money(ending), "")
    console.print(amounts)
    console.print()
    if total.nrr is None:
        console.print("No account had revenue at the start: NRR and GRR cannot be computed.")
        return
    bands = {b.benchmark.id: b for b in choose_bands(bank, read.metrics())}
    ratios = Table.grid(padding=(0, 2))
    ratios.add_column()
    ratios.add_column(justify="right", style="bold")
    ratios.add_column()
    ratios.add_row("NRR", _pct(total.nrr), bank.nrr_reading(total.nrr))
    grr_band = bands["grr"].band
    ratios.add_row(
        "GRR",
        _pct(total.grr),
        f"benchmark {_pct(grr_band.low)} to {_pct(grr_band.high)} ({grr_band.label})",
    )
    ratios.add_row(
        "Logo retention",
        _pct(total.logo_retention),
        f"{total.retained} of {total.cohort} accounts still paying",
    )
    console.print(ratios)
    nrr_band = bands["nrr"].band
    console.print(
        Text(
            f"NRR benchmark compared against: {_pct(nrr_band.value)} ({nrr_band.label})",
            style="dim",
        )
    )
    alert = warning(total, grr_band.low)
    if alert:
        console.print()
        console.print(Text(f"Warning: {alert}", style="bold yellow"))
    if read.history:
        console.print()
        console.print(Text("Trailing twelve-month NRR and GRR by end period", style="bold"))
        history = Table(box=None, header_style="dim")
        for name in ("period", "NRR", "GRR"):
            history.add_column(name, justify="right" if name != "period" else "left")
        for point in read.history:
            history.add_row(point.period, _pct(point.nrr), _pct(point.grr))
        console.print(history)
    if read.by_column:
        console.print()
        table = Table(
            title=f"By {read.by_column}", title_justify="left", box=None, header_style="bold"
        )
        for name in (read.by_column, "NRR", "GRR", "logos", "start", "accounts", "new"):
            table.add_column(name, justify="left" if name == read.by_column else "right")
        for value, group in sorted(read.by.items()):
            table.add_row(
                value or "(blank)",
                _pct(group.nrr),
                _pct(group.grr),
                _pct(group.logo_retention),
                _money(group.start),
                str(group.cohort),
                str(group.new),
            )
        console.print(table)
