"""When a document may describe the award: the rule the letters to bidders and the open data
share, and the award's date.

Letters and open data tell the world who won. They are written only from the official
evaluation, ready to award, with a single tender first and, where the decision has been
approved, only while that approval still holds: an approval made stale by a changed input
means the decision the letters would describe is not the one approved.
"""

from __future__ import annotations

from tenderscore.errors import UsageError
from tenderscore.report.types import ExportDocument


def check_publishable(document: ExportDocument, what: str) -> None:
    """Refuse ``what`` (letters, open data) for anything that is not an award.

    Raises:
        UsageError: a what-if, a draft, no single tender first, or a stale approval.
    """
    run = document["run"]
    if not run["official"] or run.get("draft", False):
        raise UsageError(
            f"{what} describe the award: they are written from the official evaluation once "
            "it is ready to award, not from a what-if or a draft"
        )
    winners = [bid for bid in document["bids"] if bid["rank"] == 1]
    if len(winners) != 1:
        raise UsageError(
            f"the evaluation recommends no single tender (a shared first place or no bid "
            f"ranked): there is no award for the {what} to describe"
        )
    approval = document.get("approval")
    if approval is not None and not approval["current"]:
        raise UsageError(
            f"the approval is STALE ({approval['stale_because']}), so the {what} would "
            "describe a decision nobody approved; approve the result again (tenderscore "
            "approve --replace) first"
        )


def unapproved(document: ExportDocument) -> bool:
    """Whether no approval of the decision is recorded (a warning: letters usually follow
    the approval)."""
    return document.get("approval") is None


def award_date(document: ExportDocument) -> str | None:
    """The award's date: the contract award notice, else the approval (ISO date)."""
    timeline = document.get("timeline")
    if timeline and timeline["award_notice"]:
        return timeline["award_notice"]
    approval = document.get("approval")
    if approval is not None and approval["current"]:
        return approval["approved_at"][:10]
    return timeline["approved"] if timeline else None
