"""Evaluator scoring sheets: one workbook per evaluator, to fill and return.

Each workbook lists, per criterion assigned to the evaluator, the question, the scale with
its descriptors and, per bid, a score cell (restricted to the scale) and a comment cell;
everything else is locked. Price never appears (two-envelope practice). A fingerprint of the
criteria, scales and panel ties a filled sheet to the tender it was made for; the reader is
``tenderscore.input.scoresheets``, which owns the layout.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tenderscore.exporters.escaping import set_text
from tenderscore.exporters.sheetxml import PLAIN, Look, SheetCells, Styles, moment_of, splice
from tenderscore.exporters.workbook.writer import LINE_HEIGHT, print_across, wrapped_lines
from tenderscore.input.bidfile import BidFile
from tenderscore.input.fingerprints import scoring_sheet_fingerprint, sheet_seal
from tenderscore.input.hierarchy import CriteriaTree, TreeNode
from tenderscore.input.models import ScaleCriterion, TenderFile
from tenderscore.input.panel import assigned_evaluators
from tenderscore.input.scoresheets import (
    COLUMNS,
    COMMENT,
    FIRST_ROW,
    SCORE,
    SEAL_COLUMN,
    SEAL_ROW,
    SHEET,
    sheet_name,
)
from tenderscore.report.wording import set_aside_note

BOLD = Look(font=Font(name="Calibri", bold=True))
INPUT = Look(fill=PatternFill("solid", fgColor="FFF2CC"), unlocked=True)
INPUT_TEXT = Look(fill=INPUT.fill, unlocked=True, wrap=True)
WRAPPED = Look(wrap=True)
WIDTHS = dict(zip("ABCDEF", (18, 50, 12, 26, 8, 45), strict=True))
"""Column widths: A4 landscape, one page wide at about 90%; question, supplier and comment wrap."""
NOTE_COLUMN, NOTE_ROWS = 4, SEAL_ROW - 1  # D1:F3, the bids set aside before scoring
COMMENT_LINES = 3  # room to write a comment in before the row is resized
DESCRIPTOR_WIDTH = 90


def scale_validation(low: int, high: int) -> DataValidation:
    """Score cells that take a number on the scale, or nothing, with a message saying so."""
    return DataValidation(
        type="decimal",
        operator="between",
        formula1=str(low),
        formula2=str(high),
        allow_blank=True,
        showErrorMessage=True,
        error=f"A score on the {low}-{high} scale",
    )


def render_sheets(
    config: TenderFile,
    tree: CriteriaTree,
    bids: tuple[BidFile, ...],
    key: bytes,
    *,
    set_aside: tuple[BidFile, ...] = (),
    generated_at: str = "",
) -> dict[str, bytes]:
    """File name -> workbook bytes, one per panel member with scale criteria to score, each
    sealed to its evaluator with the tender's ``key`` (see ``fingerprints.sheet_seal``).
    The bids ``set_aside`` before scoring are named on each sheet's cover, not scored."""
    stamp = scoring_sheet_fingerprint(config, tree)
    note = set_aside_note(tree, set_aside)
    books = {}
    for evaluator in config.panel:
        leaves = [
            leaf
            for leaf in tree.leaves
            if isinstance(leaf.model, ScaleCriterion)
            and evaluator.id in assigned_evaluators(config, tree, leaf.id)
        ]
        if leaves:
            books[sheet_name(config.reference, evaluator.id)] = _workbook(
                config, evaluator.id, evaluator.role, leaves, bids, stamp, key, generated_at, note
            )
    return books


def _workbook(
    config: TenderFile,
    evaluator: str,
    role: str,
    leaves: list[TreeNode],
    bids: tuple[BidFile, ...],
    stamp: str,
    key: bytes,
    generated_at: str,
    note: str,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    styles, cells = Styles(book), SheetCells()  # 90,000 rows for 2,000 bids: see sheetxml

    def text(row: int, column: int, value: str, look: Look = PLAIN) -> None:
        cells.text(row, column, value, styles.for_text(value, look))

    header = [
        ("Tender", f"{config.reference}: {config.title}"),
        ("Evaluator", evaluator),
        ("Role", role),
        ("Fingerprint", stamp),
    ]
    for row, (label, value) in enumerate(header, start=1):
        text(row, 1, label, BOLD)
        text(row, 2, value, WRAPPED)
        sheet.row_dimensions[row].height = LINE_HEIGHT * wrapped_lines(value, WIDTHS["B"])
    if note:  # beside the header, above the seal; the reader reads only columns A and B there
        text(1, NOTE_COLUMN, note, WRAPPED)
        sheet.merge_cells(start_row=1, start_column=NOTE_COLUMN, end_row=NOTE_ROWS, end_column=6)
        lines = wrapped_lines(note, sum(WIDTHS[c] for c in "DEF"))
        room = sum(sheet.row_dimensions[r].height or LINE_HEIGHT for r in range(1, NOTE_ROWS + 1))
        if LINE_HEIGHT * lines > room:
            sheet.row_dimensions[NOTE_ROWS].height = (
                (sheet.row_dimensions[NOTE_ROWS].height or LINE_HEIGHT) + LINE_HEIGHT * lines - room
            )
    text(SEAL_ROW, SEAL_COLUMN - 1, "Seal", BOLD)
    text(SEAL_ROW, SEAL_COLUMN, sheet_seal(key, stamp, evaluator))
    for column, label in enumerate(COLUMNS, start=1):
        text(FIRST_ROW - 1, column, label, BOLD)
    row = FIRST_ROW
    guide = book.create_sheet("Scales")
    guide.append(["Criterion", "Score", "Descriptor"])
    top = Alignment(wrap_text=True, vertical="top")
    for leaf in leaves:
        model = leaf.model
        assert isinstance(model, ScaleCriterion)
        validation = scale_validation(model.scale.min, model.scale.max)
        sheet.add_data_validation(validation)
        for point in range(model.scale.min, model.scale.max + 1):
            descriptor = model.scale.descriptors.get(point, "")
            guide.append([leaf.id, point, None])
            cell = guide.cell(row=guide.max_row, column=3)
            set_text(cell, descriptor)
            cell.alignment = top
            lines = wrapped_lines(descriptor, DESCRIPTOR_WIDTH)
            guide.row_dimensions[cell.row].height = LINE_HEIGHT * lines
        first = row
        for bid in bids:
            text(row, 1, leaf.id)
            question = model.question or leaf.name
            text(row, 2, question, WRAPPED)
            text(row, 3, bid.id)
            text(row, 4, bid.name, WRAPPED)
            lines = max(
                COMMENT_LINES,
                wrapped_lines(question, WIDTHS["B"]),
                wrapped_lines(bid.name, WIDTHS["D"]),
            )
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines
            cells.blank(row, SCORE, styles.id(INPUT))
            cells.blank(row, COMMENT, styles.id(INPUT_TEXT))
            cells.seal(row)
            row += 1
        if bids:
            validation.add(f"E{first}:E{row - 1}")  # one range: adding cell by cell is O(n^2)
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    for letter, width in zip("ABC", (18, 8, DESCRIPTOR_WIDTH), strict=True):
        guide.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    footer = f"{config.reference}: scoring sheet of {evaluator} (fingerprint {stamp})"
    print_across(sheet, header_row=FIRST_ROW - 1, footer=footer)
    print_across(guide, header_row=1, footer=footer)
    for page in (sheet, guide):
        page.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return splice(
        buffer.getvalue(), {sheet.path.lstrip("/"): cells}, moment=moment_of(generated_at)
    )
