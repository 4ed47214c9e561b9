"""The committee workbook: every step visible, and live.

Weights are editable cells; effective weights, partial values, points, totals and ranks are
classic Excel formulas (SUMIF, MIN, MAX, AVERAGE, RANK, IF, LN, INDEX/MATCH), so a change of
weight in Excel recomputes everything, and the numbers equal the engine's. Eligibility
(gates and minimums) is held as evaluated, and says so. Rendered from the export document,
so a saved JSON result renders the same workbook. Cell values go through ``sheetxml`` (a
2,000-bid tender has 1.8 million of them); openpyxl writes the rest of the package.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.sheetxml import PLAIN, Look, SheetCells, Styles, splice
from tenderscore.rules.aggregation import AGGREGATIONS, ExcelTotal
from tenderscore.rules.price import ExcelPrice, PriceSettings, price_excel
from tenderscore.rules.values import SCALE, VALUE_FUNCTIONS, ExcelValue

FONT = "Calibri"
ROOT = "(top level)"
WIDTH_SAMPLE_ROWS = 300
PROSE = 60


BOLD = Look(font=Font(name=FONT, size=10, bold=True))
TITLE = Look(font=Font(name=FONT, size=14, bold=True))
HEADER = Look(font=BOLD.font, fill=PatternFill("solid", fgColor="DDE4EE"), wrap=True)
INPUT = Look(fill=PatternFill("solid", fgColor="FFF2CC"), unlocked=True)
WRAPPED = Look(wrap=True)


def render_workbook(document: dict[str, Any]) -> bytes:
    """The workbook for ``document`` (see ``export_document``) as .xlsx bytes."""
    writer = _Writer(document)
    writer.build()
    buffer = io.BytesIO()
    writer.book.save(buffer)
    parts = {sheet.path.lstrip("/"): writer.sheet_cells[sheet] for sheet in writer.book}
    return splice(buffer.getvalue(), parts)


@dataclass
class _Layout:
    """Where things landed, so later sheets can refer to them."""

    weight_rows: dict[str, int] = field(default_factory=dict)
    leaf_rows: dict[str, int] = field(default_factory=dict)
    bid_columns: dict[str, str] = field(default_factory=dict)
    consensus_cells: dict[tuple[str, str], str] = field(default_factory=dict)
    panel_ranges: dict[tuple[str, str], str] = field(default_factory=dict)
    total_row: int = 0
    rank_row: int = 0
    gap_row: int = 0
    eligible_row: int = 0
    points_first: int = 0


class _Writer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.book = Workbook()
        self.layout = _Layout()
        self.leaves = [c for c in document["criteria"] if c["id"] in document_leaves(document)]
        self.bids = document["bids"]
        self.names = {bid["id"]: bid["name"] for bid in self.bids}
        self.method = AGGREGATIONS[document["method"]["aggregation"]]
        self.cells = {
            bid["id"]: {cell["criterion"]: cell for cell in bid["criteria"]} for bid in self.bids
        }
        self.sheet_cells: dict[Worksheet, SheetCells] = {}
        self.widths: dict[Worksheet, dict[int, int]] = {}
        self.styles = Styles(self.book)

    def build(self) -> None:
        summary = self.book.active
        assert summary is not None
        summary.title = "Summary"
        weights = self.book.create_sheet("Weights")
        evaluators = self.book.create_sheet("Evaluators")
        scores = self.book.create_sheet("Scores")
        self._weights(weights)
        self._evaluators(evaluators)
        self._scores(scores)
        self._summary(summary)
        self._sensitivity(self.book.create_sheet("Sensitivity"))
        self._audit(self.book.create_sheet("Audit"))
        self.book.move_sheet("Scores", offset=-1)
        for sheet in self.book.worksheets:
            _finish(sheet, self.widths.get(sheet, {}))

    # --- helpers ---------------------------------------------------------------------

    def text(self, sheet: Worksheet, row: int, column: int, value: str, look: Look = PLAIN) -> None:
        """A text cell, never a formula: text that a spreadsheet would read as one (bid text
        is untrusted) also gets a quote prefix, so editing the cell keeps it text."""
        self._cells(sheet).text(row, column, value, self.styles.for_text(value, look))
        self._measure(sheet, row, column, value)

    def value(
        self, sheet: Worksheet, row: int, column: int, value: Any, fmt: str = "", look: Look = PLAIN
    ) -> None:
        """A number, or a formula: a string starting with ``=`` (text goes through ``text``)."""
        cells, style = self._cells(sheet), self.styles.id(look, fmt)
        if isinstance(value, str):
            if not value.startswith("="):
                raise ValueError(f"{value[:40]!r} is not a formula; write text with text()")
            cells.formula(row, column, value, style)
        elif value is not None:
            cells.number(row, column, value, style)
            self._measure(sheet, row, column, value)

    def note(self, sheet: Worksheet, row: int, column: int, text: str) -> None:
        sheet.cell(row=row, column=column).comment = Comment(text, "tenderscore")

    def _cells(self, sheet: Worksheet) -> SheetCells:
        cells = self.sheet_cells.get(sheet)
        if cells is None:
            cells = self.sheet_cells[sheet] = SheetCells()
        return cells

    def _measure(self, sheet: Worksheet, row: int, column: int, value: object) -> None:
        """Column widths from the labels and figures near the top (not sentences)."""
        if not 3 <= row <= WIDTH_SAMPLE_ROWS:
            return
        length = max(len(line) for line in str(value).split("\n"))
        if length <= PROSE:
            widths = self.widths.setdefault(sheet, {})
            widths[column] = max(widths.get(column, 8), length + 2)

    def header(self, sheet: Worksheet, row: int, labels: Sequence[str], start: int = 1) -> None:
        for offset, label in enumerate(labels):
            self.text(sheet, row, start + offset, label, HEADER)

    def title(self, sheet: Worksheet, text: str) -> None:
        tender = self.doc["tender"]
        self.text(sheet, 1, 1, f"{tender['reference']}: {text}", TITLE)

    # --- Weights ---------------------------------------------------------------------

    def _weights(self, sheet: Worksheet) -> None:
        self.title(sheet, "criteria and weights (edit the yellow cells)")
        percent = self.doc["method"]["weighting"] == "percent"
        self.header(
            sheet,
            3,
            [
                "Id",
                "Criterion",
                "Kind",
                "Parent",
                "Stated weight",
                "Weight in parent",
                "Effective weight",
                "Level check",
            ],
        )
        nodes = [n for n in self.doc["criteria"] if document_has_leaves(self.doc, n["id"])]
        for offset, node in enumerate(nodes):
            self.layout.weight_rows[node["id"]] = 4 + offset
        last = 3 + len(nodes)
        parents = f"$D$4:$D${last}"
        stated = f"$E$4:$E${last}"
        for node in nodes:
            r = self.layout.weight_rows[node["id"]]
            parent = node["parent"] or ROOT
            self.text(sheet, r, 1, node["id"])
            self.text(sheet, r, 2, ("  " * node["depth"]) + node["name"])
            self.text(sheet, r, 3, node["kind"])
            self.text(sheet, r, 4, parent)
            if node["stated_weight"] is None:
                self.value(sheet, r, 5, f"=SUMIF({parents},A{r},{stated})", "0.####")
                self.note(sheet, r, 5, "Points weighting: the sum of the children.")
            else:
                self.value(sheet, r, 5, node["stated_weight"], "0.####", INPUT)
                name = defined_name(node["id"])
                self.book.defined_names[name] = DefinedName(name, attr_text=f"Weights!$E${r}")
            siblings = f"SUMIF({parents},D{r},{stated})"
            self.value(sheet, r, 6, f"=IF({siblings}=0,0,E{r}/{siblings})", "0.00%")
            parent_row = self.layout.weight_rows.get(node["parent"] or "")
            above = f"*G{parent_row}" if parent_row else ""
            self.value(sheet, r, 7, f"=F{r}{above}", "0.00%")
            if percent:
                self.value(
                    sheet,
                    r,
                    8,
                    f'=IF(ABS({siblings}-100)<=0.000001,"ok","level sums to "&{siblings})',
                )
        self.book.defined_names["EffectiveWeights"] = DefinedName(
            "EffectiveWeights", attr_text=f"Weights!$G$4:$G${last}"
        )
        sheet.freeze_panes = "C4"

    # --- Evaluators ------------------------------------------------------------------

    def _evaluators(self, sheet: Worksheet) -> None:
        self.title(sheet, "evaluators' scores, consensus and moderation flags")
        panel = [e["id"] for e in self.doc["panel"]]
        roles = {e["id"]: e["role"] for e in self.doc["panel"]}
        labels = [
            "Criterion",
            "Bid",
            *[f"{e}\n{roles[e]}" for e in panel],
            "Consensus",
            "Reason",
            "Range",
            "Share of scale",
            "Flag",
            *[f"Comment {e}" for e in panel],
        ]
        self.header(sheet, 3, labels)
        r = 4
        for leaf in self.leaves:
            if leaf["kind"] != "scale":
                continue
            scale = leaf["spec"]["scale"]
            for bid in self.bids:
                cell = self.cells[bid["id"]][leaf["id"]]
                given = cell["evaluator_scores"] or {}
                comments = cell["evaluator_comments"] or {}
                self.text(sheet, r, 1, leaf["id"])
                self.text(sheet, r, 2, bid["name"])
                columns = []
                for k, evaluator in enumerate(panel):
                    column = 3 + k
                    if evaluator in given:
                        self.value(sheet, r, column, given[evaluator])
                        columns.append(get_column_letter(column))
                consensus_column = 3 + len(panel)
                if cell["consensus_reason"] is not None:
                    self.value(sheet, r, consensus_column, cell["raw"])
                    self.text(sheet, r, consensus_column + 1, cell["consensus_reason"])
                letter = get_column_letter(consensus_column)
                self.layout.consensus_cells[leaf["id"], bid["id"]] = f"Evaluators!${letter}${r}"
                if columns:
                    span = f"{columns[0]}{r}:{columns[-1]}{r}"
                    self.layout.panel_ranges[leaf["id"], bid["id"]] = f"Evaluators!{span}"
                    self.value(sheet, r, consensus_column + 2, f"=MAX({span})-MIN({span})")
                    width = scale["max"] - scale["min"]
                    share = f"{get_column_letter(consensus_column + 2)}{r}/{width}"
                    self.value(sheet, r, consensus_column + 3, f"={share}", "0%")
                    threshold = self.doc["method"]["disagreement_share"]
                    self.value(
                        sheet,
                        r,
                        consensus_column + 4,
                        f'=IF({share}>={threshold},"disagreement","")',
                    )
                for k, evaluator in enumerate(panel):
                    comment = comments.get(evaluator)
                    if comment:
                        self.text(sheet, r, consensus_column + 5 + k, comment)
                self._cells(sheet).seal(r)
                r += 1
        self._panel_statistics(sheet, r + 1)
        sheet.freeze_panes = "C4"

    def _panel_statistics(self, sheet: Worksheet, r: int) -> None:
        """Leniency, outliers and agreement, from the moderation analysis."""
        moderation = self.doc["moderation"]
        self.text(
            sheet,
            r,
            1,
            "Evaluators (leniency: mean deviation from the rest of the panel, in scale points)",
            BOLD,
        )
        self.header(sheet, r + 1, ["Evaluator", "Role", "Scores given", "Leniency", "Outlier in"])
        for k, profile in enumerate(moderation["evaluators"]):
            row = r + 2 + k
            self.text(sheet, row, 1, profile["evaluator"])
            self.text(sheet, row, 2, profile["role"])
            self.value(sheet, row, 3, profile["scored"])
            self.value(sheet, row, 4, profile["leniency"], "+0.00;-0.00;0.00")
            self.value(sheet, row, 5, profile["outlier_share"], "0%")
        row = r + 3 + len(moderation["evaluators"])
        self.text(sheet, row, 1, "Inter-rater agreement (Krippendorff's alpha, interval)", BOLD)
        names = {node["id"]: node["name"] for node in self.doc["criteria"]}
        for k, (section, alpha) in enumerate(moderation["agreement"].items()):
            self.text(sheet, row + 1 + k, 1, names[section])
            if alpha is None:
                self.text(sheet, row + 1 + k, 2, "n/a")
            else:
                self.value(sheet, row + 1 + k, 2, alpha, "0.00")

    # --- Scores ----------------------------------------------------------------------

    def _scores(self, sheet: Worksheet) -> None:
        self.title(sheet, "scores from raw input to rank (formulas)")
        n = len(self.leaves)
        first_bid = 5
        for k, bid in enumerate(self.bids):
            self.layout.bid_columns[bid["id"]] = get_column_letter(first_bid + k)
        last_column = get_column_letter(first_bid + len(self.bids) - 1)
        raw_first = 5
        value_first = raw_first + n + 2
        points_first = value_first + n + 2
        self.layout.points_first = points_first
        total_row = points_first + n
        eligible_row = total_row + 1
        ranked_row = total_row + 2
        rank_row = total_row + 3
        gap_row = total_row + 4
        self.layout.total_row, self.layout.rank_row = total_row, rank_row
        self.layout.gap_row, self.layout.eligible_row = gap_row, eligible_row
        self.header(
            sheet, 3, ["Id", "Criterion", "Kind", "Weight", *[bid["name"] for bid in self.bids]]
        )
        blocks = (
            (raw_first, "Raw input (score on its scale, answer, or price scored)"),
            (value_first, "Partial value v (0-1)"),
            (points_first, "Points = 100 x weight x v"),
        )
        for row, label in blocks:
            self.text(sheet, row - 1, 1, label, BOLD)
        quality = self.method.price_as_money
        weight_note = "quality weight (price is money here)" if quality else "effective weight"
        for j, leaf in enumerate(self.leaves):
            for first in (raw_first, value_first, points_first):
                r = first + j
                self.text(sheet, r, 1, leaf["id"])
                self.text(sheet, r, 2, leaf["name"])
                self.text(sheet, r, 3, leaf["kind"])
                self.value(sheet, r, 4, self._weight_formula(leaf, j, points_first), "0.00%")
            self.layout.leaf_rows[leaf["id"]] = raw_first + j
        self.note(sheet, points_first, 4, f"Column D: the {weight_note} from the Weights sheet.")
        price_row = self._price_row()
        if price_row:
            self.note(
                sheet,
                price_row,
                2,
                "The price scored: the bid's total, or the present value of its whole-life "
                "cost (see tenderscore explain).",
            )
        cells = self._cells(sheet)
        for j, leaf in enumerate(self.leaves):
            raw, value, points = raw_first + j, value_first + j, points_first + j
            for bid in self.bids:
                column = self.layout.bid_columns[bid["id"]]
                self._raw(sheet, raw, column, leaf, bid, self.cells[bid["id"]][leaf["id"]])
                formula = self._value_formula(leaf, column, raw)
                self.value(sheet, value, self._col(column), formula, "0.0000")
                formula = f"=100*$D{points}*{column}{value}"
                self.value(sheet, points, self._col(column), formula, "0.00")
            for row in (raw, value, points):
                cells.seal(row)
        for bid in self.bids:
            self._bid_totals(sheet, self.layout.bid_columns[bid["id"]], bid, points_first, n)
        labels = {
            total_row: "Total" if not quality else self._total_label(),
            eligible_row: "Eligible (1 = ranked; as evaluated)",
            ranked_row: "Total if eligible",
            rank_row: "Rank",
            gap_row: "Gap to leader",
        }
        for row, label in labels.items():
            self.text(sheet, row, 1, label, BOLD)
        self.note(
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

    def _col(self, letter: str) -> int:
        return int(column_index_from_string(letter))

    def _total_label(self) -> str:
        return f"{self.method.label} ({self.method.direction_words})"

    def _weight_formula(self, leaf: dict[str, Any], j: int, points_first: int) -> str:
        weight = f"Weights!$G${self.layout.weight_rows[leaf['id']]}"
        if not self.method.price_as_money:
            return f"={weight}"
        if leaf["kind"] == "price":
            return "=0"
        quality_total = "+".join(
            f"Weights!$G${self.layout.weight_rows[leaf_['id']]}"
            for leaf_ in self.leaves
            if leaf_["kind"] != "price"
        )
        return f"=IF(({quality_total})=0,0,{weight}/({quality_total}))"

    def _raw(
        self,
        sheet: Worksheet,
        row: int,
        column: str,
        leaf: dict[str, Any],
        bid: dict[str, Any],
        cell: dict[str, Any],
    ) -> None:
        index = self._col(column)
        key = (leaf["id"], bid["id"])
        if leaf["kind"] == "scale" and key in self.layout.panel_ranges:
            panel = self.layout.panel_ranges[key]
            combine = "MEDIAN" if _aggregate(self.doc, leaf) == "median" else "AVERAGE"
            consensus = self.layout.consensus_cells[key]
            self.value(
                sheet,
                row,
                index,
                f"=IF(ISNUMBER({consensus}),{consensus},{combine}({panel}))",
                "0.###",
            )
            return
        self.value(sheet, row, index, cell["raw"], "#,##0.####")

    def _bid_totals(
        self, sheet: Worksheet, column: str, bid: dict[str, Any], points_first: int, n: int
    ) -> None:
        layout = self.layout
        index = self._col(column)
        points = f"SUM({column}{points_first}:{column}{points_first + n - 1})"
        price_row = self._price_row()
        money = self.doc["method"]["money_per_point"]
        total = "=" + self.method.excel(ExcelTotal(points, f"{column}{price_row}", money))
        self.value(sheet, layout.total_row, index, total, "#,##0.00")
        self.value(sheet, layout.eligible_row, index, 1 if bid["eligible"] else 0)
        if not bid["eligible"]:
            reasons = "; ".join(e["reason"] for e in bid["exclusions"])
            self.note(sheet, layout.eligible_row, index, reasons)
        first = self.bid_range(layout.total_row + 2)
        self.value(
            sheet,
            layout.total_row + 2,
            index,
            f'=IF({column}{layout.eligible_row}=1,{column}{layout.total_row},"")',
            "#,##0.00",
        )
        order = 0 if self.method.higher_is_better else 1
        self.value(
            sheet,
            layout.rank_row,
            index,
            f"=IF({column}{layout.eligible_row}=1,"
            f'RANK({column}{layout.total_row},{first},{order}),"")',
        )
        best = "MAX" if self.method.higher_is_better else "MIN"
        self.value(
            sheet,
            layout.gap_row,
            index,
            f"=IF({column}{layout.eligible_row}=1,"
            f'ABS({best}({first})-{column}{layout.total_row}),"")',
            "#,##0.00",
        )

    def bid_range(self, row: int) -> str:
        columns = list(self.layout.bid_columns.values())
        return f"${columns[0]}${row}:${columns[-1]}${row}"

    def _price_row(self) -> int:
        for leaf in self.leaves:
            if leaf["kind"] == "price":
                return self.layout.leaf_rows.get(leaf["id"], 0)
        return 0

    def _value_formula(self, leaf: dict[str, Any], column: str, row: int) -> str:
        x = f"{column}{row}"
        spec = leaf["spec"]
        if leaf["kind"] == "scale":
            return "=" + SCALE.excel(ExcelValue(x), spec["scale"])
        if leaf["kind"] == "price":
            rule = self.doc["method"]["price"]
            ref = self._eligible_helper(row)
            cells = ExcelPrice(x, f"MIN({ref})", f"MAX({ref})", f"AVERAGE({ref})")
            return "=" + price_excel(rule["formula"], cells, PriceSettings.from_mapping(rule))
        function = VALUE_FUNCTIONS[spec["value_function"]["type"]]
        higher = spec["direction"] == "higher_is_better"
        ref = self._eligible_helper(row) if function.relative else ""
        return "=" + function.excel(ExcelValue(x, ref, higher), spec["value_function"])

    def _eligible_helper(self, raw_row: int) -> str:
        """Raw inputs of the eligible bids only ("" for the others), to the right."""
        sheet = self.book["Scores"]
        cells = self._cells(sheet)
        columns = list(self.layout.bid_columns.values())
        start = self._col(columns[-1]) + 2
        if (3, start) not in cells:
            self.header(sheet, 3, ["Eligible raw inputs (reference for relative formulas)"], start)
        if (raw_row, start) not in cells:
            for k, letter in enumerate(columns):
                eligible = f"{letter}${self.layout.eligible_row}"
                self.value(sheet, raw_row, start + k, f'=IF({eligible}=1,{letter}{raw_row},"")')
        first = get_column_letter(start)
        last = get_column_letter(start + len(columns) - 1)
        return f"${first}${raw_row}:${last}${raw_row}"

    # --- Summary ---------------------------------------------------------------------

    def _summary(self, sheet: Worksheet) -> None:
        tender = self.doc["tender"]
        self.title(sheet, tender["title"])
        self.text(
            sheet,
            2,
            1,
            f"{tender['buyer']} - {self.method.name.replace('_', ' ')}, price "
            f"formula {self.doc['method']['price_formula']}",
        )
        sections = self.doc["sections"]
        names = {c["id"]: c["name"] for c in self.doc["criteria"]}
        labels = ["Rank", "Supplier", *[names[s] for s in sections], "Total", "Gap to leader"]
        self.header(sheet, 4, labels)
        ranked = [bid for bid in self.bids if bid["eligible"]]
        layout = self.layout
        points_rows = {
            section: [
                layout.leaf_rows[leaf] - 5 + layout.points_first
                for leaf in document_section_leaves(self.doc, section)
                if leaf in layout.leaf_rows
            ]
            for section in sections
        }
        for offset, bid in enumerate(ranked):
            r = 5 + offset
            column = layout.bid_columns[bid["id"]]
            self.value(sheet, r, 1, f"=Scores!{column}{layout.rank_row}")
            self.text(sheet, r, 2, bid["name"])
            for k, section in enumerate(sections):
                rows = points_rows[section]
                formula = "=" + "+".join(f"Scores!{column}{row}" for row in rows) if rows else 0
                self.value(sheet, r, 3 + k, formula, "0.00")
            self.value(
                sheet, r, 3 + len(sections), f"=Scores!{column}{layout.total_row}", "#,##0.00"
            )
            self.value(sheet, r, 4 + len(sections), f"=Scores!{column}{layout.gap_row}", "#,##0.00")
        last = 4 + len(ranked)
        winner_row = last + 2
        self.text(sheet, winner_row, 1, "Winner", BOLD)
        if ranked:
            self.value(sheet, winner_row, 2, f"=INDEX($B$5:$B${last},MATCH(1,$A$5:$A${last},0))")
        r = winner_row + 2
        excluded = [bid for bid in self.bids if not bid["eligible"]]
        if excluded:
            self.text(sheet, r, 1, "Excluded bids", BOLD)
            for bid in excluded:
                r += 1
                self.text(sheet, r, 1, bid["name"])
                self.text(sheet, r, 2, "; ".join(e["reason"] for e in bid["exclusions"]))
        r += 2
        self.text(sheet, r, 1, "Robustness", BOLD)
        self.text(sheet, r + 1, 1, self.doc["sensitivity"]["headline"], WRAPPED)
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
        sheet.freeze_panes = "A5"

    # --- Sensitivity -----------------------------------------------------------------

    def _sensitivity(self, sheet: Worksheet) -> None:
        report = self.doc["sensitivity"]
        self.title(sheet, "robustness (values from tenderscore sensitivity)")
        self.text(sheet, 2, 1, report["headline"], WRAPPED)
        sheet.merge_cells("A2:H5")
        r = 7
        self.text(sheet, r, 1, "Weight stability (other weights rescaled proportionally)", BOLD)
        self.header(
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
        for interval in report["stability"]:
            self.text(sheet, r, 1, interval["name"])
            self.value(sheet, r, 2, interval["weight"], "0.0%")
            self.value(sheet, r, 3, interval["winner_low"]["weight"], "0.0%")
            self.value(sheet, r, 4, interval["winner_high"]["weight"], "0.0%")
            for column, end in ((5, interval["winner_low"]), (6, interval["winner_high"])):
                if end["taker"]:
                    self.text(sheet, r, column, self.names[end["taker"]])
            self.value(sheet, r, 7, interval["ranking_low"]["weight"], "0.0%")
            self.value(sheet, r, 8, interval["ranking_high"]["weight"], "0.0%")
            r += 1
        r = self._smaa_table(sheet, report, r + 1)
        r = self._sweep_table(sheet, report, r + 1)
        r += 1
        self.text(sheet, r, 1, "Rank reversal and price formulas", BOLD)
        for reversal in report["rank_reversals"]:
            r += 1
            pairs = ", ".join(f"{self.names[a]} / {self.names[b]}" for a, b in reversal["swapped"])
            self.text(
                sheet,
                r,
                1,
                f"Withdrawing {self.names[reversal['withdrawn']]} swaps {pairs} "
                f"(cause: {', '.join(reversal['causes'])})",
            )
        for outcome in report["formulas"]:
            r += 1
            order = " > ".join(self.names[b] for b in outcome["order"])
            self.text(
                sheet, r, 1, outcome["formula"] + (" (published)" if outcome["declared"] else "")
            )
            self.text(sheet, r, 2, order)
            self.text(sheet, r, 6, outcome["parameters"])
        r += 2
        self.text(sheet, r, 1, "Scenarios (each fully re-evaluated)", BOLD)
        scenarios = report["scenarios"]
        self.header(sheet, r + 1, ["Supplier", *[s["name"] for s in scenarios]])
        for k, bid in enumerate(self.bids):
            self.text(sheet, r + 2 + k, 1, bid["name"])
            for s_index, scenario in enumerate(scenarios):
                ranking = {entry["bid"]: entry for entry in scenario["ranking"]}
                entry = ranking.get(bid["id"])
                if entry is None:
                    self.text(sheet, r + 2 + k, 2 + s_index, "excluded")
                else:
                    self.value(sheet, r + 2 + k, 2 + s_index, entry["rank"])

    def _smaa_table(self, sheet: Worksheet, report: dict[str, Any], r: int) -> int:
        smaa = report["smaa"]
        if smaa is None:
            return r
        self.text(
            sheet,
            r,
            1,
            f"Rank probabilities ({smaa['samples']:,} samples, "
            f"{smaa['sampling']} weights, seed {smaa['seed']})",
            BOLD,
        )
        ranks = smaa["ranks_kept"]
        self.header(
            sheet, r + 1, ["Supplier", "Confidence", *[f"rank {k + 1}" for k in range(ranks)]]
        )
        for k, bid in enumerate(smaa["bids"]):
            self.text(sheet, r + 2 + k, 1, self.names[bid])
            confidence = smaa["confidence"][k]
            if confidence is not None:
                self.value(sheet, r + 2 + k, 2, confidence, "0%")
            for rank in range(ranks):
                self.value(sheet, r + 2 + k, 3 + rank, smaa["rank_acceptability"][k][rank], "0.0%")
        return r + 2 + len(smaa["bids"])

    def _sweep_table(self, sheet: Worksheet, report: dict[str, Any], r: int) -> int:
        sweeps = report["sweeps"]
        if not sweeps:
            return r
        sweep = sweeps[0]
        self.text(
            sheet,
            r,
            1,
            f"Sweep: totals as {sweep['name']} runs from 0 to 100% "
            f"(now {100 * sweep['weight']:.1f}%)",
            BOLD,
        )
        bids = list(sweep["figures"])
        self.header(sheet, r + 1, ["Weight", *[self.names[b] for b in bids]])
        for k, t in enumerate(sweep["grid"]):
            self.value(sheet, r + 2 + k, 1, t, "0%")
            for b_index, bid in enumerate(bids):
                self.value(sheet, r + 2 + k, 2 + b_index, sweep["figures"][bid][k], "0.00")
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
        sheet.add_chart(chart, f"{get_column_letter(3 + len(bids))}{r}")
        return last + 1

    # --- Audit -----------------------------------------------------------------------

    def _audit(self, sheet: Worksheet) -> None:
        audit = self.doc["audit"]
        self.title(sheet, "audit trail")
        rows = [
            ("Tool", audit["tool"]),
            ("Generated at", audit["generated_at"]),
            ("Command", audit["command"]),
            ("Seed", str(audit["seed"])),
            ("Samples", str(audit["samples"])),
            ("Weight sampling", audit["sampling"]),
        ]
        for k, (label, value) in enumerate(rows):
            self.text(sheet, 3 + k, 1, label, BOLD)
            self.text(sheet, 3 + k, 2, value)
        r = 4 + len(rows)
        self.header(sheet, r, ["Input file", "Role", "SHA-256"])
        for k, source in enumerate(audit["inputs"]):
            self.text(sheet, r + 1 + k, 1, source["path"])
            self.text(sheet, r + 1 + k, 2, source["role"])
            self.text(sheet, r + 1 + k, 3, source["sha256"])


def defined_name(node_id: str) -> str:
    """A valid Excel name for a node's weight cell: w_<id>, dots and dashes made '_'."""
    return "w_" + "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in node_id)


