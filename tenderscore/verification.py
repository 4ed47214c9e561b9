"""Compare a saved export with a fresh evaluation of the same inputs.

Differences are reported in the reader's terms: an input file that changed since the export,
then every number or cell that differs (a value edited by hand in the workbook, say).
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tenderscore import pipeline
from tenderscore.errors import InputError, Problem
from tenderscore.exporting import render_document
from tenderscore.input.fields import FEWEST_SAMPLES, LARGEST_SEED, MOST_SAMPLES
from tenderscore.input.saved import read_export
from tenderscore.input.scoresheets import package_problem
from tenderscore.input.workbook_view import SheetView, read_view, same_value
from tenderscore.report.document import RunInfo, WhatIf
from tenderscore.report.types import InputRecord, check_saved
from tenderscore.report.wording import OFFICIAL_DRAFT
from tenderscore.sensitivity.analysis import smaa_settings
from tenderscore.sensitivity.sampling import SAMPLINGS

MAX_DIFFERENCES = 50
IGNORED = {("audit", "generated_at"), ("audit", "command"), ("audit", "inputs")}


def input_differences(recorded: list[InputRecord], current: list[InputRecord]) -> list[str]:
    """Input files added, removed or changed since the export."""
    before = {item["path"]: item["sha256"] for item in recorded}
    now = {item["path"]: item["sha256"] for item in current}
    found = []
    for path in sorted(before.keys() | now.keys()):
        if path not in now:
            found.append(f"input {path} is gone since the export")
        elif path not in before:
            found.append(f"input {path} is new since the export")
        elif before[path] != now[path]:
            found.append(f"input {path} has changed since the export (SHA-256 differs)")
    return found


def document_differences(saved: Any, fresh: Any, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Paths where two export documents differ (numbers compared within 1e-9)."""
    if path in IGNORED:
        return
    where = ".".join(path) or "(document)"
    if isinstance(saved, dict) and isinstance(fresh, dict):
        for key in sorted(saved.keys() | fresh.keys(), key=str):
            if key not in saved or key not in fresh:
                yield f"{where}.{key}: present in only one of the two"
            else:
                yield from document_differences(saved[key], fresh[key], (*path, str(key)))
    elif isinstance(saved, list) and isinstance(fresh, list):
        if len(saved) != len(fresh):
            yield f"{where}: {len(saved)} entries in the export, {len(fresh)} now"
            return
        for index, (a, b) in enumerate(zip(saved, fresh, strict=True)):
            yield from document_differences(a, b, (*path, str(index)))
    elif not same(saved, fresh):
        yield f"{where}: export has {_short(saved)}, recomputed {_short(fresh)}"


def workbook_differences(
    saved: bytes, fresh: bytes, *, audit: bool = True, path: Path = Path("workbook")
) -> Iterator[str]:
    """What a reader would see differently in a saved workbook and the one the inputs give
    now (``input.workbook_view``): sheets, cells (formula, cached value, number format),
    hidden rows and columns, merged ranges, links, protection, notes, charts and defined
    names. The Audit sheet too unless ``audit`` is False (when inputs changed, its input rows
    differ and are reported as changed inputs)."""
    if _same_parts(saved, fresh):
        return
    new = read_view(fresh)
    cells = sum(len(sheet.cells) for sheet in new.sheets)
    try:  # an honest re-save writes a few more cells (empty, styled) at most
        old = read_view(saved, most_cells=2 * cells + 100_000)
    except Exception as exc:  # a malformed part, a wrong type in XML: the file's problem
        raise InputError(
            [Problem(path, f"cannot read this workbook ({type(exc).__name__}: {exc})"[:300])]
        ) from exc
    before = [(s.name, s.state) for s in old.sheets]
    after = [(s.name, s.state) for s in new.sheets]
    if before != after:
        yield f"sheets: workbook has {_short(before)}, recomputed {_short(after)}"
    if old.structure_locked != new.structure_locked:
        yield "workbook: the protection of its structure differs"
    for name in sorted(old.defined_names.keys() | new.defined_names.keys()):
        a, b = old.defined_names.get(name), new.defined_names.get(name)
        if a != b:
            yield f"defined name {name}: workbook has {_short(a)}, recomputed {_short(b)}"
    saved_sheets = {sheet.name: sheet for sheet in old.sheets}
    for sheet in new.sheets:
        if sheet.name in saved_sheets and (audit or sheet.name != "Audit"):
            yield from _sheet_differences(saved_sheets[sheet.name], sheet)


