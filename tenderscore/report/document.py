"""The export document: everything the workbook and the report show, as plain data.

It is what ``<reference>-evaluation.json`` holds, so ``tenderscore export`` can render the
workbook and the report again from a saved result without re-scoring, and ``verify`` can
compare a saved result with a fresh one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from tenderscore import __version__
from tenderscore.engine.moderation import Moderation, moderate, moderation_document
from tenderscore.engine.readiness import ReadinessItem
from tenderscore.engine.results import Evaluation
from tenderscore.errors import InputError, Problem
from tenderscore.input.approval import inputs_digest, read_approval, result_digest
from tenderscore.input.saved import EXPORT_SCHEMA, EXPORT_VERSION
from tenderscore.input.tender import Tender
from tenderscore.memory import collector_paused
from tenderscore.report.award_types import TimelinePart
from tenderscore.report.evaluation import evaluation_document, sensitivity_document
from tenderscore.report.types import ApprovalPart, ExportDocument, RunPart
from tenderscore.rules.price import PRICE_FORMULAS
from tenderscore.sensitivity.analysis import SensitivityReport

EXPORTED_RANKS = 10  # rank acceptabilities beyond the tenth: `tenderscore sensitivity --json`


@dataclass(frozen=True, slots=True)
class WhatIf:
    """A run that scores the bids otherwise than the tender publishes (other weights): an
    exploration, never the official result, and never written under the official names."""

    label: str
    """How it was asked for, in words: 'scenario cost-led and --weights cost=60'."""
    name: str
    """A file-safe name for its outputs: the scenario, or weights-<digest>."""
    weights: dict[str, float]
    """The weights it changed, by criterion or section id (as --weights takes them)."""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """How the export was made. The time is passed in so that everything else repeats."""

    generated_at: str
    command: str
    what_if: WhatIf | None = None
    draft: bool = False
    """An official evaluation written before it is ready to award: marked DRAFT, recommending
    nothing, with what is still open."""
    readiness: tuple[ReadinessItem, ...] = ()


def approval_part(tender: Tender, evaluation: Evaluation) -> ApprovalPart | None:
    """The tender's approval and whether it still holds: stale once an input or the result
    differs from what was approved.

    Raises:
        InputError: approval.yaml cannot be read.
    """
    approval = read_approval(tender.root)
    if approval is None:
        return None
    if isinstance(approval, Problem):
        raise InputError([approval])
    ranking = [(bid.id, bid.rank, bid.total) for bid in evaluation.ranked]
    stale = (
        "an input changed since"
        if inputs_digest(tender) != approval.inputs_digest
        else "the result differs from the one approved"
        if result_digest(ranking) != approval.result_digest
        else None
    )
    shown = {k: v for k, v in approval.record().items() if not k.endswith("_digest")}
    return cast(ApprovalPart, {**shown, "current": stale is None, "stale_because": stale})


def run_part(what_if: WhatIf | None, *, draft: bool = False) -> RunPart:
    """The ``run`` part of a document: official (perhaps a draft), or the what-if and how it
    differs."""
    return {
        "official": what_if is None,
        "draft": draft,
        "label": None if what_if is None else what_if.label,
        "name": None if what_if is None else what_if.name,
        "weights": {} if what_if is None else dict(what_if.weights),
    }


@collector_paused()
def export_document(
    tender: Tender,
    evaluation: Evaluation,
    report: SensitivityReport | None,
    run: RunInfo,
    *,
    moderation: Moderation | None = None,
) -> ExportDocument:
    """The export document; without ``report`` (a bidder's summary needs no sensitivity
    analysis) its sensitivity section and sampling settings are None. ``moderation``: the
    tender's, when the caller has it already."""
    config = tender.config
    formula = PRICE_FORMULAS[config.price.formula]
    document = evaluation_document(evaluation)
    document["schema"] = EXPORT_SCHEMA
    document["schema_version"] = EXPORT_VERSION
    document["run"] = run_part(run.what_if, draft=run.draft)
    document["readiness"] = [
        {"code": i.code, "message": i.message, "bid": i.bid, "criterion": i.criterion}
        for i in run.readiness
    ]
    document["tender"] |= {
        "term_years": config.term_years,
        "discount_rate": config.discount_rate,
        "criteria_source": tender.criteria_source,
    }
    document["method"] |= {
        "price": config.price.model_dump(mode="json"),
        "price_expression": formula.expression,
        "price_description": formula.description,
        "money_per_point": config.aggregation.money_per_point,
        "score_aggregation": config.score_aggregation,
        "tie_break": list(config.tie_break),
        "rounding": config.rounding.model_dump(mode="json"),
        "weighting": tender.tree.weighting,
        "abnormally_low_threshold": config.abnormally_low_threshold,
        "disagreement_share": config.moderation.disagreement_share,
        "sole_evaluator_comments": config.sole_evaluator_comments,
    }
    for entry in document["criteria"]:
        node = tender.tree.nodes[entry["id"]]
        entry["spec"] = node.model.model_dump(mode="json", exclude={"children"})
    document["panel"] = [evaluator.model_dump(mode="json") for evaluator in config.panel]
    document["disclosure"] = config.disclosure.model_dump(mode="json")
    meeting = tender.meeting
    document["meeting"] = (
        None
        if meeting is None
        else {
            "date": None if meeting.date is None else meeting.date.isoformat(),
            "chair": meeting.chair,
            "attendees": meeting.attendees,
        }
    )
    document["conflicts"] = [
        declaration.model_dump(mode="json") for declaration in config.conflicts
    ]
    document["approval"] = approval_part(tender, evaluation) if run.what_if is None else None
    document["timeline"] = timeline_part(tender, document["approval"])
    publication = config.publication
    document["publication"] = None if publication is None else publication.model_dump(mode="json")
    document["suppliers"] = {
        bid.id: bid.supplier.model_dump(mode="json")
        for bid in (*tender.bids, *tender.set_aside)
        if bid.supplier is not None
    }
    document["moderation"] = moderation_document(moderation or moderate(tender))
    document["sensitivity"] = (
        None
        if report is None
        else sensitivity_document(report, ranks=EXPORTED_RANKS, published=run.what_if is None)
    )
    settings = None if report is None else report.settings
    document["audit"] = {
        "tool": f"tenderscore {__version__}",
        "generated_at": run.generated_at,
        "command": run.command,
        "criteria_lock": tender.lock_digest,
        "seed": None if settings is None else settings.seed,
        "samples": None if settings is None else settings.samples,
        "sampling": None if settings is None else settings.sampling,
        "inputs": [
            {
                "path": input_label(tender.root, source.path),
                "role": source.role,
                "sha256": source.sha256,
            }
            for source in tender.sources
        ],
    }
    return cast(ExportDocument, document)  # tests check built documents against the type


def timeline_part(tender: Tender, approval: ApprovalPart | None) -> TimelinePart:
    """The award timeline: the dates tender.yaml gives (the approval's own date when it gives
    none), the standstill period's end, and what is out of order."""
    timeline = tender.config.timeline
    if timeline.approved is None and approval is not None and approval["current"]:
        timeline = timeline.model_copy(
            update={"approved": datetime.date.fromisoformat(approval["approved_at"][:10])}
        )
    dates = timeline.model_dump(mode="json", exclude={"holidays", "closed_days"})
    ends = timeline.standstill_ends()
    return {
        **dates,  # type: ignore[typeddict-item]  # the dates, by the model's field names
        "holidays": timeline.holidays,
        "closed_days": [day.isoformat() for day in timeline.closed_days],
        "standstill_ends": None if ends is None else ends.isoformat(),
        "problems": timeline.order_problems(),
    }


def input_label(root: Path, path: Path) -> str:
    """An input's path relative to the tender directory; a shipped set by its file name."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"(shipped criteria) {path.name}"
