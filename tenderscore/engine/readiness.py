"""Ready to award: what a court or an auditor would ask about that is still open.

An official evaluation recommends an award only when nothing here remains: every dispute
the panel flagged has a moderated score, every scored criterion of every bid has the panel's
agreed reason for the bidder (assessment summaries never quote an evaluator's working notes),
every agreed reason and feedback is a reason (not "ok", not the criterion or a descriptor
restated), and every abnormally low
price (flagged, or disregarded as abnormally low) has been investigated, with the conclusion
recorded (Procurement Act 2023 s19). Until
then ``evaluate --draft`` reports where things stand, marked DRAFT, recommending nothing.
Missing scores and placeholders are input errors, listed together by ``validate``.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenderscore.engine.moderation import Moderation, ModerationItem, ReasonLint, moderate
from tenderscore.engine.results import Evaluation
from tenderscore.input.models import ScaleCriterion
from tenderscore.input.panel import undeclared
from tenderscore.input.tender import Tender


@dataclass(frozen=True, slots=True)
class ReadinessItem:
    """One thing to settle before an award can be recommended, and how."""

    code: str
    message: str
    bid: str | None = None
    criterion: str | None = None


def readiness_items(
    tender: Tender, evaluation: Evaluation, moderation: Moderation | None = None
) -> tuple[ReadinessItem, ...]:
    """Everything still open, declarations and disputes first, in the order of the bids and
    criteria (``moderation``: the tender's, when the caller has it already)."""
    found = [
        *_declarations(tender),
        *_disputes(tender, moderation or moderate(tender)),
        *_investigations(tender, evaluation),
    ]
    return tuple(found)


def _declarations(tender: Tender) -> list[ReadinessItem]:
    return [
        ReadinessItem(
            "declaration_missing",
            f"panel member {person!r} has no declaration of interests; record it under "
            "conflicts in tender.yaml (Procurement Act 2023 s81-83)",
        )
        for person in undeclared(tender.config)
    ]


def _disputes(tender: Tender, moderation: Moderation) -> list[ReadinessItem]:
    """Per bid and scale criterion, at most one item (``_open_item``)."""
    found = []
    lints: dict[str, ReasonLint] = {}
    bids = {bid.id: bid for bid in tender.bids}
    for item in moderation.items:
        leaf = tender.tree.nodes[item.criterion]
        model = leaf.model
        assert isinstance(model, ScaleCriterion)
        lint = lints.get(item.criterion)
        if lint is None:
            texts = [leaf.name, model.question or "", *model.scale.descriptors.values()]
            lint = lints[item.criterion] = ReasonLint(texts)
        recorded = bids[item.bid].consensus.get(item.criterion)
        feedback = recorded.feedback if recorded else None
        opened = _open_item(item, lint, feedback, tender.config.sole_evaluator_comments)
        if opened:
            code, message = opened
            scores = ", ".join(f"{e} {s:g}" for e, s in item.scores.items())
            where = f"bid {item.bid!r}, criterion {item.criterion!r} ({scores})"
            found.append(ReadinessItem(code, f"{where}: {message}", item.bid, item.criterion))
    return found


def _open_item(
    item: ModerationItem, lint: ReasonLint, feedback: str | None, sole_comments: bool
) -> tuple[str, str] | None:
    """What is open on one bid's criterion, if anything: a dispute without a moderated score,
    no agreed reason for the bidder, or an agreed reason or feedback that explains nothing."""
    if item.disputed and item.consensus is None:
        return (
            "unresolved_dispute",
            f"the panel disagrees by {100 * item.spread_share:.0f}% of the scale and no "
            "moderated score is recorded; record the score the panel agreed, with its reason, "
            "in the moderation workbook (or under consensus in the bid file)",
        )
    if item.consensus_reason is None:
        if sole_comments and len(item.scores) == 1:  # the evaluator's comment is the reason
            if not item.reasons:
                return None
            return (
                "weak_consensus_reason",
                f"the evaluator's comment, which the bidder reads as the reason, will not "
                f"explain the score ({item.reasons[0].problem}); say what in the bid decided it",
            )
        return (
            "reason_missing",
            "no agreed reason for the bidder: assessment summaries give the panel's reasons, "
            "never an evaluator's working notes; record it in the moderation workbook (or under "
            "consensus in the bid file: reason, and feedback if the bidder should read other "
            "words; no score needed)",
        )
    for what, text in (("agreed reason", item.consensus_reason), ("feedback", feedback)):
        problem = lint(text) if text is not None else None
        if problem:
            return (
                "weak_consensus_reason",
                f"the {what} will not explain the score to a bidder or a court ({problem}); "
                "say what in the bid decided it",
            )
    return None


def _investigations(tender: Tender, evaluation: Evaluation) -> list[ReadinessItem]:
    flagged = {
        bid for f in evaluation.findings if f.code == "abnormally_low_price" for bid in f.bids
    } | {
        bid.id
        for bid in tender.bids
        if bid.outcome is not None and bid.outcome.status == "abnormally_low"
    }
    lint = ReasonLint([])
    found = []
    for bid in tender.bids:
        if bid.id not in flagged:
            continue
        problem = lint(bid.investigation)
        if problem:
            found.append(
                ReadinessItem(
                    "abnormally_low_price_not_investigated",
                    f"bid {bid.id!r}: the price is abnormally low and no investigation is "
                    f"recorded ({problem}); ask the bidder to explain it and record what was "
                    "asked, the answer and the conclusion under investigation in the bid file "
                    "(for a bid returned as workbooks, in responses/<bid id>/record.yaml) "
                    "(Procurement Act 2023 s19)",
                    bid.id,
                )
            )
    return found
