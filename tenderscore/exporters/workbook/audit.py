"""The Audit sheet: the run, its settings and the SHA-256 of every input."""

from __future__ import annotations

import json

from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import BOLD, WorkbookWriter
from tenderscore.report.types import RunPart
from tenderscore.report.wording import OFFICIAL_DRAFT


def write_audit(w: WorkbookWriter, sheet: Worksheet) -> None:
    audit, run = w.doc["audit"], w.doc["run"]
    w.title(sheet, "audit trail")
    rows = [
        ("Run", _run_words(run)),
        ("What-if weights", json.dumps(run["weights"], sort_keys=True)),
        ("Tool", audit["tool"]),
        ("Generated at", audit["generated_at"]),
        ("Command", audit["command"]),
        ("Criteria lock", audit["criteria_lock"] or "not locked"),
        ("Seed", str(audit["seed"])),
        ("Samples", str(audit["samples"])),
        ("Weight sampling", str(audit["sampling"])),
        ("Approval", _approval_words(w)),
    ]
    for k, (label, value) in enumerate(rows):
        w.text(sheet, 3 + k, 1, label, BOLD)
        w.text(sheet, 3 + k, 2, value)
    r = 4 + len(rows)
    w.header(sheet, r, ["Input file", "Role", "SHA-256"])
    for k, source in enumerate(audit["inputs"]):
        w.text(sheet, r + 1 + k, 1, source["path"])
        w.text(sheet, r + 1 + k, 2, source["role"])
        w.text(sheet, r + 1 + k, 3, source["sha256"])
    _conflicts(w, sheet, r + 2 + len(audit["inputs"]))


def _run_words(run: RunPart) -> str:
    """How the Audit sheet names the run (``verify`` reads it back)."""
    if not run["official"]:
        return f"what-if {run['name']}: {run['label']}"
    return OFFICIAL_DRAFT if run.get("draft") else "official"


def _approval_words(w: WorkbookWriter) -> str:
    approval = w.doc.get("approval")
    if not approval:
        return "not approved (tenderscore approve records it)"
    said = f"{approval['approved_by']} ({approval['role']}) at {approval['approved_at']}"
    if not approval["current"]:
        return f"STALE: {said}, but {approval['stale_because']} it"
    return said


def _conflicts(w: WorkbookWriter, sheet: Worksheet, r: int) -> None:
    """The conflicts assessment: who declared what, when, how it was assessed and managed."""
    declarations = w.doc.get("conflicts", [])
    w.heading(sheet, r, 1, "Conflicts of interest (declarations and their assessment)")
    if not declarations:
        w.text(sheet, r + 1, 1, "No declarations of interests are recorded.")
        return
    w.header(sheet, r + 1, ["Person", "Role", "Declared", "Interest and bids", "Assessment"])
    for k, d in enumerate(declarations):
        row = r + 2 + k
        w.text(sheet, row, 1, d["person"])
        w.text(sheet, row, 2, d["role"])
        w.text(sheet, row, 3, d["declared"])
        bids = f" (bids: {', '.join(d['bids'])})" if d["bids"] else ""
        w.prose(sheet, row, 4, d["interest"] + bids, width=30)
        mitigation = f"Mitigation: {d['mitigation']}. " if d["mitigation"] else ""
        w.prose(sheet, row, 5, mitigation + (d["assessment"] or ""), width=40)
