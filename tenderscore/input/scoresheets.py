"""Filled evaluator scoring sheets read back: scores, or problems located at their cells.

The layout (sheet name, first row, columns) is the contract with the writer,
``tenderscore.exporters.scoresheets``. Reading takes bytes (``loading`` reads the files) and
returns scores or located problems; openpyxl parses the XML through defusedxml, and nothing in
a workbook is ever evaluated.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenderscore.errors import Problem
from tenderscore.input.fingerprints import same_seal, sheet_seal
from tenderscore.input.fingerprints import scoring_sheet_fingerprint as fingerprint
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import ScaleCriterion, TenderFile
from tenderscore.input.panel import assigned_evaluators

SHEET = "Scores"
FIRST_ROW = 6
COLUMNS = ("Criterion", "Question", "Bid", "Supplier", "Score", "Comment (cite the bid)")
SCORE, COMMENT = 5, 6
SEAL_ROW, SEAL_COLUMN = 4, 4  # D4, beside the fingerprint
BID_FIELD = "Bid"  # the field of a row whose bid is not known (see loading: folded)
SPARE_ROWS = 100  # beyond one row per bid and criterion, before a sheet is refused as foreign
MAX_PROBLEMS = 50  # problems listed for one sheet
MAX_PARTS = 200
MAX_PART_BYTES = 256 * 2**20  # uncompressed; a 90,000-row filled sheet is about 35 MiB
MAX_UNPACKED_BYTES = 512 * 2**20
MAX_OTHER_PART_BYTES = 8 * 2**20  # styles, theme, relationships, properties
MAX_CELL_CHARS = 32_767


def sheet_name(reference: str, evaluator: str) -> str:
    return f"{reference}-scoring-{evaluator}.xlsx"


@dataclass(frozen=True, slots=True)
class SheetScore:
    evaluator: str
    criterion: str
    bid: str
    score: float
    comment: str | None
    cell: str


def read_sheet(
    path: Path,
    data: bytes,
    config: TenderFile,
    tree: CriteriaTree,
    bids: Mapping[str, str],
    key: bytes,
    *,
    complete: bool = True,
) -> tuple[list[SheetScore], list[Problem]]:
    """Scores from one filled workbook, or the problems found in it, each at its cell; a blank
    score is a problem only when the sheet must be ``complete`` (not for ``status``).

    The sheet must carry the seal made for the evaluator it names, and that evaluator's role:
    a sheet whose evaluator cell was changed is refused, not read as someone else's scores.
    """

    from openpyxl.utils import get_column_letter  # imported here: loading a tender without
    # sheets does not pay for openpyxl

    def problem(cell: str, message: str) -> Problem:
        return Problem(path, message, cell=f"{SHEET}!{cell}")

    most = FIRST_ROW + len(bids) * len(tree.leaves) + SPARE_ROWS
    rows = read_rows(path, data, most_rows=most)
    if isinstance(rows, Problem):
        return [], [rows]
    typed = typed_cells(rows)
    if typed:
        return [], [problem(cell, message) for cell, message in typed[:MAX_PROBLEMS]]
    label = {str(r[0]): r[1] for r in rows[: FIRST_ROW - 2] if r and r[0]}
    evaluator = str(label.get("Evaluator", ""))
    stamp = fingerprint(config, tree)
    if label.get("Fingerprint") != stamp:
        return [], [
            problem(
                "B4",
                f"made from different criteria (fingerprint "
                f"{label.get('Fingerprint')!r}, this tender's is {stamp!r}): "
                "make new sheets with `tenderscore sheets`",
            )
        ]
    panel = {e.id: e.role for e in config.panel}
    if evaluator not in panel:
        known = ", ".join(panel)
        return [], [problem("B2", f"unknown evaluator {evaluator!r} (panel: {known})")]
    seal_row = rows[SEAL_ROW - 1] if len(rows) >= SEAL_ROW else []
    seal = seal_row[SEAL_COLUMN - 1] if len(seal_row) >= SEAL_COLUMN else None
    if not same_seal(seal, sheet_seal(key, stamp, evaluator)):
        return [], [
            problem(
                f"{get_column_letter(SEAL_COLUMN)}{SEAL_ROW}",
                f"the seal does not match evaluator {evaluator!r}: this sheet was not made for "
                f"{evaluator} by this tender (or its evaluator cell was changed); score on the "
                f"sheet `tenderscore sheets` made for {evaluator}",
            )
        ]
    if label.get("Role") != panel[evaluator]:
        return [], [
            problem(
                "B3",
                f"role {label.get('Role')!r} is not {evaluator}'s ({panel[evaluator]!r}); the "
                "evaluator and role cells must be as the sheet was made",
            )
        ]
    scores: list[SheetScore] = []
    problems: list[Problem] = []
    for offset, row in enumerate(rows[FIRST_ROW - 1 :]):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                Problem(path, f"more problems in this sheet after the first {MAX_PROBLEMS}")
            )
            break
        number = FIRST_ROW + offset
        if not row or row[0] is None:
            continue
        criterion, bid = str(row[0]), str(row[2])
        value, comment = cell_at(row, SCORE), cell_at(row, COMMENT)
        node = tree.nodes.get(criterion)
        if node is None or not isinstance(node.model, ScaleCriterion):
            problems.append(problem(f"A{number}", f"unknown scale criterion {criterion!r}"))
            continue
        if bid not in bids:
            problems.append(
                Problem(path, f"unknown bid {bid!r}", field=BID_FIELD, cell=f"{SHEET}!C{number}")
            )
            continue
        if evaluator not in assigned_evaluators(config, tree, criterion):
            problems.append(
                problem(f"A{number}", f"evaluator {evaluator!r} is not assigned to {criterion!r}")
            )
            continue
        scale = node.model.scale
        if value is None or value == "":
            if not complete:
                continue
            problems.append(
                problem(
                    f"E{number}",
                    f"blank score for bid {bid!r} on {criterion!r} (not scored is never 0)",
                )
            )
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (scale.min <= value <= scale.max)
        ):
            problems.append(
                problem(
                    f"E{number}",
                    f"expected a score on the scale {scale.min}-{scale.max}; got {value!r}",
                )
            )
            continue
        scores.append(
            SheetScore(
                evaluator,
                criterion,
                bid,
                float(value),
                None if comment is None else str(comment),
                f"E{number}",
            )
        )
    return scores, problems


def cell_at(row: list[Any], column: int) -> Any:
    return row[column - 1] if len(row) >= column else None


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell holding a formula: never evaluated, never read as its cached value."""

    text: str


