"""The Audit sheet: the run, its settings and the SHA-256 of every input."""

from __future__ import annotations

import json

from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import BOLD, WorkbookWriter


def write_audit(w: WorkbookWriter, sheet: Worksheet) -> None:
    audit, run = w.doc["audit"], w.doc["run"]
    w.title(sheet, "audit trail")
    rows = [
        ("Run", "official" if run["official"] else f"what-if {run['name']}: {run['label']}"),
        ("What-if weights", json.dumps(run["weights"], sort_keys=True)),
        ("Tool", audit["tool"]),
        ("Generated at", audit["generated_at"]),
        ("Command", audit["command"]),
        ("Criteria lock", audit["criteria_lock"] or "not locked"),
        ("Seed", str(audit["seed"])),
        ("Samples", str(audit["samples"])),
        ("Weight sampling", str(audit["sampling"])),
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
