"""Terminal rendering of a sensitivity report: sentences first, then the tables behind them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from rich.box import HEAVY_HEAD, SIMPLE_HEAD
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tenderscore.cli.terminal import is_narrow, legend
from tenderscore.report.wording import (
    improvement_words,
    price_cut_words,
    robustness_headline,
    sampling_words,
    unreachable_words,
)
from tenderscore.sensitivity.analysis import SensitivityReport
from tenderscore.sensitivity.stability import StabilityInterval, Sweep
from tenderscore.sensitivity.switching import SwitchingValue

MAX_RANK_COLUMNS = 6
SHOWN_BIDS = 25  # the most likely winners; the exports hold every bid
SWITCHES_PER_BID = 4


def _table(console: Console) -> Table:
    """A table as the terminal's width allows: light rules when narrow."""
    return Table(box=SIMPLE_HEAD if is_narrow(console) else HEAVY_HEAD)


def _longest_label(console: Console, report: SensitivityReport) -> int | None:
    """Room for every criterion id whole, indented, when the terminal is narrow."""
    if not is_narrow(console):
        return None
    return max((2 + len(i.id) for i in report.intervals), default=None)


def _label(console: Console, interval: StabilityInterval) -> str:
    """A criterion's name, or its id when the terminal is narrow (the legend has the names)."""
    return interval.id if is_narrow(console) else interval.name


