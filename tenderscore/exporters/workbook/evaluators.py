"""The Evaluators sheet: each panel member's scores and comments, the panel statistics
and the consensus cells the Scores sheet reads.

The consensus reason and the comments share one wrapped Notes column, one line each, so the
sheet prints one page wide at a readable size."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import WorkbookWriter


def write_evaluators(w: WorkbookWriter, sheet: Worksheet) -> None:
    w.title(sheet, "evaluators' scores, consensus and moderation flags")
    panel = [e["id"] for e in w.doc["panel"]]
    roles = {e["id"]: e["role"] for e in w.doc["panel"]}
    labels = [
        "Criterion",
        "Bid",
        *[f"{e}\n{roles[e]}" for e in panel],
        "Consensus",
        "Spread (share of scale)",
        "Flag",
        "Notes: agreed reason, feedback, comments",
    ]
    w.header(sheet, 3, labels)
    r = 4
    for leaf in w.leaves:
        if leaf["kind"] != "scale":
            continue
        scale = leaf["spec"]["scale"]
        for bid in w.bids:
            cell = w.cells[bid["id"]][leaf["id"]]
            given = cell["evaluator_scores"] or {}
            comments = cell["evaluator_comments"] or {}
            w.text(sheet, r, 1, leaf["id"])
            w.text(sheet, r, 2, bid["name"])
            columns = []
            for k, evaluator in enumerate(panel):
                column = 3 + k
                if evaluator in given:
                    w.value(sheet, r, column, given[evaluator])
                    columns.append(get_column_letter(column))
            consensus_column = 3 + len(panel)
            notes = [f"{e}: {comments[e]}" for e in panel if comments.get(e)]
            if cell["moderated"]:
                w.value(sheet, r, consensus_column, cell["raw"])
            if cell["feedback"] is not None:
                notes.insert(0, f"Feedback to the bidder: {cell['feedback']}")
            if cell["consensus_reason"] is not None:
                notes.insert(0, f"Agreed: {cell['consensus_reason']}")
            letter = get_column_letter(consensus_column)
            w.layout.consensus_cells[leaf["id"], bid["id"]] = f"Evaluators!${letter}${r}"
            if columns:
                span = f"{columns[0]}{r}:{columns[-1]}{r}"
                w.layout.panel_ranges[leaf["id"], bid["id"]] = f"Evaluators!{span}"
                scores = [given[e] for e in panel if e in given]
                spread = max(scores) - min(scores)
                width = scale["max"] - scale["min"]
                share = f"(MAX({span})-MIN({span}))/{width}"
                w.value(sheet, r, consensus_column + 1, f"={share}", "0%", cached=spread / width)
                threshold = w.doc["method"]["disagreement_share"]
                flag = "disagreement" if spread / width >= threshold else ""
                share_cell = f"{get_column_letter(consensus_column + 1)}{r}"
                w.value(
                    sheet,
                    r,
                    consensus_column + 2,
                    f'=IF({share_cell}>={threshold},"disagreement","")',
                    cached=flag,
                )
            w.at_least(sheet, consensus_column + 2, len("disagreement") + 3)
            if notes:
                w.prose(sheet, r, consensus_column + 3, "\n".join(notes), width=60)
            w.cells_of(sheet).seal(r)
            r += 1
    _panel_statistics(w, sheet, r + 1)
    sheet.freeze_panes = "C4"


def _panel_statistics(w: WorkbookWriter, sheet: Worksheet, r: int) -> None:
    """Leniency, outliers and agreement, from the moderation analysis."""
    moderation = w.doc["moderation"]
    w.heading(
        sheet,
        r,
        1,
        "Evaluators (leniency: mean deviation from the rest of the panel, in scale points)",
    )
    w.header(sheet, r + 1, ["Evaluator", "Role", "Scores given", "Leniency", "Outlier in"])
    for k, profile in enumerate(moderation["evaluators"]):
        row = r + 2 + k
        w.text(sheet, row, 1, profile["evaluator"])
        w.prose(sheet, row, 2, profile["role"], width=24)
        w.value(sheet, row, 3, profile["scored"])
        w.value(sheet, row, 4, profile["leniency"], "+0.00;-0.00;0.00")
        w.value(sheet, row, 5, profile["outlier_share"], "0%")
    row = r + 3 + len(moderation["evaluators"])
    w.heading(sheet, row, 1, "Inter-rater agreement (Krippendorff's alpha, interval)")
    names = {node["id"]: node["name"] for node in w.doc["criteria"]}
    for k, (section, alpha) in enumerate(moderation["agreement"].items()):
        w.text(sheet, row + 1 + k, 1, names[section])
        if alpha is None:
            w.text(sheet, row + 1 + k, 2, "n/a")
        else:
            w.value(sheet, row + 1 + k, 2, alpha, "0.00")
