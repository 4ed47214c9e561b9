"""The Summary sheet: the ranking, the winner and the section scores at a glance."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.charts import CHART_BIDS
from tenderscore.exporters.escaping import without_controls
from tenderscore.exporters.workbook.writer import (
    BOLD,
    CENTRED,
    CHART_ROWS,
    WRAPPED,
    WorkbookWriter,
)
from tenderscore.report.criteria import document_priced, quality_points
from tenderscore.report.types import BidPart, sensitivity_of
from tenderscore.report.wording import not_ranked
from tenderscore.rules.frontier import efficient_frontier


def write_summary(w: WorkbookWriter, sheet: Worksheet) -> None:
    tender = w.doc["tender"]
    w.title(sheet, tender["title"])
    w.text(
        sheet,
        2,
        1,
        f"{tender['buyer']} - {w.method.name.replace('_', ' ')}, price "
        f"formula {w.doc['method']['price_formula']}",
    )
    sections = w.doc["sections"]
    names = {c["id"]: c["name"] for c in w.doc["criteria"]}
    priced = document_priced(w.doc)
    value_labels = ["Quality points", "Whole-life price"] if priced else []
    labels = [
        "Rank",
        "Supplier",
        *[names[s] for s in sections],
        "Total",
        "Gap to leader",
        *value_labels,
    ]
    w.header(sheet, 4, labels)
    quality_rows = [w.layout.points_row[leaf["id"]] for leaf in w.leaves if leaf["kind"] != "price"]
    ranked = [bid for bid in w.bids if bid["eligible"]]
    layout = w.layout
    points_rows = {section: w.points_rows(section) for section in sections}
    for offset, bid in enumerate(ranked):
        r = 5 + offset
        column = layout.bid_columns[bid["id"]]
        figure = w.figures[bid["id"]]
        rank = f"=Scores!{column}{layout.rank_row}"
        w.value(sheet, r, 1, rank, look=CENTRED, cached=figure.rank)
        w.text(sheet, r, 2, bid["name"])
        for k, section in enumerate(sections):
            rows = points_rows[section]
            added = "+".join(f"Scores!{column}{row}" for row in rows)
            formula = "=" + w.rounding.excel("section", added) if rows else 0
            w.value(sheet, r, 3 + k, formula, "0.00", cached=bid["section_points"][section])
        total, gap = f"=Scores!{column}{layout.total_row}", f"=Scores!{column}{layout.gap_row}"
        w.value(sheet, r, 3 + len(sections), total, "#,##0.00", cached=figure.total)
        w.value(sheet, r, 4 + len(sections), gap, "#,##0.00", cached=figure.gap)
        if priced and bid["price"] is not None:
            quality = (
                "=" + "+".join(f"Scores!{column}{row}" for row in quality_rows)
                if quality_rows
                else 0
            )
            w.value(sheet, r, 5 + len(sections), quality, "0.00", cached=quality_points(bid))
            price = f"=Scores!{column}{w.price_row()}"
            w.value(sheet, r, 6 + len(sections), price, "#,##0", cached=bid["price"]["price"])
    last = 4 + len(ranked)
    winner_row = last + 2
    leader = "Winner" if w.doc["run"]["official"] else "Leads under these weights"
    w.text(sheet, winner_row, 1, leader, BOLD)
    if ranked:
        leader = next((b["name"] for b in ranked if w.figures[b["id"]].rank == 1), "")
        w.value(
            sheet,
            winner_row,
            2,
            f"=INDEX($B$5:$B${last},MATCH(1,$A$5:$A${last},0))",
            cached=leader,
        )
    r = _live_ranking(w, sheet, winner_row + 2, ranked) + 1
    unranked = not_ranked(w.doc)
    if unranked:
        w.heading(sheet, r, 1, "Bids not ranked")
        last_column = 4 + len(sections)
        for entry in unranked:
            r += 1
            w.text(sheet, r, 2, entry.name)
            outcome = f"{entry.stage[:1].upper()}{entry.stage[1:]}. {'; '.join(entry.outcomes)}"
            w.prose_across(sheet, r, 3, last_column, outcome)
    r += 2
    w.heading(sheet, r, 1, "Robustness (published weights)")
    w.note(
        sheet,
        r,
        1,
        "Computed for the published weights; it is not recalculated when a weight is changed here.",
    )
    w.text(sheet, r + 1, 1, sensitivity_of(w.doc)["headline"], WRAPPED)
    sheet.merge_cells(
        start_row=r + 1, start_column=1, end_row=r + 6, end_column=max(6, len(labels))
    )
    if ranked and sections:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Points by section"
        data = Reference(sheet, min_col=3, max_col=2 + len(sections), min_row=4, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=5, max_row=last))
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.height, chart.width = 7.5, 16
        sheet.add_chart(chart, f"A{r + 8}")
        w.keep_together(sheet, r + 8, r + 8 + CHART_ROWS)
        r += 8 + CHART_ROWS + 1
    if priced and ranked:
        _value_for_money(w, sheet, r, ranked, price_column=6 + len(sections))
    sheet.freeze_panes = "A5"


def _value_for_money(
    w: WorkbookWriter, sheet: Worksheet, r: int, ranked: list[BidPart], price_column: int
) -> None:
    """Quality points against whole-life price, a series per bid (its name in the legend,
    the leading bid's marker a star) and the efficient frontier from the table beside it."""
    leading = [bid for bid in ranked if bid["price"] is not None][:CHART_BIDS]
    prices = [bid["price"]["price"] for bid in leading if bid["price"] is not None]
    quality = [quality_points(bid) for bid in leading]
    frontier = efficient_frontier(prices, quality)
    w.heading(sheet, r, 1, "Value for money: quality points against whole-life price")
    w.header(
        sheet,
        r + 1,
        ["", "Efficient frontier (cheapest first)", "Whole-life price", "Quality points"],
    )
    for k, i in enumerate(frontier):
        w.text(sheet, r + 2 + k, 2, leading[i]["name"])
        w.value(sheet, r + 2 + k, 3, prices[i], "#,##0")
        w.value(sheet, r + 2 + k, 4, round(quality[i], 6), "0.00")
    chart = ScatterChart()
    chart.title = "Value for money"
    chart.style = 13
    chart.x_axis.title = "whole-life price"
    chart.y_axis.title = "quality points"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.number_format = "#,##0"
    spread = max(quality) - min(quality)
    chart.y_axis.scaling.min = max(0.0, float(int(min(quality) - spread / 4 - 1)))
    step = 10 ** max(0, len(str(int(min(prices)))) - 2)  # two significant figures
    chart.x_axis.scaling.min = float(int(min(prices) * 0.9 / step) * step)
    line = Series(
        Reference(sheet, min_col=4, min_row=r + 2, max_row=r + 1 + len(frontier)),
        Reference(sheet, min_col=3, min_row=r + 2, max_row=r + 1 + len(frontier)),
        title="efficient frontier",
    )
    line.marker.symbol = "none"
    line.smooth = False
    chart.series.append(line)
    for k, bid in enumerate(leading):
        row = 5 + k
        point = Series(
            Reference(sheet, min_col=price_column - 1, min_row=row, max_row=row),
            Reference(sheet, min_col=price_column, min_row=row, max_row=row),
            title_from_data=False,
            title=without_controls(bid["name"]) + (" (leading)" if bid["rank"] == 1 else ""),
        )
        point.marker.symbol = "star" if bid["rank"] == 1 else "circle"
        point.marker.size = 10 if bid["rank"] == 1 else 7
        colour = "C55A11" if bid["rank"] == 1 else "1F4E79"
        point.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
        point.marker.graphicalProperties.line.solidFill = colour
        point.graphicalProperties = GraphicalProperties()
        point.graphicalProperties.line.noFill = True
        chart.series.append(point)
    chart.height, chart.width = 7.5, 16
    top = r + 3 + len(frontier)
    sheet.add_chart(chart, f"A{top}")
    w.keep_together(sheet, r, top + CHART_ROWS)


def _live_ranking(w: WorkbookWriter, sheet: Worksheet, r: int, ranked: list[BidPart]) -> int:
    """The ranking as the Scores sheet's formulas stand: it reorders when a weight is
    changed (the table above keeps the order of the evaluation). The last row used."""
    w.heading(sheet, r, 1, "Live ranking")
    w.note(
        sheet,
        r,
        1,
        "As the formulas stand: it reorders when a weight is changed. The table "
        "above keeps the order of the evaluation.",
    )
    w.header(sheet, r + 1, ["Place", "Supplier", "Total"])
    layout = w.layout
    names = w.bid_range(3)
    places = w.bid_range(layout.place_row)
    totals = w.bid_range(layout.total_row)
    by_place = {w.figures[bid["id"]].place: bid for bid in ranked}
    for k in range(1, len(ranked) + 1):
        row = r + 1 + k
        bid = by_place.get(k)
        w.value(sheet, row, 1, k, look=CENTRED)
        match = f"MATCH(A{row},Scores!{places},0)"
        w.value(
            sheet,
            row,
            2,
            f'=IFERROR(INDEX(Scores!{names},{match}),"")',
            cached=bid["name"] if bid else "",
        )
        w.value(
            sheet,
            row,
            3,
            f'=IFERROR(INDEX(Scores!{totals},{match}),"")',
            "#,##0.00",
            cached=w.figures[bid["id"]].total if bid else "",
        )
    return r + 1 + len(ranked)
