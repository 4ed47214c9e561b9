"""The moderation meeting's workbook: the panel's scores per bid and criterion, disputed
items first, with input cells for the agreed score, the agreed reason and the bidder's
feedback, and for the meeting itself (date, chair, attendees).

Items already agreed in the bid files are left out (the same item in both is an error when
the workbook is read back). The reader, which owns the layout, is
``tenderscore.input.moderation_sheet``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tenderscore.engine.moderation import Moderation, ModerationItem
from tenderscore.exporters.scoresheets import (
    BOLD,
    INPUT,
    INPUT_TEXT,
    WRAPPED,
    scale_validation,
)
from tenderscore.exporters.sheetxml import Look, SheetCells, Styles, moment_of, splice
from tenderscore.exporters.workbook.writer import LINE_HEIGHT, print_across, wrapped_lines
from tenderscore.input.bidfile import EvaluatorScore
from tenderscore.input.fingerprints import scoring_sheet_fingerprint, sheet_seal
from tenderscore.input.models import ScaleCriterion
from tenderscore.input.moderation_sheet import (
    COLUMNS,
    FEEDBACK,
    FIRST_ROW,
    HEADER,
    MEETING_ROWS,
    REASON,
    SCORE,
    SEAL_COLUMN,
    SEAL_PURPOSE,
    SEAL_ROW,
    SHEET,
)
from tenderscore.input.tender import Tender

WIDTHS = (16, 12, 20, 18, 7, 9, 45, 12, 45, 35)
"""Column widths: A4 landscape at about 60%; comments, reason and feedback wrap."""
REASON_LINES = 3  # room to write a reason before the row is resized
NOTE_COLUMN = 7  # G1:J5, beside the header and the seal
HEADING = Look(font=BOLD.font, wrap=True)


def render_moderation_workbook(
    tender: Tender, moderation: Moderation, key: bytes, *, generated_at: str = ""
) -> bytes:
    """The workbook for the moderation meeting of ``tender``, sealed with its ``key``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    styles, cells = Styles(book), SheetCells()

    def text(row: int, column: int, value: str, look: Look = WRAPPED) -> None:
        cells.text(row, column, value, styles.for_text(value, look))

    stamp = scoring_sheet_fingerprint(tender.config, tender.tree)
    config = tender.config
    for row, label in enumerate(HEADER, start=1):
        text(row, 1, label, BOLD)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    title = f"{config.reference}: {config.title}"
    text(1, 2, title)
    sheet.row_dimensions[1].height = LINE_HEIGHT * wrapped_lines(title, WIDTHS[1] + WIDTHS[2])
    text(2, 2, stamp)
    text(SEAL_ROW, SEAL_COLUMN - 1, "Seal", BOLD)
    text(SEAL_ROW, SEAL_COLUMN, sheet_seal(key, stamp, SEAL_PURPOSE))
    for row in MEETING_ROWS.values():
        cells.blank(row, 2, styles.id(INPUT_TEXT))
    agreed = {(bid.id, c) for bid in tender.bids for c in bid.consensus}
    items = [item for item in moderation.items if (item.bid, item.criterion) not in agreed]
    items.sort(key=lambda item: not item.disputed)  # stable: disputed first, then as listed
    note = (
        f"Disputed items first. {len(agreed)} items already agreed in the bid files are not "
        "listed. Type an agreed score only where the panel changes the score; an agreed "
        "reason on every row (bidders' summaries quote it); feedback where the bidder should "
        "read other words."
    )
    text(1, NOTE_COLUMN, note)
    sheet.merge_cells(start_row=1, start_column=NOTE_COLUMN, end_row=5, end_column=len(COLUMNS))
    for column, label in enumerate(COLUMNS, start=1):
        text(FIRST_ROW - 1, column, label, HEADING)
    sheet.row_dimensions[FIRST_ROW - 1].height = LINE_HEIGHT * 2
    names = {bid.id: bid.name for bid in tender.bids}
    comments = {
        (bid.id, criterion): given for bid in tender.bids for criterion, given in bid.scores.items()
    }
    validations: dict[str, DataValidation] = {}
    for row, item in enumerate(items, start=FIRST_ROW):
        given = comments.get((item.bid, item.criterion), {})
        lines = _item_row(text, row, item, names[item.bid], given)
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines
        cells.blank(row, SCORE, styles.id(INPUT))
        cells.blank(row, REASON, styles.id(INPUT_TEXT))
        cells.blank(row, FEEDBACK, styles.id(INPUT_TEXT))
        cells.seal(row)
        model = tender.tree.nodes[item.criterion].model
        assert isinstance(model, ScaleCriterion)
        validation = validations.get(item.criterion)
        if validation is None:
            validation = validations[item.criterion] = scale_validation(
                model.scale.min, model.scale.max
            )
            sheet.add_data_validation(validation)
        validation.add(f"H{row}")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    footer = f"{config.reference}: moderation meeting (fingerprint {stamp})"
    print_across(sheet, header_row=FIRST_ROW - 1, footer=footer)
    sheet.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return splice(
        buffer.getvalue(), {sheet.path.lstrip("/"): cells}, moment=moment_of(generated_at)
    )


def _item_row(
    text: Callable[[int, int, str], None],
    row: int,
    item: ModerationItem,
    supplier: str,
    given: Mapping[str, EvaluatorScore],
) -> int:
    """The panel's side of one row (what was scored and said); the lines it needs."""
    text(row, 1, item.criterion)
    text(row, 2, item.bid)
    text(row, 3, supplier)
    text(row, 4, ", ".join(f"{e} {s:g}" for e, s in item.scores.items()))
    text(row, 5, f"{item.spread:g}")
    text(row, 6, "yes" if item.disputed else "")
    notes = "\n".join(f"{e}: {entry.comment}" for e, entry in given.items() if entry.comment)
    if notes:
        text(row, 7, notes)
    return max(REASON_LINES, wrapped_lines(notes, WIDTHS[6]), wrapped_lines(supplier, WIDTHS[2]))