def document_leaves(document: dict[str, Any]) -> list[str]:
    """Ids of the weighted leaf criteria, in the engine's order (the tree's, depth first)."""
    return [c["id"] for c in document["criteria"] if c["kind"] not in ("section", "pass_fail")]


def document_has_leaves(document: dict[str, Any], node_id: str) -> bool:
    return bool(document_section_leaves(document, node_id))


def document_section_leaves(document: dict[str, Any], node_id: str) -> list[str]:
    """Leaf ids beneath ``node_id`` (itself if it is a leaf)."""
    children: dict[str | None, list[str]] = {}
    for node in document["criteria"]:
        children.setdefault(node["parent"], []).append(node["id"])
    leaves = set(document_leaves(document))
    found: list[str] = []
    stack = [node_id]
    while stack:
        current = stack.pop()
        if current in leaves:
            found.append(current)
        stack.extend(reversed(children.get(current, [])))
    return [leaf for leaf in document_leaves(document) if leaf in found]


def _aggregate(document: dict[str, Any], leaf: dict[str, Any]) -> str:
    return str(leaf["spec"].get("aggregate") or document["method"]["score_aggregation"])


def print_across(sheet: Worksheet, *, header_row: int) -> None:
    """Landscape, every column on the page width, the header row repeated on each page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _finish(sheet: Worksheet, widths: dict[int, int]) -> None:
    """Widths that fit, print set-up, and protection (weights stay editable)."""
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 10)
    print_across(sheet, header_row=3 if sheet.title != "Summary" else 4)
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