def read_rows(
    path: Path,
    data: bytes,
    *,
    most_rows: int,
    sheet_title: str = SHEET,
    width: int = len(COLUMNS),
    what: str = "scoring sheet",
) -> list[list[Any]] | Problem:
    """The values of the first ``width`` columns of sheet ``sheet_title``, row by row, or why
    they cannot be read (``read_sheets`` for one sheet)."""
    found = read_sheets(path, data, {sheet_title: width}, most_rows=most_rows, what=what)
    return found if isinstance(found, Problem) else found[sheet_title]


def read_sheets(
    path: Path, data: bytes, widths: Mapping[str, int], *, most_rows: int, what: str
) -> dict[str, list[list[Any]]] | Problem:
    """The values of the first columns of each sheet named in ``widths`` (its title -> how
    many columns), row by row, the workbook opened once; or why they cannot be read.

    Bounded before any XML is parsed (parts, their uncompressed sizes) and while reading
    (rows, width, cell length): a filled sheet comes from outside and may be hostile. Rows
    beyond the sheet's declared dimension are read too (the dimension is not trusted), and a
    formula cell is returned as a ``Formula``, never as the value its author cached.
    """
    from openpyxl import load_workbook

    refused = package_problem(data)
    if refused:
        return Problem(path, refused)
    found: dict[str, list[list[Any]]] = {}
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        for title, width in widths.items():
            if title not in book.sheetnames:
                return Problem(path, f"not a tenderscore {what}: no sheet named {title!r}")
            sheet = book[title]
            sheet.reset_dimensions()
            rows: list[list[Any]] = found.setdefault(title, [])
            for cells in sheet.iter_rows(max_col=width):
                if len(rows) >= most_rows:
                    return Problem(
                        path, f"more than {most_rows:,} rows: not a sheet made for this tender"
                    )
                rows.append([_value(cell) for cell in cells])
        book.close()
    except Exception as exc:  # malformed XML, bad encoding, a foreign file: never a traceback
        return Problem(path, f"cannot read this workbook ({type(exc).__name__}: {exc})"[:300])
    return found


def package_problem(data: bytes) -> str:
    """Why the zip package is refused before parsing, or ''."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        return "not an .xlsx workbook (not a zip package)"
    if len(parts) > MAX_PARTS:
        return f"{len(parts):,} parts in the package; a scoring sheet has far fewer"
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        return (
            f"unpacks to {total / 2**20:,.0f} MiB; a workbook of this kind unpacks to less than "
            f"{MAX_UNPACKED_BYTES // 2**20} MiB (is it a zip bomb?)"
        )
    for part in parts:
        limit = _part_limit(part.filename)
        if part.file_size > limit:
            return (
                f"its part {part.filename[:60]} unpacks to {part.file_size / 2**20:,.0f} MiB, "
                f"more than {limit // 2**20} MiB (is it a zip bomb?)"
            )
    return ""


def _part_limit(name: str) -> int:
    """The most a part of a workbook may unpack to: sheets and their strings hold the data,
    styles and everything else stay small (250 MiB of styles took 110 s and 3.5 GB)."""
    if name.startswith("xl/worksheets/"):
        return MAX_PART_BYTES
    if name == "xl/sharedStrings.xml":
        return MAX_PART_BYTES // 2
    return MAX_OTHER_PART_BYTES


def _value(cell: Any) -> Any:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return Formula(str(value))
    return value


def typed_cells(rows: list[list[Any]]) -> list[tuple[str, str]]:
    """Cells no evaluator could have typed: formulas, and text longer than Excel allows."""
    from openpyxl.utils import get_column_letter

    found = []
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            where = f"{get_column_letter(c)}{r}"
            if isinstance(value, Formula):
                found.append(
                    (
                        where,
                        f"a formula ({value.text[:40]}) where a value is typed: "
                        "type the value itself",
                    )
                )
            elif isinstance(value, str) and len(value) >= MAX_CELL_CHARS:
                # openpyxl cuts longer text to the limit as it reads: at the limit, it was cut
                limit = f"{MAX_CELL_CHARS:,} characters or more, Excel's limit for a cell"
                found.append((where, f"{limit}: shorten it"))
    return found
