"""The moderation meeting's workbook read back: the panel's agreed scores, reasons and
feedback, and the meeting itself, or problems located at their cells.

The layout is the contract with the writer, ``tenderscore.exporters.moderation_sheet``. A
filled workbook in ``TENDER_DIR/moderation/`` is read as the bids' ``consensus``: one row per
bid and scale criterion, an agreed score only where the panel changed the score, an agreed
reason for every criterion (bidders' summaries quote agreed reasons only), and feedback where
the bidder should read other words. It carries the tender's seal like a scoring sheet, so a
workbook made for another tender, or for other criteria, is refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tenderscore.errors import Problem
from tenderscore.input.bidfile import BidFile, Consensus
from tenderscore.input.fingerprints import same_seal, sheet_seal
from tenderscore.input.fingerprints import scoring_sheet_fingerprint as fingerprint
from tenderscore.input.hierarchy import CriteriaTree
from tenderscore.input.models import ScaleCriterion, TenderFile
from tenderscore.input.response_forms import column_letter
from tenderscore.input.scoresheets import MAX_PROBLEMS, cell_at, read_rows, typed_cells

SHEET = "Moderation"
DIRECTORY = "moderation"
HEADER = ("Tender", "Fingerprint", "Meeting date", "Chair", "Attendees")
MEETING_ROWS = {"date": 3, "chair": 4, "attendees": 5}
SEAL_ROW, SEAL_COLUMN = 2, 5  # E2, beside the fingerprint
FIRST_ROW = 8
COLUMNS = (
    "Criterion",
    "Bid",
    "Supplier",
    "Panel's scores",
    "Spread",
    "Disputed",
    "Evaluators' comments (working notes)",
    "Agreed score (only to change it)",
    "Agreed reason (every row; bidders read it)",
    "Feedback for the bidder (optional)",
)
CRITERION, BID, SCORE, REASON, FEEDBACK = 1, 2, 8, 9, 10
SEAL_PURPOSE = "moderation"  # the seal's 'evaluator': the meeting, not a panel member


def workbook_name(reference: str) -> str:
    return f"{reference}-moderation.xlsx"


@dataclass(frozen=True, slots=True)
class AgreedView:
    """One bid's criterion as the meeting recorded it, and the cell it came from."""

    bid: str
    criterion: str
    consensus: Consensus
    cell: str


@dataclass(frozen=True, slots=True)
class Meeting:
    """The moderation meeting, for the decision record."""

    date: datetime.date | None
    chair: str | None
    attendees: str | None


def read_moderation(
    path: Path,
    data: bytes,
    config: TenderFile,
    tree: CriteriaTree,
    bids: Mapping[str, BidFile],
    key: bytes,
    set_aside: Collection[str] = (),
) -> tuple[list[AgreedView], Meeting | None, list[Problem]]:
    """The agreed views and the meeting from one filled workbook, or its problems; rows of
    bids ``set_aside`` since the workbook was made (withdrawn, excluded) are not read."""

    def problem(cell: str, message: str) -> Problem:
        return Problem(path, message, cell=f"{SHEET}!{cell}")

    scale_leaves = [leaf for leaf in tree.leaves if isinstance(leaf.model, ScaleCriterion)]
    most = FIRST_ROW + len(bids) * len(scale_leaves) + 100
    rows = read_rows(
        path,
        data,
        most_rows=most,
        sheet_title=SHEET,
        width=len(COLUMNS),
        what="moderation workbook",
    )
    if isinstance(rows, Problem):
        return [], None, [rows]
    typed = typed_cells(rows)
    if typed:
        return [], None, [problem(cell, message) for cell, message in typed[:MAX_PROBLEMS]]
    labels = {str(r[0]): cell_at(r, 2) for r in rows[: FIRST_ROW - 2] if r and r[0]}
    stamp = fingerprint(config, tree)
    if labels.get("Fingerprint") != stamp:
        return (
            [],
            None,
            [
                problem(
                    "B2",
                    f"made from different criteria (fingerprint {labels.get('Fingerprint')!r}, "
                    f"this tender's is {stamp!r}): make a new one with `tenderscore moderation "
                    "--workbook`",
                )
            ],
        )
    seal = cell_at(rows[SEAL_ROW - 1], SEAL_COLUMN) if len(rows) >= SEAL_ROW else None
    if not same_seal(seal, sheet_seal(key, stamp, SEAL_PURPOSE)):
        return (
            [],
            None,
            [
                problem(
                    f"{column_letter(SEAL_COLUMN)}{SEAL_ROW}",
                    "the seal does not match: this workbook was not made by this tender",
                )
            ],
        )
    meeting, problems = _meeting(labels, problem)
    agreed: list[AgreedView] = []
    for offset, row in enumerate(rows[FIRST_ROW - 1 :]):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(Problem(path, f"more problems after the first {MAX_PROBLEMS}"))
            break
        number = FIRST_ROW + offset
        if not row or row[0] is None or str(cell_at(row, BID)) in set_aside:
            continue
        found = _row(row, number, tree, bids, problem)
        if isinstance(found, Problem):
            problems.append(found)
        elif found is not None:
            agreed.append(found)
    return agreed, meeting, problems


Locate = Callable[[str, str], Problem]
"""A problem at a cell of the sheet."""


def _meeting(labels: Mapping[str, Any], problem: Locate) -> tuple[Meeting | None, list[Problem]]:
    date, chair, attendees = (labels.get(h) for h in HEADER[2:])
    if date is None and chair is None and attendees is None:
        return None, []
    if isinstance(date, datetime.datetime):
        date = date.date()
    elif isinstance(date, str):
        try:
            date = datetime.date.fromisoformat(date.strip())
        except ValueError:
            return None, [problem("B3", f"expected a date (YYYY-MM-DD); got {date!r}")]
    elif date is not None and not isinstance(date, datetime.date):
        return None, [problem("B3", f"expected a date (YYYY-MM-DD); got {date!r}")]
    return Meeting(date, _text(chair), _text(attendees)), []


def _row(
    row: list[Any],
    number: int,
    tree: CriteriaTree,
    bids: Mapping[str, BidFile],
    problem: Locate,
) -> AgreedView | Problem | None:
    criterion, bid = str(row[CRITERION - 1]), str(cell_at(row, BID))
    node = tree.nodes.get(criterion)
    if node is None or not isinstance(node.model, ScaleCriterion):
        return problem(f"A{number}", f"unknown scale criterion {criterion!r}")
    if bid not in bids:
        return problem(f"B{number}", f"unknown bid {bid!r}, or a bid not scored")
    score, reason, feedback = (cell_at(row, c) for c in (SCORE, REASON, FEEDBACK))
    reason, feedback = _text(reason), _text(feedback)
    if score is None and reason is None and feedback is None:
        return None
    if reason is None:
        where = "H" if score is not None else "J"
        return problem(
            f"{where}{number}",
            f"bid {bid!r}, criterion {criterion!r}: an agreed score or feedback needs the "
            f"panel's reason beside it (column I)",
        )
    scale = node.model.scale
    if score is not None and (
        isinstance(score, bool)
        or not isinstance(score, int | float)
        or not scale.min <= score <= scale.max
    ):
        return problem(
            f"H{number}", f"expected a score on the scale {scale.min}-{scale.max}; got {score!r}"
        )
    consensus = Consensus(
        score=None if score is None else float(score), reason=reason, feedback=feedback
    )
    return AgreedView(bid, criterion, consensus, f"I{number}")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
