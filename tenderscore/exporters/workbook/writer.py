"""The workbook writer's shared room: looks, where things landed, and the cell helpers.

Every sheet module writes through ``WorkbookWriter``: ``text`` for untrusted text (never a
formula), ``value`` for numbers and formulas, ``note`` for comments. Cell values go through
``sheetxml`` (a 2,000-bid tender has 1.8 million of them); openpyxl writes the rest.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.sheetxml import PLAIN, Cached, Look, SheetCells, Styles
from tenderscore.report.criteria import document_leaves, document_section_leaves
from tenderscore.report.types import CriterionPart, ExportDocument, rounding_of
from tenderscore.report.wording import DRAFT, WHAT_IF
from tenderscore.rules.aggregation import AGGREGATIONS

FONT = "Calibri"
ROOT = "(top level)"
WIDTH_SAMPLE_ROWS = 300
PROSE = 60
WIDEST = 40
"""No measured column is wider than this, so every sheet prints one page wide at a readable
size; a header wraps within its column."""
PROSE_WIDTH = 45
HEADER_WIDEST = 16
LINE_HEIGHT = 15.0  # points, one line of 11 pt Calibri
DEFAULT_ROW_HEIGHTS = (LINE_HEIGHT, 12.75)  # a row's default height in Excel, in LibreOffice
CHART_ROWS = 16  # rows of LINE_HEIGHT a 7.5 cm chart covers
A4 = 9  # the OOXML paper size code
PAGE_WIDTH = 130
"""Column width units across A4 landscape at 100% within LibreOffice's and Excel's default
margins (241 mm at about 1.85 mm a unit)."""
PAGE_HEIGHT = 451.0
"""Points down A4 landscape for the rows: 595 less the 1 inch margins (the footer sits in one)."""
TABLE_HEADERS = {"Weights": 3, "Scores": 3, "Evaluators": 3}
"""The sheets that are one long table, and the header row each page repeats."""


BOLD = Look(font=Font(name=FONT, size=10, bold=True))
TITLE = Look(font=Font(name=FONT, size=14, bold=True))
HEADER = Look(  # centred: a number right-aligned below a left-aligned label read as the next's
    font=BOLD.font, fill=PatternFill("solid", fgColor="DDE4EE"), wrap=True, horizontal="center"
)
CENTRED = Look(horizontal="center")
INPUT = Look(fill=PatternFill("solid", fgColor="FFF2CC"), unlocked=True)
WRAPPED = Look(wrap=True)


@dataclass
class Layout:
    """Where things landed, so later sheets can refer to them."""

    weight_rows: dict[str, int] = field(default_factory=dict)
    leaf_rows: dict[str, int] = field(default_factory=dict)
    points_row: dict[str, int] = field(default_factory=dict)
    bid_columns: dict[str, str] = field(default_factory=dict)
    consensus_cells: dict[tuple[str, str], str] = field(default_factory=dict)
    panel_ranges: dict[tuple[str, str], str] = field(default_factory=dict)
    total_row: int = 0
    rank_row: int = 0
    gap_row: int = 0
    eligible_row: int = 0
    place_row: int = 0
    tie_break_rows: list[int] = field(default_factory=list)
    points_first: int = 0


class WorkbookWriter:
    """The workbook being written, its document, and where each sheet put things."""

    def __init__(self, document: ExportDocument) -> None:
        self.doc: ExportDocument = document
        self.book = Workbook()
        self.layout = Layout()
        self.leaves = [c for c in document["criteria"] if c["id"] in document_leaves(document)]
        self.bids = document["bids"]
        self.names = {bid["id"]: bid["name"] for bid in self.bids}
        self.method = AGGREGATIONS[document["method"]["aggregation"]]
        self.rounding = rounding_of(document["method"])
        self.cells = {
            bid["id"]: {cell["criterion"]: cell for cell in bid["criteria"]} for bid in self.bids
        }
        self.sheet_cells: dict[Worksheet, SheetCells] = {}
        self.widths: dict[Worksheet, dict[int, int]] = {}
        self.print_areas: dict[Worksheet, str] = {}
        self.wrapped: dict[Worksheet, list[tuple[int, int, str, int]]] = {}
        """Per sheet: row, first column, text and the number of columns it spans."""
        self.together: dict[Worksheet, list[tuple[int, int]]] = {}
        self.styles = Styles(self.book)
        self.figures = bid_figures(document)

    def text(self, sheet: Worksheet, row: int, column: int, value: str, look: Look = PLAIN) -> None:
        """A text cell, never a formula: text that a spreadsheet would read as one (bid text
        is untrusted) also gets a quote prefix, so editing the cell keeps it text."""
        self.cells_of(sheet).text(row, column, value, self.styles.for_text(value, look))
        self._measure(sheet, row, column, value)

    def value(
        self,
        sheet: Worksheet,
        row: int,
        column: int,
        value: Any,
        fmt: str = "",
        look: Look = PLAIN,
        *,
        cached: Cached = None,
    ) -> None:
        """A number, or a formula: a string starting with ``=`` (text goes through ``text``),
        with ``cached``, the value the engine computed for it, so the workbook reads right
        before anything recalculates it."""
        cells, style = self.cells_of(sheet), self.styles.id(look, fmt)
        if isinstance(value, str):
            if not value.startswith("="):
                raise ValueError(f"{value[:40]!r} is not a formula; write text with text()")
            cells.formula(row, column, value, style, cached)
        elif value is not None:
            cells.number(row, column, value, style)
            self._measure(sheet, row, column, value)

    def heading(self, sheet: Worksheet, row: int, column: int, value: str) -> None:
        """A bold section title: it may run over the empty cells to its right, so it does
        not widen its column."""
        self.cells_of(sheet).text(row, column, value, self.styles.for_text(value, BOLD))

    def prose(
        self, sheet: Worksheet, row: int, column: int, value: str, width: int = PROSE_WIDTH
    ) -> None:
        """Long text (a comment, a reason, a paragraph of parameters) wrapped in a column of
        fixed width, so it prints on the page instead of running over its neighbours."""
        self.cells_of(sheet).text(row, column, value, self.styles.for_text(value, WRAPPED))
        widths = self.widths.setdefault(sheet, {})
        widths[column] = max(widths.get(column, 0), width)
        self.wrapped.setdefault(sheet, []).append((row, column, value, 1))

    def prose_across(self, sheet: Worksheet, row: int, first: int, last: int, value: str) -> None:
        """Long text wrapped across columns ``first``-``last`` merged into one cell, where the
        columns already have the widths of a table above it (the Summary's not-ranked list
        under the ranking)."""
        self.cells_of(sheet).text(row, first, value, self.styles.for_text(value, WRAPPED))
        sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        self.wrapped.setdefault(sheet, []).append((row, first, value, last - first + 1))

    def row_heights(self, sheet: Worksheet) -> dict[int, float]:
        """Heights for the rows holding wrapped text, from the final column widths: neither
        LibreOffice nor Excel fits a row to wrapped text when it opens a file, so without
        them wrapped lines print over each other."""
        widths = self.widths.get(sheet, {})
        lines: dict[int, int] = {}
        for row, column, value, span in self.wrapped.get(sheet, ()):
            width = sum(max(widths.get(c, 10), 10) for c in range(column, column + span))
            needed = wrapped_lines(value, width)
            lines[row] = max(lines.get(row, 1), needed)
        return {row: LINE_HEIGHT * count for row, count in lines.items() if count > 1}

    def keep_together(self, sheet: Worksheet, first: int, last: int) -> None:
        """Rows ``first``-``last`` (a chart and its title) print on one page: a page break
        goes before them when they would straddle one (see ``page_breaks``)."""
        self.together.setdefault(sheet, []).append((first, last))

    def at_least(self, sheet: Worksheet, column: int, width: int) -> None:
        """A column at least ``width`` wide, for values written as formulas (not measured)."""
        widths = self.widths.setdefault(sheet, {})
        widths[column] = max(widths.get(column, 0), width)

    def note(self, sheet: Worksheet, row: int, column: int, text: str) -> None:
        sheet.cell(row=row, column=column).comment = Comment(text, "tenderscore")

    def cells_of(self, sheet: Worksheet) -> SheetCells:
        cells = self.sheet_cells.get(sheet)
        if cells is None:
            cells = self.sheet_cells[sheet] = SheetCells()
        return cells

    def _measure(self, sheet: Worksheet, row: int, column: int, value: object) -> None:
        """Column widths from the labels and figures near the top (not sentences)."""
        if not 3 <= row <= WIDTH_SAMPLE_ROWS:
            return
        # a figure is shown by its number format, never with a float's seventeen digits
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        length = max(len(line) for line in shown.split("\n"))
        if length <= PROSE:
            widths = self.widths.setdefault(sheet, {})
            widths[column] = max(widths.get(column, 8), min(length + 2, WIDEST))

    def header(self, sheet: Worksheet, row: int, labels: Sequence[str], start: int = 1) -> None:
        """Column headers, wrapped: a long one (an evaluator's role) does not widen its column
        beyond ``HEADER_WIDEST``."""
        for offset, label in enumerate(labels):
            self.cells_of(sheet).text(
                row, start + offset, label, self.styles.for_text(label, HEADER)
            )
            widths = self.widths.setdefault(sheet, {})
            column = start + offset
            longest = max(len(word) for word in label.split()) if label.split() else 0
            wanted = min(max(len(line) for line in label.split("\n")), HEADER_WIDEST)
            widths[column] = max(widths.get(column, 8), max(longest, wanted) + 2)
            self.wrapped.setdefault(sheet, []).append((row, column, label, 1))

    def title(self, sheet: Worksheet, text: str) -> None:
        """The sheet's first line; a what-if says so first, on every sheet."""
        tender = self.doc["tender"]
        run = self.doc["run"]
        mark = "" if run["official"] else f"{WHAT_IF} ({run['label']}) - "
        mark = f"{DRAFT} - {mark}" if run.get("draft") else mark
        self.text(sheet, 1, 1, f"{mark}{tender['reference']}: {text}", TITLE)

    def column_number(self, letter: str) -> int:
        return int(column_index_from_string(letter))

    def points_rows(self, node_id: str) -> list[int]:
        """The Scores sheet's points rows of the leaves beneath ``node_id`` (itself, a leaf)."""
        rows = self.layout.points_row
        return [rows[leaf] for leaf in document_section_leaves(self.doc, node_id) if leaf in rows]

    def bid_range(self, row: int) -> str:
        columns = list(self.layout.bid_columns.values())
        return f"${columns[0]}${row}:${columns[-1]}${row}"

    def price_row(self) -> int:
        for leaf in self.leaves:
            if leaf["kind"] == "price":
                return self.layout.leaf_rows.get(leaf["id"], 0)
        return 0


@dataclass(frozen=True, slots=True)
class BidFigures:
    """What the Scores sheet's formulas compute for one bid, as Excel computes it: the
    values cached in those cells. The rank is the evaluation's: by total, then the declared
    tie-break; what is still tied shares a rank."""

    total: Cached
    ranked_total: Cached
    rank: Cached
    gap: Cached
    place: Cached
    """The rank with ties put in the columns' order: 1, 2, 3 ... for the ranking that follows."""


def bid_figures(document: ExportDocument) -> dict[str, BidFigures]:
    method = AGGREGATIONS[document["method"]["aggregation"]]
    eligible = [bid for bid in document["bids"] if bid["eligible"]]
    sign = 1.0 if method.higher_is_better else -1.0
    goodness = {bid["id"]: sign * bid["total"] for bid in eligible}
    best = max(goodness.values(), default=None)
    figures = {}
    for bid in document["bids"]:
        total: Cached = bid["total"] if math.isfinite(bid["total"]) else ""
        if bid["id"] not in goodness or best is None:
            figures[bid["id"]] = BidFigures(total, "", "", "", "")
            continue
        mine = goodness[bid["id"]]
        rank = bid["rank"] or 0
        earlier = eligible[: eligible.index(bid)]
        place = rank + sum(1 for other in earlier if other["rank"] == rank)
        figures[bid["id"]] = BidFigures(total, total, rank, abs(float(best - mine)), place)
    return figures


def defined_name(node_id: str) -> str:
    """A valid Excel name for a node's weight cell, w_<id>, distinct for distinct ids.

    Excel names take letters, digits, '.' and '_' but not '-': '_' is written '__' and '-'
    '_h', so q-1, q_1 and q.1 stay w_q_h1, w_q__1 and w_q.1 (they were all w_q_1).
    """
    return "w_" + node_id.replace("_", "__").replace("-", "_h")


def score_aggregate(document: ExportDocument, leaf: CriterionPart) -> str:
    return str(leaf["spec"].get("aggregate") or document["method"]["score_aggregation"])


def wrapped_lines(text: str, width: int) -> int:
    """About how many lines ``text`` takes wrapped in a column ``width`` wide: a width
    counts '0's, and running text averages about 1.2 characters to a '0'; a line more
    rather than a line short."""
    per_line = max(1, int(width * 1.2))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def page_breaks(
    widths: dict[int, int], heights: dict[int, float], blocks: Sequence[tuple[int, int]]
) -> list[int]:
    """Rows before which a page break keeps each block (first, last row) on one page.

    An estimate of where the pages fall, from the scale that fits the columns on the page
    width and the rows' heights. A row left at its default height is 15 pt in Excel and
    about 12.75 pt in LibreOffice, so the pages fall differently: a block gets a break if it
    would straddle a page in either, and after a break both start again there. A block
    already on one page, or longer than a page, gets none."""
    scale = min(1.0, PAGE_WIDTH / max(1, sum(max(width, 10) for width in widths.values())))
    page = PAGE_HEIGHT / scale
    last = max((end for _, end in blocks), default=0)
    models = [
        list(
            itertools.accumulate(
                (heights.get(row, default) for row in range(1, last + 1)), initial=0.0
            )
        )
        for default in DEFAULT_ROW_HEIGHTS
    ]
    breaks: list[int] = []
    page_tops = [0.0 for _ in models]
    for first, end in sorted(blocks):
        straddles = False
        for k, tops in enumerate(models):
            top, bottom = tops[first - 1], tops[end]
            while top >= page_tops[k] + page:
                page_tops[k] += page
            straddles |= bottom > page_tops[k] + page and bottom - top <= page
        if straddles:
            breaks.append(first)
            page_tops = [tops[first - 1] for tops in models]
    return breaks


def footer_text(text: str) -> str:
    """Text for a printed header or footer, where '&' starts a code."""
    return text.replace("&", "&&")


def print_across(sheet: Worksheet, *, header_row: int | None, footer: str = "") -> None:
    """A4 landscape, every column on the page width, the header row (of a sheet that is one
    table) repeated on each page; a footer with ``footer`` (what the page belongs to), the
    sheet's name and the page number, so a loose page can be traced."""
    printed = sheet.oddFooter
    assert printed is not None  # openpyxl makes one with every sheet
    printed.left.text = footer_text(footer)
    printed.center.text = "&A"
    printed.right.text = "Page &P of &N"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"


def finish(
    sheet: Worksheet,
    widths: dict[int, int],
    heights: dict[int, float],
    *,
    footer: str,
    print_area: str | None = None,
    together: Sequence[tuple[int, int]] = (),
) -> None:
    """Widths that fit, heights for wrapped text, print set-up (``print_area`` leaves helper
    columns off the page; ``together``: blocks kept on one page), and protection (weights
    stay editable)."""
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(width, 10)
    for row, height in heights.items():
        sheet.row_dimensions[row].height = height
    for row in page_breaks(widths, heights, together):
        sheet.row_breaks.append(Break(id=row - 1))
    print_across(sheet, header_row=TABLE_HEADERS.get(sheet.title), footer=footer)
    if print_area:
        sheet.print_area = print_area
    sheet.protection.sheet = True
    sheet.protection.formatCells = False
    sheet.protection.formatColumns = False
