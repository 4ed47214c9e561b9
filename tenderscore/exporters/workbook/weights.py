"""The Weights sheet: the criteria tree with editable weights and the effective weights."""

from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import INPUT, ROOT, WorkbookWriter, defined_name
from tenderscore.report.criteria import (
    document_has_leaves,
)
from tenderscore.report.types import CriterionPart


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
    shown = _stated_weights(nodes)
    level_sums: dict[str | None, float] = {}
    for node in nodes:
        level_sums[node["parent"]] = level_sums.get(node["parent"], 0.0) + shown[node["id"]]
    effective: dict[str, float] = {}  # the tree's weights, as column G multiplies them down
    for node in nodes:
        r = w.layout.weight_rows[node["id"]]
        parent = node["parent"] or ROOT
        w.text(sheet, r, 1, node["id"])
        w.text(sheet, r, 2, ("  " * node["depth"]) + node["name"])
        w.text(sheet, r, 3, node["kind"])
        w.text(sheet, r, 4, parent)
        if node["stated_weight"] is None:
            formula = f"=SUMIF({parents},A{r},{stated})"
            w.value(sheet, r, 5, formula, "0.####", cached=shown[node["id"]])
            w.note(sheet, r, 5, "Points weighting: the sum of the children.")
        else:
            w.value(sheet, r, 5, node["stated_weight"], "0.####", INPUT)
            name = defined_name(node["id"])
            w.book.defined_names[name] = DefinedName(name, attr_text=f"Weights!$E${r}")
        siblings = f"SUMIF({parents},D{r},{stated})"
        level = level_sums[node["parent"]]
        local = shown[node["id"]] / level if level else 0.0
        w.value(sheet, r, 6, f"=IF({siblings}=0,0,E{r}/{siblings})", "0.00%", cached=local)
        parent_row = w.layout.weight_rows.get(node["parent"] or "")
        above = f"*G{parent_row}" if parent_row else ""
        parent_weight = effective.get(node["parent"] or "", 1.0) if parent_row else 1.0
        effective[node["id"]] = local * parent_weight
        w.value(sheet, r, 7, f"=F{r}{above}", "0.00%", cached=effective[node["id"]])
        if percent:
            w.value(
                sheet,
                r,
                8,
                f'=IF(ABS({siblings}-100)<=0.000001,"ok","level sums to "&{siblings})',
                cached="ok" if abs(level - 100) <= 1e-6 else f"level sums to {level:.15g}",
            )
    w.book.defined_names["EffectiveWeights"] = DefinedName(
        "EffectiveWeights", attr_text=f"Weights!$G$4:$G${last}"
    )
    sheet.freeze_panes = "C4"


def _stated_weights(nodes: list[CriterionPart]) -> dict[str, float]:
    """Each node's weight as the sheet's column E shows it: its stated weight, or (points
    weighting) the sum of its children's, as the SUMIF there computes."""
    children: dict[str, list[str]] = {}
    for node in nodes:
        if node["parent"] is not None:
            children.setdefault(node["parent"], []).append(node["id"])
    stated = {node["id"]: node["stated_weight"] for node in nodes}
    shown: dict[str, float] = {}

    def weight(node_id: str) -> float:
        if node_id not in shown:
            own = stated[node_id]
            shown[node_id] = own if own is not None else sum(map(weight, children.get(node_id, [])))
        return shown[node_id]

    for node in nodes:
        weight(node["id"])
    return shown