def _sheet_differences(old: SheetView, new: SheetView) -> Iterator[str]:
    name = old.name
    for ref in sorted(old.cells.keys() | new.cells.keys(), key=_cell_order):
        a, b = old.cells.get(ref), new.cells.get(ref)
        if a is None or b is None:
            shown = a or b
            assert shown is not None
            content = shown.formula or shown.value
            where = "the workbook has" if a else "the workbook lacks"
            yield f"{name}!{ref}: {where} {_short(content)}"
            continue
        if a.formula != b.formula:
            yield f"{name}!{ref}: workbook has ={a.formula}, recomputed ={b.formula}"[:240]
        elif not same_value(a.value, b.value) and not (a.formula and a.value is None):
            # a formula saved without its cached value (openpyxl drops them) shows nothing
            # until recalculated: not a forgery; a cached value that differs is
            cached = "cached value " if a.formula else ""
            yield f"{name}!{ref}: workbook has {cached}{_short(a.value)}, recomputed " + _short(
                b.value
            )
        elif a.number_format != b.number_format:
            yield (
                f"{name}!{ref}: number format {_short(a.number_format)}, recomputed "
                f"{_short(b.number_format)} (it changes what the cell shows)"
            )
    for label, a_set, b_set in (
        ("hidden rows", old.hidden_rows, new.hidden_rows),
        ("hidden columns", old.hidden_columns, new.hidden_columns),
        ("merged cells", old.merged, new.merged),
        ("links", old.hyperlinks, new.hyperlinks),
    ):
        if a_set != b_set:
            yield f"{name}: {label} {_short(sorted(a_set ^ b_set))} differ"
    if old.protected != new.protected:
        yield f"{name}: sheet protection {'on' if old.protected else 'off'}, recomputed " + (
            "on" if new.protected else "off"
        )
    for ref in sorted(old.notes.keys() | new.notes.keys(), key=_cell_order):
        note, fresh_note = old.notes.get(ref), new.notes.get(ref)
        if note != fresh_note:
            yield f"{name}!{ref}: note {_short(note)}, recomputed {_short(fresh_note)}"
    if sorted(old.charts) != sorted(new.charts):
        a_charts, b_charts = sorted(old.charts), sorted(new.charts)
        yield f"{name}: charts {_short(a_charts)}, recomputed {_short(b_charts)}"


