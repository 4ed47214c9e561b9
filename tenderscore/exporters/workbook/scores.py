"""The Scores sheet: every bid from raw input to partial value, points, total and rank, in
live formulas whose Excel text comes from the rules registry."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import WorkbookWriter, score_aggregate
from tenderscore.report.types import BidPart, CellPart, CriterionPart
from tenderscore.rules.aggregation import ExcelTotal
from tenderscore.rules.price import ExcelPrice, PriceSettings, price_excel
from tenderscore.rules.ranking import PRICE, RELATIVE_TOLERANCE
from tenderscore.rules.values import SCALE, VALUE_FUNCTIONS, ExcelValue


def write_scores(w: WorkbookWriter, sheet: Worksheet) -> None:
    w.title(sheet, "scores from raw input to rank (formulas)")
    n = len(w.leaves)
    first_bid = 5
    for k, bid in enumerate(w.bids):
        w.layout.bid_columns[bid["id"]] = get_column_letter(first_bid + k)
    last_column = get_column_letter(first_bid + len(w.bids) - 1)
    raw_first = 5
    value_first = raw_first + n + 2
    points_first = value_first + n + 2
    w.layout.points_first = points_first
    total_row = points_first + n
    eligible_row = total_row + 1
    ranked_row = total_row + 2
    rank_row = total_row + 3
    gap_row = total_row + 4
    place_row = total_row + 5
    w.layout.total_row, w.layout.rank_row = total_row, rank_row
    w.layout.gap_row, w.layout.eligible_row = gap_row, eligible_row
    w.layout.place_row = place_row
    tie_breaks = w.doc["method"]["tie_break"]
    w.layout.tie_break_rows = [place_row + 1 + k for k in range(len(tie_breaks))]
    w.header(sheet, 3, ["Id", "Criterion", "Kind", "Weight", *[bid["name"] for bid in w.bids]])
    blocks = (
        (raw_first, "Raw input (score on its scale, answer, or price scored)"),
        (value_first, "Partial value v (0-1)"),
        (points_first, "Points = 100 x weight x v"),
    )
    for row, label in blocks:
        w.heading(sheet, row - 1, 1, label)
    quality = w.method.price_as_money
    weight_note = "quality weight (price is money here)" if quality else "effective weight"
    for j, leaf in enumerate(w.leaves):
        for first in (raw_first, value_first, points_first):
            r = first + j
            w.text(sheet, r, 1, leaf["id"])
            w.text(sheet, r, 2, leaf["name"])
            w.text(sheet, r, 3, leaf["kind"])
            scoring_weight = w.cells[w.bids[0]["id"]][leaf["id"]]["weight"] if w.bids else None
            w.value(
                sheet,
                r,
                4,
                _weight_formula(w, leaf, j, points_first),
                "0.00%",
                cached=scoring_weight,
            )
        w.layout.leaf_rows[leaf["id"]] = raw_first + j
        w.layout.points_row[leaf["id"]] = points_first + j
    w.note(sheet, points_first, 4, f"Column D: the {weight_note} from the Weights sheet.")
    price_row = w.price_row()
    if price_row:
        w.note(
            sheet,
            price_row,
            2,
            "The price scored: the bid's total, or the present value of its whole-life "
            "cost (see tenderscore explain).",
        )
    cells = w.cells_of(sheet)
    for j, leaf in enumerate(w.leaves):
        raw, value, points = raw_first + j, value_first + j, points_first + j
        for bid in w.bids:
            column = w.layout.bid_columns[bid["id"]]
            _raw(w, sheet, raw, column, leaf, bid, w.cells[bid["id"]][leaf["id"]])
            cell = w.cells[bid["id"]][leaf["id"]]
            formula = "=" + w.rounding.excel("value", _value_formula(w, leaf, column, raw))
            index = w.column_number(column)
            w.value(sheet, value, index, formula, "0.0000", cached=cell["value"])
            formula = "=" + w.rounding.excel("points", f"100*$D{points}*{column}{value}")
            w.value(sheet, points, index, formula, "0.00", cached=cell["points"])
        for row in (raw, value, points):
            cells.seal(row)
    for bid in w.bids:
        _bid_totals(w, sheet, w.layout.bid_columns[bid["id"]], bid, points_first, n)
    labels = {
        total_row: "Total"
        if not quality
        else _total_label(
            w,
        ),
        eligible_row: "Eligible (1 = ranked; as evaluated)",
        ranked_row: "Total if eligible",
        rank_row: "Rank",
        gap_row: "Gap to leader",
        place_row: "Place (shared ranks in column order)",
    }
    for k, (row, entry) in enumerate(zip(w.layout.tie_break_rows, tie_breaks, strict=True)):
        labels[row] = f"Tie-break {k + 1}: {_tie_break_words(w, entry)}"
    for row, label in labels.items():
        w.heading(sheet, row, 1, label)
    w.note(
        sheet,
        eligible_row,
        1,
        "Gates and minimums are applied by tenderscore and held here as evaluated; "
        "changing a weight does not re-apply a minimum.",
    )
    value_range = f"E{value_first}:{last_column}{value_first + n - 1}"
    sheet.conditional_formatting.add(
        value_range,
        ColorScaleRule(  # type: ignore[no-untyped-call]
            start_type="num",
            start_value=0,
            start_color="F8696B",
            mid_type="num",
            mid_value=0.5,
            mid_color="FFEB84",
            end_type="num",
            end_value=1,
            end_color="63BE7B",
        ),
    )
    sheet.freeze_panes = "E4"
    last_row = max([place_row, *w.layout.tie_break_rows])
    w.print_areas[sheet] = f"A1:{last_column}{last_row}"  # not the helper columns
    widths = w.widths.setdefault(sheet, {})
    for k in range(len(w.bids)):  # room for 1,836,229.75 whatever the supplier's name
        widths[first_bid + k] = max(widths.get(first_bid + k, 0), 14)


def _tie_break_words(w: WorkbookWriter, entry: str) -> str:
    if entry == PRICE:
        return "price (lower wins)"
    name = next(node["name"] for node in w.doc["criteria"] if node["id"] == entry)
    return f"{name} points (more wins)"


def _tie_break_formula(w: WorkbookWriter, entry: str, column: str) -> tuple[str, str]:
    """The cell formula of a tie-break key for the bid in ``column``, and its number format."""
    if entry == PRICE:
        return f"{column}{w.price_row()}", "#,##0.00"
    return "+".join(f"{column}{row}" for row in w.points_rows(entry)) or "0", "0.00"


def _rank_formula(w: WorkbookWriter, column: str) -> str:
    """The evaluation's rank as a live formula: one more than the bids ahead on the total
    (beyond the engine's tolerance) and, among those tied on it, ahead on each declared
    tie-break key in turn. COUNTIFS skips the "" of excluded bids."""
    layout = w.layout
    ranked = w.bid_range(layout.total_row + 2)
    better = ">" if w.method.higher_is_better else "<"
    conditions = [(ranked, f"{column}{layout.total_row}", better)]
    tie_breaks = w.doc["method"]["tie_break"]
    terms = [_ahead(conditions[0])]
    for row, entry in zip(layout.tie_break_rows, tie_breaks, strict=True):
        key = (w.bid_range(row), f"{column}{row}", "<" if entry == PRICE else ">")
        tied = [part for range_, cell, _ in conditions for part in _within(range_, cell)]
        terms.append(_ahead(key, tied))
        conditions.append(key)
    return f'=IF({column}{layout.eligible_row}=1,1+{"+".join(terms)},"")'


def _tolerance(cell: str) -> str:
    return f"{RELATIVE_TOLERANCE:g}*MAX(1,ABS({cell}))"


def _ahead(key: tuple[str, str, str], tied: Sequence[str] = ()) -> str:
    range_, cell, better = key
    sign = "+" if better == ">" else "-"
    criterion = f'"{better}"&({cell}{sign}{_tolerance(cell)})'
    return f"COUNTIFS({','.join([*tied, range_, criterion])})"


def _within(range_: str, cell: str) -> list[str]:
    return [
        range_,
        f'">="&({cell}-{_tolerance(cell)})',
        range_,
        f'"<="&({cell}+{_tolerance(cell)})',
    ]


def _total_label(w: WorkbookWriter) -> str:
    return f"{w.method.label} ({w.method.direction_words})"


def _weight_formula(w: WorkbookWriter, leaf: CriterionPart, j: int, points_first: int) -> str:
    weight = f"Weights!$G${w.layout.weight_rows[leaf['id']]}"
    if not w.method.price_as_money:
        return f"={weight}"
    if leaf["kind"] == "price":
        return "=0"
    quality_total = "+".join(
        f"Weights!$G${w.layout.weight_rows[leaf_['id']]}"
        for leaf_ in w.leaves
        if leaf_["kind"] != "price"
    )
    return f"=IF(({quality_total})=0,0,{weight}/({quality_total}))"


def _raw(
    w: WorkbookWriter,
    sheet: Worksheet,
    row: int,
    column: str,
    leaf: CriterionPart,
    bid: BidPart,
    cell: CellPart,
) -> None:
    index = w.column_number(column)
    key = (leaf["id"], bid["id"])
    if leaf["kind"] == "scale" and key in w.layout.panel_ranges:
        panel = w.layout.panel_ranges[key]
        combine = "MEDIAN" if score_aggregate(w.doc, leaf) == "median" else "AVERAGE"
        consensus = w.layout.consensus_cells[key]
        w.value(
            sheet,
            row,
            index,
            f"=IF(ISNUMBER({consensus}),{consensus},{combine}({panel}))",
            "0.###",
            cached=cell["raw"],
        )
        return
    money = leaf["kind"] == "price"  # the price scored, printed as money
    w.value(sheet, row, index, cell["raw"], "#,##0.00" if money else "#,##0.####")


def _bid_totals(
    w: WorkbookWriter, sheet: Worksheet, column: str, bid: BidPart, points_first: int, n: int
) -> None:
    layout = w.layout
    index = w.column_number(column)
    points = f"SUM({column}{points_first}:{column}{points_first + n - 1})"
    if w.rounding.section is not None and not w.method.price_as_money:
        points = "+".join(
            w.rounding.excel("section", f"SUM({rows.replace('#', column)})")
            for rows in _section_rows(w)
        )
    price_row = w.price_row()
    money = w.doc["method"]["money_per_point"] or 0.0
    ranking_figure = w.method.excel(ExcelTotal(points, f"{column}{price_row}", money))
    total = "=" + w.rounding.excel("total", ranking_figure)
    figure = w.figures[bid["id"]]
    w.value(sheet, layout.total_row, index, total, "#,##0.00", cached=figure.total)
    w.value(sheet, layout.eligible_row, index, 1 if bid["eligible"] else 0)
    if not bid["eligible"]:
        reasons = "; ".join(e["reason"] for e in bid["exclusions"])
        w.note(sheet, layout.eligible_row, index, reasons)
    first = w.bid_range(layout.total_row + 2)
    w.value(
        sheet,
        layout.total_row + 2,
        index,
        f'=IF({column}{layout.eligible_row}=1,{column}{layout.total_row},"")',
        "#,##0.00",
        cached=figure.ranked_total,
    )
    w.value(sheet, layout.rank_row, index, _rank_formula(w, column), cached=figure.rank)
    best = "MAX" if w.method.higher_is_better else "MIN"
    w.value(
        sheet,
        layout.gap_row,
        index,
        f'=IF({column}{layout.eligible_row}=1,ABS({best}({first})-{column}{layout.total_row}),"")',
        "#,##0.00",
        cached=figure.gap,
    )
    start = next(iter(layout.bid_columns.values()))
    so_far = f"${start}${layout.rank_row}:{column}{layout.rank_row}"
    w.value(
        sheet,
        layout.place_row,
        index,
        f"=IF({column}{layout.eligible_row}=1,{column}{layout.rank_row}"
        f'+COUNTIF({so_far},{column}{layout.rank_row})-1,"")',
        cached=figure.place,
    )
    cells = w.cells[bid["id"]]
    for row, entry in zip(layout.tie_break_rows, w.doc["method"]["tie_break"], strict=True):
        formula, fmt = _tie_break_formula(w, entry, column)
        price_leaf = next((leaf["id"] for leaf in w.leaves if leaf["kind"] == PRICE), None)
        if entry == PRICE:
            key = cells[price_leaf]["raw"] if price_leaf else 0.0
        else:
            key = bid["node_points"][entry]
        w.value(
            sheet,
            row,
            index,
            f'=IF({column}{layout.eligible_row}=1,{formula},"")',
            fmt,
            cached=key if bid["eligible"] else "",
        )


def _section_rows(w: WorkbookWriter) -> list[str]:
    """Each top-level node's points rows, as ranges with '#' for the column: its leaves are
    consecutive in the tree's order."""
    found = [w.points_rows(node) for node in w.doc["sections"]]
    return [f"#{min(rows)}:#{max(rows)}" for rows in found if rows]


def _value_formula(w: WorkbookWriter, leaf: CriterionPart, column: str, row: int) -> str:
    x = f"{column}{row}"
    spec = leaf["spec"]
    if leaf["kind"] == "scale":
        return SCALE.excel(ExcelValue(x), spec["scale"])
    if leaf["kind"] == "price":
        rule = w.doc["method"]["price"]
        ref = _eligible_helper(w, leaf["id"], row)
        cells = ExcelPrice(x, f"MIN({ref})", f"MAX({ref})", f"AVERAGE({ref})")
        return price_excel(rule["formula"], cells, PriceSettings.from_mapping(rule))
    function = VALUE_FUNCTIONS[spec["value_function"]["type"]]
    higher = spec["direction"] == "higher_is_better"
    ref = _eligible_helper(w, leaf["id"], row) if function.relative else ""
    return function.excel(ExcelValue(x, ref, higher), spec["value_function"])


def _eligible_helper(w: WorkbookWriter, leaf: str, raw_row: int) -> str:
    """Raw inputs of the eligible bids only ("" for the others), to the right."""
    sheet = w.book["Scores"]
    cells = w.cells_of(sheet)
    columns = list(w.layout.bid_columns.values())
    start = w.column_number(columns[-1]) + 2
    if (3, start) not in cells:
        w.header(sheet, 3, ["Eligible raw inputs (reference for relative formulas)"], start)
    if (raw_row, start) not in cells:
        for k, (bid, letter) in enumerate(zip(w.bids, columns, strict=True)):
            eligible = f"{letter}${w.layout.eligible_row}"
            raw = w.cells[bid["id"]][leaf]["raw"] if bid["eligible"] else ""
            formula = f'=IF({eligible}=1,{letter}{raw_row},"")'
            w.value(sheet, raw_row, start + k, formula, cached=raw)
    first = get_column_letter(start)
    last = get_column_letter(start + len(columns) - 1)
    return f"${first}${raw_row}:${last}${raw_row}"
