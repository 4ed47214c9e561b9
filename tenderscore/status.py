"""Where an evaluation stands, and what to do next: one answer for the officer.

``tender_status`` works on an incomplete tender (that is when it is needed): missing scores
are counted, not fatal. The stages follow the process: criteria locked, interests declared,
bids in, scores returned, moderation done, ready to award, approved. The next step is the
first stage not yet done, with the command that does it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tenderscore.engine.readiness import ReadinessItem, readiness_items
from tenderscore.engine.scoring import evaluate
from tenderscore.input.loading import load_tender
from tenderscore.input.models import ScaleCriterion
from tenderscore.input.panel import assigned_evaluators, undeclared
from tenderscore.input.tender import Tender
from tenderscore.report.document import approval_part

MODERATION_CODES = ("unresolved_dispute", "reason_missing", "weak_consensus_reason")


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the process: done or not, and what stands in the way."""

    name: str
    done: bool
    detail: str


@dataclass(frozen=True, slots=True)
class EvaluatorProgress:
    evaluator: str
    given: int
    expected: int


@dataclass(frozen=True)
class Status:
    reference: str
    stages: tuple[Stage, ...]
    evaluators: tuple[EvaluatorProgress, ...]
    open_items: tuple[ReadinessItem, ...] = field(default=())
    next_step: str = ""


def tender_status(tender_dir: Path | str) -> Status:
    """The status of the tender in ``tender_dir``.

    Raises:
        InputError: for input that cannot be read at all (as ``validate`` reports it).
    """
    tender = load_tender(tender_dir, require_scores=False)
    root = tender.root
    progress = _score_progress(tender)
    missing = sum(p.expected - p.given for p in progress)
    missing_declarations = undeclared(tender.config)
    items: tuple[ReadinessItem, ...] = ()
    approval = None
    if tender.bids and not missing:
        evaluation = evaluate(tender)
        items = readiness_items(tender, evaluation)
        approval = approval_part(tender, evaluation)
    moderation_open = [i for i in items if i.code in MODERATION_CODES]
    other_open = [i for i in items if i.code not in MODERATION_CODES]
    scored = len(tender.bids)
    stages = (
        Stage(
            "criteria locked",
            tender.lock_digest is not None,
            "criteria.lock.yaml records what bidders were told"
            if tender.lock_digest
            else "no criteria lock",
        ),
        Stage(
            "interests declared",
            not missing_declarations,
            "every panel member has declared"
            if not missing_declarations
            else f"no declaration from {', '.join(missing_declarations)}",
        ),
        Stage(
            "bids in",
            scored > 0,
            f"{scored} to score, {len(tender.set_aside)} set aside before scoring",
        ),
        Stage(
            "scores returned",
            scored > 0 and not missing,
            "every score is in" if not missing else f"{missing} scores missing",
        ),
        Stage(
            "moderation done",
            scored > 0 and not missing and not moderation_open,
            "waiting for the scores"
            if missing or not scored
            else f"{len(moderation_open)} items open"
            if moderation_open
            else "every dispute settled, every criterion has the panel's reason",
        ),
        Stage(
            "ready to award",
            scored > 0 and not missing and not items,
            "waiting for the stages above"
            if missing or not scored or moderation_open
            else f"{len(other_open)} items open"
            if other_open
            else "nothing is open",
        ),
        Stage(
            "approved",
            bool(approval and approval["current"]),
            "not approved"
            if approval is None
            else "approval current"
            if approval["current"]
            else f"approval STALE: {approval['stale_because']} it",
        ),
    )
    return Status(
        tender.config.reference,
        stages,
        tuple(progress),
        items,
        _next_step(stages, str(root)),
    )


def _score_progress(tender: Tender) -> list[EvaluatorProgress]:
    """Per panel member, the scores given and expected on the bids to be scored."""
    given: dict[str, int] = {e.id: 0 for e in tender.config.panel}
    expected = dict(given)
    for leaf in tender.tree.leaves:
        if not isinstance(leaf.model, ScaleCriterion):
            continue
        for evaluator in assigned_evaluators(tender.config, tender.tree, leaf.id):
            for bid in tender.bids:
                expected[evaluator] += 1
                given[evaluator] += evaluator in bid.scores.get(leaf.id, {})
    return [EvaluatorProgress(e, given[e], expected[e]) for e in given if expected[e]]


NEXT_STEPS = {
    "criteria locked": "tenderscore lock {t} --by NAME --deadline YYYY-MM-DD (before bids are "
    "opened: it records what bidders were told)",
    "interests declared": "record each panel member's declaration under conflicts in "
    "tender.yaml, then tenderscore sheets {t}",
    "bids in": "put each bidder's returned workbooks in {t}/responses/<bid id>/ (tenderscore "
    "forms {t} makes the blank ones), or one YAML file per bid in {t}/bids/",
    "scores returned": "tenderscore sheets {t}, send each evaluator their workbook, and put "
    "the filled ones in {t}/scores/",
    "moderation done": "tenderscore moderation {t} --workbook; fill it in at the meeting and "
    "put it in {t}/moderation/",
    "ready to award": "settle the items listed (tenderscore validate {t} lists them)",
    "approved": "tenderscore evaluate {t}, then tenderscore approve {t} --by NAME --role ROLE "
    "(--replace for a stale approval)",
}
DONE = "tenderscore summaries {t} for the bidders and tenderscore evaluate {t} --audience public"


def _next_step(stages: tuple[Stage, ...], tender_dir: str) -> str:
    pending = next((stage for stage in stages if not stage.done), None)
    template = DONE if pending is None else NEXT_STEPS[pending.name]
    return template.format(t=tender_dir)
