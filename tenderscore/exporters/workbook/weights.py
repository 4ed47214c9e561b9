"""The Weights sheet: the criteria tree with editable weights and the effective weights."""

from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import INPUT, ROOT, WorkbookWriter, defined_name
from tenderscore.report.criteria import (
    document_has_leaves,
)


def write_weights(w: WorkbookWriter, sheet: Worksheet) -> None:
    w.title(sheet, "criteria and weights (edit the yellow cells)")
    percent = w.doc["method"]["weighting"] == "percent"
    w.header(
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
    nodes = [n for n in w.doc["criteria"] if document_has_leaves(w.doc, n["id"])]
    for offset, node in enumerate(nodes):
        w.layout.weight_rows[node["id"]] = 4 + offset
    last = 3 + len(nodes)
    parents = f"$D$4:$D${last}"
    stated = f"$E$4:$E${last}"
    for node in nodes:
        r = w.layout.weight_rows[node["id"]]
        parent = node["parent"] or ROOT
        w.text(sheet, r, 1, node["id"])
        w.text(sheet, r, 2, ("  " * node["depth"]) + node["name"])
        w.text(sheet, r, 3, node["kind"])
        w.text(sheet, r, 4, parent)
        if node["stated_weight"] is None:
            w.value(sheet, r, 5, f"=SUMIF({parents},A{r},{stated})", "0.####")
            w.note(sheet, r, 5, "Points weighting: the sum of the children.")
        else:
            w.value(sheet, r, 5, node["stated_weight"], "0.####", INPUT)
            name = defined_name(node["id"])
            w.book.defined_names[name] = DefinedName(name, attr_text=f"Weights!$E${r}")
        siblings = f"SUMIF({parents},D{r},{stated})"
        w.value(sheet, r, 6, f"=IF({siblings}=0,0,E{r}/{siblings})", "0.00%")
        parent_row = w.layout.weight_rows.get(node["parent"] or "")
        above = f"*G{parent_row}" if parent_row else ""
        w.value(sheet, r, 7, f"=F{r}{above}", "0.00%")
        if percent:
            w.value(
                sheet,
                r,
                8,
                f'=IF(ABS({siblings}-100)<=0.000001,"ok","level sums to "&{siblings})',
            )
    w.book.defined_names["EffectiveWeights"] = DefinedName(
        "EffectiveWeights", attr_text=f"Weights!$G$4:$G${last}"
    )
    sheet.freeze_panes = "C4"