def _cell_order(ref: str) -> tuple[int, int]:
    """Row, then column: a sheet's cells in reading order."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(ref)
    return row, column_index_from_string(letters)


def _same_parts(saved: bytes, fresh: bytes) -> bool:
    """Whether every part of the two packages is byte for byte the same, as in a workbook
    nobody has opened and saved since: then nothing differs, and nothing need be read."""
    with zipfile.ZipFile(io.BytesIO(saved)) as old, zipfile.ZipFile(io.BytesIO(fresh)) as new:
        parts = sorted(new.namelist())
        if parts != sorted(old.namelist()):
            return False
        return all(old.read(part) == new.read(part) for part in parts)


def same(a: Any, b: Any) -> bool:
    """Equal, numbers within a relative 1e-9 (JSON and XML round trips may differ in the
    last digit); an empty text and an empty cell alike (a re-save drops empty strings)."""
    if a in ("", None) and b in ("", None):
        return True
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
    if numbers:
        return bool(abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)))
    return bool(a == b)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def limited(differences: Iterator[str]) -> list[str]:
    found = []
    for difference in differences:
        found.append(difference)
        if len(found) >= MAX_DIFFERENCES:
            found.append(f"(stopped after {MAX_DIFFERENCES} differences)")
            break
    return found


def verify_export(tender_dir: Path, saved_path: Path) -> list[str]:
    """Everything that differs between ``saved_path`` and a fresh run on ``tender_dir``.

    The fresh run uses the seed, sample count and sampling recorded in the export, so a
    matching export reproduces exactly.
    """
    _, read = read_export(saved_path)
    saved = check_saved(saved_path, read) if isinstance(read, dict) else read
    audit: Any = saved["audit"] if isinstance(saved, dict) else _workbook_audit(saved_path, saved)
    recorded = saved["run"] if isinstance(saved, dict) else audit["run"]
    what_if = None
    if not recorded["official"]:  # a what-if is verified as the what-if it says it is
        what_if = WhatIf(recorded["label"] or "", recorded["name"] or "", recorded["weights"])
    tender = pipeline.load(tender_dir)
    if what_if is not None:
        tender = tender.with_weights(what_if.weights)
    settings = smaa_settings(
        tender, samples=int(audit["samples"]), seed=int(audit["seed"]), sampling=audit["sampling"]
    )
    run = RunInfo(str(audit["generated_at"]), str(audit["command"]), what_if)
    draft = bool(recorded.get("draft"))  # a draft is verified as a draft, with what is open
    document = pipeline.run(
        tender, analysis=settings, document=run, readiness="draft" if draft else "ignore"
    ).document
    assert document is not None
    differences = input_differences(audit["inputs"], document["audit"]["inputs"])
    if isinstance(saved, dict):
        fresh = render_document(document)
        if render_document(saved) != fresh:  # the same text: nothing to walk
            differences += limited(document_differences(saved, json.loads(fresh)))
    else:
        from tenderscore.exporters.workbook import render_workbook

        fresh_book = render_workbook(document)
        found = workbook_differences(saved, fresh_book, audit=not differences, path=saved_path)
        differences += limited(found)
    return differences


def _whole(path: Path, labels: dict[str, Any], label: str, low: int, high: int) -> int:
    """A whole-number setting from the Audit sheet, within the bounds a run can have (an
    edited sample count of 10^10 made verify run for ever)."""
    text = str(labels.get(label, ""))
    if not text.isdigit() or not low <= int(text) <= high:
        message = f"Audit: {label} {text[:20]!r} is not a whole number from {low:,} to {high:,}"
        raise InputError([Problem(path, message)])
    return int(text)


def _one_of(path: Path, labels: dict[str, Any], label: str, allowed: Sequence[str]) -> str:
    text = str(labels.get(label, ""))
    if text not in allowed:
        raise InputError([Problem(path, f"Audit: {label} {text[:20]!r} is not one of {allowed}")])
    return text


def _weights(path: Path, text: object) -> dict[str, float]:
    """The what-if weights recorded on the Audit sheet (JSON text), checked to be weights."""
    try:
        weights = json.loads(str(text)) if text else {}
    except ValueError:
        weights = None
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
        for k, v in weights.items()
    ):
        raise InputError([Problem(path, "Audit!B4: the what-if weights are not weights")])
    return {key: float(value) for key, value in weights.items()}


def _workbook_audit(path: Path, data: bytes) -> dict[str, Any]:
    """The run settings and input hashes recorded on a workbook's Audit sheet.

    Raises:
        InputError: when the file is not a workbook tenderscore exported.
    """
    from openpyxl import load_workbook

    refused = package_problem(data)
    if refused:
        raise InputError([Problem(path, refused)])
    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
        sheet = book["Audit"] if "Audit" in book.sheetnames else None
        rows = [tuple(row) for row in sheet.iter_rows(values_only=True)] if sheet else []
    except Exception as exc:  # corrupt, encrypted, not XML: the file's problem, never a traceback
        raise InputError([Problem(path, f"not a readable .xlsx workbook: {exc}"[:300])]) from exc
    labels = {str(row[0]): row[1] for row in rows if row and row[0]}
    header = next((k for k, row in enumerate(rows) if row and row[0] == "Input file"), None)
    if header is None:
        raise InputError(
            [
                Problem(
                    path,
                    "no Audit sheet with the input files: not a workbook tenderscore exported",
                )
            ]
        )
    listed = itertools.takewhile(lambda row: bool(row and row[0]), rows[header + 1 :])
    inputs = [{"path": str(row[0]), "role": str(row[1]), "sha256": str(row[2])} for row in listed]
    described = str(labels.get("Run", "official"))
    official = described in ("official", OFFICIAL_DRAFT)
    name, _, label = described.removeprefix("what-if ").partition(": ")
    return {
        "run": {
            "official": official,
            "draft": described == OFFICIAL_DRAFT,
            "name": None if official else name,
            "label": None if official else label,
            "weights": _weights(path, labels.get("What-if weights")),
        },
        "generated_at": labels.get("Generated at", ""),
        "command": labels.get("Command", ""),
        "seed": _whole(path, labels, "Seed", 0, LARGEST_SEED),
        "samples": _whole(path, labels, "Samples", FEWEST_SAMPLES, MOST_SAMPLES),
        "sampling": _one_of(path, labels, "Weight sampling", SAMPLINGS),
        "inputs": inputs,
    }
