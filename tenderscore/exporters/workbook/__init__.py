"""The committee workbook: every step visible, and live.

Weights are editable cells; effective weights, partial values, points, totals and ranks are
classic Excel formulas (SUMIF, MIN, MAX, AVERAGE, COUNTIFS, IF, LN, INDEX/MATCH), so a change of
weight in Excel recomputes everything, and the numbers equal the engine's. Eligibility
(gates and minimums) is held as evaluated, and says so. Rendered from the export document,
so a saved JSON result renders the same workbook. Cell values go through ``sheetxml`` (a
2,000-bid tender has 1.8 million of them); openpyxl writes the rest of the package.
"""

from __future__ import annotations

import io

from tenderscore.exporters.sheetxml import moment_of, splice
from tenderscore.exporters.workbook.audit import write_audit
from tenderscore.exporters.workbook.evaluators import write_evaluators
from tenderscore.exporters.workbook.robustness import write_robustness
from tenderscore.exporters.workbook.scores import write_scores
from tenderscore.exporters.workbook.summary import write_summary
from tenderscore.exporters.workbook.weights import write_weights
from tenderscore.exporters.workbook.writer import WorkbookWriter, finish
from tenderscore.report.types import ExportDocument


def render_workbook(document: ExportDocument) -> bytes:
    """The workbook for ``document`` (see ``export_document``) as .xlsx bytes."""
    writer = WorkbookWriter(document)
    summary = writer.book.active
    assert summary is not None
    summary.title = "Summary"
    weights = writer.book.create_sheet("Weights")
    evaluators = writer.book.create_sheet("Evaluators")
    scores = writer.book.create_sheet("Scores")
    write_weights(writer, weights)
    write_evaluators(writer, evaluators)
    write_scores(writer, scores)
    write_summary(writer, summary)
    write_robustness(writer, writer.book.create_sheet("Sensitivity"))
    write_audit(writer, writer.book.create_sheet("Audit"))
    writer.book.move_sheet("Scores", offset=-1)
    for sheet in writer.book.worksheets:
        finish(
            sheet,
            writer.widths.get(sheet, {}),
            writer.row_heights(sheet),
            footer=f"{document['tender']['reference']}: {document['tender']['title']}",
            print_area=writer.print_areas.get(sheet),
            together=writer.together.get(sheet, ()),
        )
    buffer = io.BytesIO()
    writer.book.save(buffer)
    parts = {sheet.path.lstrip("/"): writer.sheet_cells[sheet] for sheet in writer.book}
    return splice(buffer.getvalue(), parts, moment=moment_of(document["audit"]["generated_at"]))