def _heading(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold"))


def render_sensitivity(
    console: Console, report: SensitivityReport, *, published: bool = True
) -> None:
    console.print(Text(robustness_headline(report, published=published)))
    if not report.intervals:
        return
    full_names = report.names
    if is_narrow(console):  # bids by id in the tables, with a legend at the end
        report = dataclasses.replace(report, names={bid: bid for bid in report.names})
    _stability(console, report)
    _within_sections(console, report)
    _sweeps(console, report)
    _probabilities(console, report, published=published)
    _switching(console, report)
    _reversals(console, report)
    _formulas(console, report)
    _scenarios(console, report)
    if report.names != full_names:
        console.print()
        legend(console, "Bids", list(full_names.items()))
        criteria = [(i.id, i.name) for i in (*report.intervals, *report.section_intervals)]
        legend(console, "Criteria", list(dict(criteria).items()))


def _stability(console: Console, report: SensitivityReport) -> None:
    _heading(console, "Weight stability (other weights rescaled proportionally)")
    critical = report.most_critical
    table = _table(console)
    for column in (
        "Weight",
        "Now",
        "Winner unchanged",
        "Beyond, the winner is",
        "Ranking unchanged",
    ):
        text_column = column.startswith(("W", "B"))
        table.add_column(
            column,
            justify="left" if text_column else "right",
            no_wrap=not text_column,
            min_width=_longest_label(console, report) if column == "Weight" else None,
        )
    for interval in report.intervals:
        low, high = interval.winner_low, interval.winner_high
        takers = _takers(interval, report.names)
        mark = " (most critical)" if critical is interval else ""
        table.add_row(
            Text(("" if interval.top_level else "  ") + _label(console, interval) + mark),
            f"{100 * interval.weight:.1f}%",
            f"{100 * low.weight:.1f}-{100 * high.weight:.1f}%",
            Text(takers or "-"),
            f"{100 * interval.ranking_low.weight:.1f}-{100 * interval.ranking_high.weight:.1f}%",
        )
    console.print(table)


def _takers(interval: StabilityInterval, names: Mapping[str, str]) -> str:
    """Who wins beyond each end that changes the winner: 'below: A / above: B'."""
    low, high = interval.winner_low, interval.winner_high
    return " / ".join(
        f"{'below' if end is low else 'above'}: {names[end.taker]}"
        for end in (low, high)
        if end.taker
    )


def _within_sections(console: Console, report: SensitivityReport) -> None:
    """Each criterion's weight as a share of its section, the section weights held."""
    if not report.section_intervals:
        return
    _heading(console, "Within each section (share of the section; section weights held)")
    table = _table(console)
    for column in ("Criterion", "Now", "Winner unchanged", "Beyond, the winner is"):
        text_column = column[0] in "CB"
        table.add_column(
            column, justify="left" if text_column else "right", no_wrap=not text_column
        )
    section = None
    for interval in report.section_intervals:
        if interval.section != section:
            section = interval.section
            table.add_row(Text(interval.section_name, style="bold"), "", "", "")
        low, high = interval.winner_low, interval.winner_high
        takers = _takers(interval, report.names)
        table.add_row(
            Text("  " + _label(console, interval)),
            f"{100 * interval.weight:.1f}%",
            f"{100 * low.weight:.1f}-{100 * high.weight:.1f}%",
            Text(takers or "-"),
        )
    console.print(table)


def _sweeps(console: Console, report: SensitivityReport) -> None:
    if not report.sweeps:
        return
    _heading(console, "One-way sweeps: the leader as each section's weight runs from 0 to 100%")
    table = _table(console)
    for column in ("Section", "at 0%", "now", "at 100%"):
        table.add_column(column)
    leader = report.ranked[0]
    for sweep in report.sweeps:
        table.add_row(
            Text(sweep.id if is_narrow(console) else sweep.name),
            Text(report.names[_leader_at(report, sweep, 0)]),
            Text(report.names[leader]),
            Text(report.names[_leader_at(report, sweep, len(sweep.grid) - 1)]),
        )
    console.print(table)


def _leader_at(report: SensitivityReport, sweep: Sweep, k: int) -> str:
    figures = {bid: values[k] for bid, values in sweep.figures.items()}
    pick = max if report.evaluation.higher_is_better else min
    return pick(figures, key=lambda bid: figures[bid])


def _probabilities(console: Console, report: SensitivityReport, *, published: bool) -> None:
    smaa = report.smaa
    if smaa is None:
        return
    how = sampling_words(
        smaa.sampling, score_uncertainty=smaa.score_uncertainty, published=published
    )
    _heading(
        console,
        f"Rank probabilities ({smaa.samples:,} samples, weights sampled {how}, seed {smaa.seed})",
    )
    table = _table(console)
    table.add_column("Supplier")
    table.add_column("P(win)", justify="right")
    table.add_column("+/-", justify="right")
    ranks = min(len(smaa.bids), MAX_RANK_COLUMNS)
    for r in range(1, ranks):
        table.add_column(f"rank {r + 1}", justify="right")
    table.add_column("Confidence", justify="right")
    order = sorted(range(len(smaa.bids)), key=lambda i: -smaa.acceptability[i, 0])
    for i in order[:SHOWN_BIDS]:
        bid = smaa.bids[i]
        confidence = smaa.confidence[i]
        table.add_row(
            Text(report.names[bid]),
            f"{100 * smaa.acceptability[i, 0]:.1f}%",
            f"{100 * smaa.standard_error[i, 0]:.1f}",
            *(f"{100 * smaa.acceptability[i, r]:.1f}%" for r in range(1, ranks)),
            "-" if confidence != confidence else f"{100 * confidence:.0f}%",
        )
    console.print(table)
    if len(order) > SHOWN_BIDS:
        console.print(
            f"... and {len(order) - SHOWN_BIDS:,} more bids: the workbook and the JSON hold "
            "every one.",
            markup=False,
        )


def _switching(console: Console, report: SensitivityReport) -> None:
    if not report.switching:
        return
    _heading(console, "What each losing bid would need to win (one input at a time)")
    leaves = {leaf.id: leaf.name for leaf in report.evaluation.nodes}
    by_bid: dict[str, list[SwitchingValue]] = {}
    for value in report.switching:
        by_bid.setdefault(value.bid, []).append(value)
    for bid, values in by_bid.items():
        price = [v for v in values if v.kind == "price"]
        others = sorted(
            (v for v in values if v.kind != "price" and v.needed is not None),
            key=lambda v: abs(v.change or 0) / max(abs(v.limit - v.current), 1e-12),
        )
        parts = [_price_cut(price[0], report.evaluation.currency)] if price else []
        parts += [_improvement(v, leaves) for v in others[:SWITCHES_PER_BID]]
        unreachable = sum(1 for v in values if v.kind != "price" and v.needed is None)
        if unreachable:
            parts.append(unreachable_words(unreachable))
        console.print(Text(f"  {report.names[bid]}: " + "; ".join(parts) + "."))


def _price_cut(value: SwitchingValue, currency: str) -> str:
    return price_cut_words(value.current, value.needed, currency)


def _improvement(value: SwitchingValue, leaves: dict[str, str]) -> str:
    words = improvement_words(value.current, value.needed or 0, leaves[value.criterion])
    return f"{words} ({value.change or 0:+.3g} {value.unit})"


def _reversals(console: Console, report: SensitivityReport) -> None:
    _heading(console, "Rank reversal (withdrawing one bid)")
    if not report.reversals:
        console.print("  Withdrawing any one bid leaves the order of the others unchanged.")
        return
    for reversal in report.reversals:
        pairs = ", ".join(f"{report.names[a]} / {report.names[b]}" for a, b in reversal.swapped)
        cause = ", ".join(reversal.causes) or "scores relative to other bids"
        console.print(
            Text(
                f"  Withdrawing {report.names[reversal.withdrawn]} swaps {pairs}"
                f"{' and changes the winner' if reversal.winner_changes else ''}. Cause: "
                f"{cause}, scored against the other bids; an absolute price formula with a "
                "published floor and ceiling (or declared worst and best values) avoids it."
            )
        )


def _formulas(console: Console, report: SensitivityReport) -> None:
    if not report.formulas:
        return
    verdict = (
        "the winner depends on the formula"
        if report.formula_dependent
        else "the winner is the same under every formula"
    )
    _heading(console, f"Price formulas: {verdict}")
    table = _table(console)
    for column in ("Formula", "Parameters", "Order"):
        table.add_column(column)
    for outcome in report.formulas:
        mark = " (published)" if outcome.declared else ""
        table.add_row(
            Text(outcome.formula + mark),
            Text(outcome.parameters),
            Text(" > ".join(report.names[b] for b in outcome.order)),
        )
    console.print(table)


def _scenarios(console: Console, report: SensitivityReport) -> None:
    if len(report.scenarios) < 2:
        return
    _heading(console, "Scenarios (each fully re-evaluated)")
    table = _table(console)
    table.add_column("Supplier")
    for outcome in report.scenarios:
        table.add_column(Text(outcome.name), justify="right")
    for bid in report.evaluation.bids:
        cells = []
        for outcome in report.scenarios:
            result = outcome.evaluation.bid(bid.id)
            cells.append(f"{result.rank}. {result.total:.2f}" if result.rank else "excluded")
        table.add_row(Text(report.names[bid.id]), *cells)
    console.print(table)
