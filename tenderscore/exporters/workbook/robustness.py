"""The Sensitivity sheet: stability intervals, win probabilities and weight sweeps."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import (
    BOLD,
    CENTRED,
    CHART_ROWS,
    WRAPPED,
    WorkbookWriter,
)
from tenderscore.report.types import SensitivityPart, StabilityPart, sensitivity_of


def write_robustness(w: WorkbookWriter, sheet: Worksheet) -> None:
    report = sensitivity_of(w.doc)
    w.title(sheet, "robustness (values from tenderscore sensitivity)")
    w.text(sheet, 2, 1, report["headline"], WRAPPED)
    sheet.merge_cells("A2:H5")
    r = 7
    r = _stability_table(
        w, sheet, r, "Weight stability (other weights rescaled proportionally)", report["stability"]
    )
    within = report.get("section_stability", [])
    if within:
        title = "Within each section (shares of the section's weight; section weights held)"
        r = _stability_table(w, sheet, r + 1, title, within)
    r = _smaa_table(w, sheet, report, r + 1)
    r = _sweep_table(w, sheet, report, r + 1)
    r += 1
    w.heading(sheet, r, 1, "Rank reversal and price formulas")
    for reversal in report["rank_reversals"]:
        r += 1
        pairs = ", ".join(f"{w.names[a]} / {w.names[b]}" for a, b in reversal["swapped"])
        w.text(
            sheet,
            r,
            1,
            f"Withdrawing {w.names[reversal['withdrawn']]} swaps {pairs} "
            f"(cause: {', '.join(reversal['causes'])})",
        )
    for outcome in report["formulas"]:
        r += 1
        order = " > ".join(w.names[b] for b in outcome["order"])
        w.text(sheet, r, 1, outcome["formula"] + (" (published)" if outcome["declared"] else ""))
        w.text(sheet, r, 2, order)
        w.prose(sheet, r, 6, outcome["parameters"], width=30)
    r += 2
    w.heading(sheet, r, 1, "Scenarios (each fully re-evaluated)")
    scenarios = report["scenarios"]
    w.header(sheet, r + 1, ["Supplier", *[s["name"] for s in scenarios]])
    for k, bid in enumerate(w.bids):
        w.text(sheet, r + 2 + k, 1, bid["name"])
        for s_index, scenario in enumerate(scenarios):
            ranking = {entry["bid"]: entry for entry in scenario["ranking"]}
            entry = ranking.get(bid["id"])
            if entry is None:
                w.text(sheet, r + 2 + k, 2 + s_index, "excluded", CENTRED)
            else:
                w.value(sheet, r + 2 + k, 2 + s_index, entry["rank"], look=CENTRED)


def _stability_table(
    w: WorkbookWriter, sheet: Worksheet, r: int, title: str, intervals: list[StabilityPart]
) -> int:
    """One row per interval from row ``r`` (the title); the row after the last."""
    w.heading(sheet, r, 1, title)
    w.header(
        sheet,
        r + 1,
        [
            "Weight",
            "Now",
            "Winner unchanged from",
            "to",
            "Below, the winner is",
            "Above, the winner is",
            "Ranking unchanged from",
            "to",
        ],
    )
    r += 2
    names = {node["id"]: node["name"] for node in w.doc["criteria"]}
    for interval in intervals:
        section_id = interval.get("section")
        if section_id:  # wrapped: with its section the name runs long
            w.prose(sheet, r, 1, f"{interval['name']} ({names.get(section_id, section_id)})", 40)
        else:
            w.text(sheet, r, 1, interval["name"])
        w.value(sheet, r, 2, interval["weight"], "0.0%")
        w.value(sheet, r, 3, interval["winner_low"]["weight"], "0.0%")
        w.value(sheet, r, 4, interval["winner_high"]["weight"], "0.0%")
        for column, end in ((5, interval["winner_low"]), (6, interval["winner_high"])):
            if end["taker"]:
                w.text(sheet, r, column, w.names[end["taker"]])
        w.value(sheet, r, 7, interval["ranking_low"]["weight"], "0.0%")
        w.value(sheet, r, 8, interval["ranking_high"]["weight"], "0.0%")
        r += 1
    return r


def _smaa_table(w: WorkbookWriter, sheet: Worksheet, report: SensitivityPart, r: int) -> int:
    smaa = report["smaa"]
    if smaa is None:
        return r
    w.text(
        sheet,
        r,
        1,
        f"Rank probabilities ({smaa['samples']:,} samples, "
        f"{smaa['sampling']} weights, seed {smaa['seed']})",
        BOLD,
    )
    ranks = smaa["ranks_kept"]
    w.header(sheet, r + 1, ["Supplier", "Confidence", *[f"rank {k + 1}" for k in range(ranks)]])
    for k, bid in enumerate(smaa["bids"]):
        w.text(sheet, r + 2 + k, 1, w.names[bid])
        confidence = smaa["confidence"][k]
        if confidence is not None:
            w.value(sheet, r + 2 + k, 2, confidence, "0%")
        for rank in range(ranks):
            w.value(sheet, r + 2 + k, 3 + rank, smaa["rank_acceptability"][k][rank], "0.0%")
    w.keep_together(sheet, r, r + 1 + len(smaa["bids"]))  # the heading with its table
    return r + 2 + len(smaa["bids"])


def _sweep_table(w: WorkbookWriter, sheet: Worksheet, report: SensitivityPart, r: int) -> int:
    sweeps = report["sweeps"]
    if not sweeps:
        return r
    sweep = sweeps[0]
    w.text(
        sheet,
        r,
        1,
        f"Sweep: totals as {sweep['name']} runs from 0 to 100% (now {100 * sweep['weight']:.1f}%)",
        BOLD,
    )
    bids = list(sweep["figures"])
    w.header(sheet, r + 1, ["Weight", *[w.names[b] for b in bids]])
    for k, t in enumerate(sweep["grid"]):
        w.value(sheet, r + 2 + k, 1, t, "0%")
        for b_index, bid in enumerate(bids):
            w.value(sheet, r + 2 + k, 2 + b_index, sweep["figures"][bid][k], "0.00")
    last = r + 1 + len(sweep["grid"])
    chart = LineChart()
    chart.title = f"Totals against the weight of {sweep['name']}"
    chart.add_data(
        Reference(sheet, min_col=2, max_col=1 + len(bids), min_row=r + 1, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=r + 2, max_row=last))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 7.5, 16
    sheet.add_chart(chart, f"A{last + 2}")  # below the table: beside it, it widened the page
    w.keep_together(sheet, r, last + 2 + CHART_ROWS)  # the table and its chart
    return last + 2 + CHART_ROWS
