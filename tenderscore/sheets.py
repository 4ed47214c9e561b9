"""Evaluator scoring sheets: one workbook per evaluator out, filled workbooks back in.

Each workbook lists, per criterion assigned to the evaluator, the question, the scale with
its descriptors and, per bid, a score cell (restricted to the scale) and a comment cell;
everything else is locked. Price never appears (two-envelope practice). A fingerprint of the
criteria, scales and panel ties a filled sheet to the tender it was made for.

Reading takes bytes (``loading`` reads the files) and returns scores or located problems;
openpyxl parses the XML through defusedxml, and nothing in a workbook is ever evaluated.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from tenderscore.checks import assigned_evaluators
from tenderscore.errors import Problem
from tenderscore.exporters.escaping import set_text
from tenderscore.exporters.sheetxml import PLAIN, Look, SheetCells, Styles, splice
from tenderscore.exporters.xlsx import print_across
from tenderscore.hierarchy import CriteriaTree, TreeNode
from tenderscore.models import BidFile, ScaleCriterion, TenderFile

SHEET = "Scores"
FIRST_ROW = 6
COLUMNS = ("Criterion", "Question", "Bid", "Supplier", "Score", "Comment (cite the bid)")
SCORE, COMMENT = 5, 6
BOLD = Look(font=Font(name="Calibri", bold=True))
INPUT = Look(fill=PatternFill("solid", fgColor="FFF2CC"), unlocked=True)
INPUT_TEXT = Look(fill=INPUT.fill, unlocked=True, wrap=True)


def fingerprint(config: TenderFile, tree: CriteriaTree) -> str:
    """SHA-256 (first 16 hex digits) of the scored criteria, their scales and the panel."""
    content = {
        "reference": config.reference,
        "criteria": [
            [leaf.id, leaf.model.scale.min, leaf.model.scale.max]
            for leaf in tree.leaves
            if isinstance(leaf.model, ScaleCriterion)
        ],
        "panel": [[e.id, e.sections] for e in config.panel],
    }
    text = json.dumps(content, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sheet_name(reference: str, evaluator: str) -> str:
    return f"{reference}-scoring-{evaluator}.xlsx"


def render_sheets(
    config: TenderFile, tree: CriteriaTree, bids: tuple[BidFile, ...]
) -> dict[str, bytes]:
    """File name -> workbook bytes, one per panel member with scale criteria to score."""
    stamp = fingerprint(config, tree)
    books = {}
    for evaluator in config.panel:
        leaves = [
            leaf
            for leaf in tree.leaves
            if isinstance(leaf.model, ScaleCriterion)
            and evaluator.id in assigned_evaluators(config, tree, leaf.id)
        ]
        if leaves:
            books[sheet_name(config.reference, evaluator.id)] = _workbook(
                config, evaluator.id, evaluator.role, leaves, bids, stamp
            )
    return books


def _workbook(
    config: TenderFile,
    evaluator: str,
    role: str,
    leaves: list[TreeNode],
    bids: tuple[BidFile, ...],
    stamp: str,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    styles, cells = Styles(book), SheetCells()  # 90,000 rows for 2,000 bids: see sheetxml

    def text(row: int, column: int, value: str, look: Look = PLAIN) -> None:
        cells.text(row, column, value, styles.for_text(value, look))

    header = [
        ("Tender", f"{config.reference}: {config.title}"),
        ("Evaluator", evaluator),
        ("Role", role),
        ("Fingerprint", stamp),
    ]
    for row, (label, value) in enumerate(header, start=1):
        text(row, 1, label, BOLD)
        text(row, 2, value)
    for column, label in enumerate(COLUMNS, start=1):
        text(FIRST_ROW - 1, column, label, BOLD)
    row = FIRST_ROW
    guide = book.create_sheet("Scales")
    guide.append(["Criterion", "Score", "Descriptor"])
    for leaf in leaves:
        model = leaf.model
        assert isinstance(model, ScaleCriterion)
        validation = DataValidation(
            type="decimal",
            operator="between",
            formula1=str(model.scale.min),
            formula2=str(model.scale.max),
            allow_blank=True,
            showErrorMessage=True,
            error=f"Score on the {model.scale.min}-{model.scale.max} scale",
        )
        sheet.add_data_validation(validation)
        for point in range(model.scale.min, model.scale.max + 1):
            descriptor = model.scale.descriptors.get(point, "")
            guide.append([leaf.id, point, None])
            set_text(guide.cell(row=guide.max_row, column=3), descriptor)
        first = row
        for bid in bids:
            text(row, 1, leaf.id)
            text(row, 2, model.question or leaf.name)
            text(row, 3, bid.id)
            text(row, 4, bid.name)
            cells.blank(row, SCORE, styles.id(INPUT))
            cells.blank(row, COMMENT, styles.id(INPUT_TEXT))
            cells.seal(row)
            row += 1
        if bids:
            validation.add(f"E{first}:E{row - 1}")  # one range: adding cell by cell is O(n^2)
    for letter, width in zip("ABCDEF", (24, 60, 14, 30, 8, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{FIRST_ROW}"
    print_across(sheet, header_row=FIRST_ROW - 1)
    for page in (sheet, guide):
        page.protection.sheet = True
    buffer = io.BytesIO()
    book.save(buffer)
    return splice(buffer.getvalue(), {sheet.path.lstrip("/"): cells})


@dataclass(frozen=True, slots=True)
class SheetScore:
    evaluator: str
    criterion: str
    bid: str
    score: float
    comment: str | None
    cell: str


def read_sheet(
    path: Path, data: bytes, config: TenderFile, tree: CriteriaTree, bid_ids: set[str]
) -> tuple[list[SheetScore], list[Problem]]:
    """Scores from one filled workbook, or the problems found in it, each at its cell."""

    def problem(cell: str, message: str) -> Problem:
        return Problem(path, message, cell=f"{SHEET}!{cell}")

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book[SHEET]
    except Exception as exc:  # a corrupt or foreign file: report it, never trace back
        return [], [Problem(path, f"not a tenderscore scoring sheet: {exc}")]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
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
    panel = [e.id for e in config.panel]
    if evaluator not in panel:
        return [], [problem("B2", f"unknown evaluator {evaluator!r} (panel: {', '.join(panel)})")]
    scores: list[SheetScore] = []
    problems: list[Problem] = []
    for offset, row in enumerate(rows[FIRST_ROW - 1 :]):
        number = FIRST_ROW + offset
        if not row or row[0] is None:
            continue
        criterion, bid = str(row[0]), str(row[2])
        value, comment = _cell(row, SCORE), _cell(row, COMMENT)
        node = tree.nodes.get(criterion)
        if node is None or not isinstance(node.model, ScaleCriterion):
            problems.append(problem(f"A{number}", f"unknown scale criterion {criterion!r}"))
            continue
        if bid not in bid_ids:
            problems.append(problem(f"C{number}", f"unknown bid {bid!r}"))
            continue
        if evaluator not in assigned_evaluators(config, tree, criterion):
            problems.append(
                problem(f"A{number}", f"evaluator {evaluator!r} is not assigned to {criterion!r}")
            )
            continue
        scale = node.model.scale
        if value is None or value == "":
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


def _cell(row: list[Any], column: int) -> Any:
    return row[column - 1] if len(row) >= column else None
