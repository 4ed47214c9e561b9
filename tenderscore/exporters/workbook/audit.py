"""The Audit sheet: the run, its settings and the SHA-256 of every input."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from tenderscore.exporters.workbook.writer import BOLD, WorkbookWriter


def write_audit(w: WorkbookWriter, sheet: Worksheet) -> None:
    audit = w.doc["audit"]
    w.title(sheet, "audit trail")
    rows = [
        ("Tool", audit["tool"]),
        ("Generated at", audit["generated_at"]),
        ("Command", audit["command"]),
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
