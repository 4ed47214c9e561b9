"""The export document, typed: what every renderer reads and every saved export must hold.

``export_document`` builds an ``ExportDocument``; the workbook, Markdown, summaries, charts and
JSON renderers read one; ``tenderscore export`` and ``verify`` read one back from a saved
``<reference>-evaluation.json``. Whoever holds that file can edit it: its reference names the
files ``export`` writes, bid ids name the summaries, and figures reach workbook formulas. So a
saved export is checked against these types strictly (identifier patterns, numbers that are
numbers, the registered rule names, every part a renderer reads) before anything is rendered,
and a renderer that fails on a checked document is a bug (exit 1), not "was it edited?".
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from tenderscore.errors import InputError, Problem
from tenderscore.input.fields import (
    CURRENCY,
    Direction,
    Identifier,
    NodeKind,
    Samples,
    Sampling,
    ScoreAggregation,
    Seed,
)
from tenderscore.input.models import Weighting
from tenderscore.input.outcomes import ExclusionKind
from tenderscore.report.award_types import PublicationPart, SupplierPart, TimelinePart
from tenderscore.rules.aggregation import AggregationName
from tenderscore.rules.price import PriceFormulaName
from tenderscore.rules.rounding import NO_ROUNDING, RoundingRule

Currency = Annotated[str, Field(pattern=CURRENCY)]
Kind = NodeKind


class Tool(TypedDict):
    name: str
    version: str


class TenderPart(TypedDict):
    reference: Identifier
    title: str
    buyer: str
    currency: Currency
    term_years: int
    discount_rate: float | None
    criteria_source: str


class PricePart(TypedDict):
    formula: PriceFormulaName
    ceiling: float | None
    floor: float | None
    zero_at_multiple: float | None
    clip: NotRequired[bool]  # absent in exports before it existed: clipped


class RoundingPart(TypedDict):
    value: Annotated[int, Field(ge=0, le=9)] | None
    points: Annotated[int, Field(ge=0, le=9)] | None
    section: Annotated[int, Field(ge=0, le=9)] | None
    total: Annotated[int, Field(ge=0, le=9)] | None


def rounding_of(method: MethodPart) -> RoundingRule:
    """The published rounding a document carries (none in exports from before it existed)."""
    rounding = method.get("rounding")
    if rounding is None:
        return NO_ROUNDING
    return RoundingRule(
        rounding["value"], rounding["points"], rounding["section"], rounding["total"]
    )


class MethodPart(TypedDict):
    aggregation: AggregationName
    higher_is_better: bool
    price_formula: PriceFormulaName
    price: PricePart
    price_expression: str
    price_description: str
    money_per_point: float | None
    score_aggregation: ScoreAggregation
    tie_break: list[Identifier]
    rounding: NotRequired[RoundingPart]
    weighting: Weighting
    abnormally_low_threshold: float | None
    disagreement_share: float
    sole_evaluator_comments: bool


class MinimumPart(TypedDict):
    percent: float | None
    points: float | None
    score: float | None


class ScalePart(TypedDict):
    min: int
    max: int
    descriptors: dict[str, str]


class LinearPart(TypedDict):
    type: Literal["linear"]
    worst: float
    best: float


class PiecewisePart(TypedDict):
    type: Literal["piecewise"]
    points: Annotated[
        list[Annotated[list[float], Field(min_length=2, max_length=2)]], Field(min_length=2)
    ]


class ObservedPart(TypedDict):
    type: Literal["observed"]


class RelativeToBestPart(TypedDict):
    type: Literal["relative_to_best"]


ValueFunctionPart = Annotated[
    LinearPart | PiecewisePart | ObservedPart | RelativeToBestPart, Field(discriminator="type")
]


class SpecPart(TypedDict):
    """The criterion as published (its model, without its children)."""

    id: Identifier
    name: str
    description: NotRequired[str | None]
    rationale: NotRequired[str | None]
    source: NotRequired[str | None]
    minimum: NotRequired[MinimumPart | None]
    weight: NotRequired[float | None]
    locked: NotRequired[bool]
    kind: NotRequired[Kind]
    question: NotRequired[str | None]
    scale: NotRequired[ScalePart]
    aggregate: NotRequired[ScoreAggregation | None]
    unit: NotRequired[str | None]
    direction: NotRequired[Direction]
    value_function: NotRequired[ValueFunctionPart]


class CriterionPart(TypedDict):
    id: Identifier
    name: str
    kind: Kind
    parent: Identifier | None
    depth: int
    stated_weight: float | None
    local_weight: float
    effective_weight: float
    locked: bool
    spec: SpecPart


class RankingEntry(TypedDict):
    rank: int
    bid: Identifier
    shared: bool


class CellPart(TypedDict):
    """One bid on one leaf criterion: raw input, partial value, weight, points, and the trace."""

    criterion: Identifier
    kind: Kind
    raw: float
    value: float
    weight: float
    points: float
    formula: str
    working: str
    evaluator_scores: dict[Identifier, float] | None
    evaluator_comments: dict[Identifier, str | None] | None
    consensus_reason: str | None
    moderated: bool
    feedback: str | None


class GatePart(TypedDict):
    criterion: Identifier
    passed: bool
    note: str | None


class ExclusionPart(TypedDict):
    kind: ExclusionKind
    criterion: str | None
    reason: str


class SetAsidePart(TypedDict):
    """A bid not scored: withdrawn, late, or failed a gate or excluded before scoring."""

    id: Identifier
    name: str
    gates: list[GatePart]
    exclusions: list[ExclusionPart]


class CostLinePart(TypedDict):
    name: str
    category: str
    nominal: float
    present_value: float


class PriceBreakdownPart(TypedDict):
    price: float
    discount_rate: float | None
    lines: list[CostLinePart]


class BidPart(TypedDict):
    id: Identifier
    name: str
    eligible: bool
    rank: int | None
    rank_shared: bool
    tie_broken_by: str | None
    total: float
    quality: float
    gap_to_leader: float | None
    node_points: dict[Identifier, float]
    gates: list[GatePart]
    exclusions: list[ExclusionPart]
    price: PriceBreakdownPart | None
    section_points: dict[Identifier, float]
    criteria: list[CellPart]


class FindingPart(TypedDict):
    code: str
    message: str
    criterion: str | None
    bids: list[str]


class PanelMember(TypedDict):
    id: Identifier
    role: str
    sections: list[Identifier] | None


class EvaluatorProfile(TypedDict):
    evaluator: Identifier
    role: str
    scored: int
    leniency: float | None
    outlier_share: float | None


class AgendaItem(TypedDict):
    criterion: Identifier
    bid: Identifier
    scores: dict[Identifier, float]
    consensus: float | None
    consensus_reason: str | None
    spread: float
    spread_share: float
    disputed: bool
    reasons: dict[Identifier, str]
    delta: dict[Identifier, float]


class ModeratedItem(TypedDict):
    criterion: Identifier
    bid: Identifier
    scores: dict[Identifier, float]
    consensus: float
    reason: str | None
    delta: dict[Identifier, float]


class ModerationPart(TypedDict):
    disagreement_share: float
    agreement: dict[Identifier, float | None]
    evaluators: list[EvaluatorProfile]
    agenda: list[AgendaItem]
    moderated: list[ModeratedItem]


class BoundPart(TypedDict):
    weight: float
    taker: str | None
    pair: list[str] | None
    shared_with: list[str]


class StabilityPart(TypedDict):
    id: Identifier
    name: str
    top_level: bool
    weight: float
    locked: bool
    movable: bool
    winner_low: BoundPart
    winner_high: BoundPart
    ranking_low: BoundPart
    ranking_high: BoundPart
    switching_change: float | None
    section: NotRequired[Identifier | None]
    """Within a section: its id; the weights are shares of its (held) weight."""
    section_name: NotRequired[str]


class SweepPart(TypedDict):
    id: Identifier
    name: str
    weight: float
    grid: list[float]
    figures: dict[Identifier, list[float]]


class SwitchingPart(TypedDict):
    bid: Identifier
    criterion: Identifier
    kind: str
    unit: str
    current: float
    needed: float | None
    limit: float
    change: float | None


class SmaaSettingsPart(TypedDict):
    samples: int
    seed: int
    sampling: Sampling
    concentration: float
    intervals: dict[str, list[float]]
    score_uncertainty: bool


class SmaaPart(TypedDict):
    bids: list[Identifier]
    leaves: list[Identifier]
    samples: int
    seed: int
    sampling: Sampling
    score_uncertainty: bool
    win_probability: list[float]
    ranks_kept: int
    rank_acceptability: list[list[float | None]]
    standard_error: list[list[float | None]]
    central_weights: list[list[float | None]]
    confidence: list[float | None]
    pairwise_winning: list[list[float | None]] | None


class ReversalPart(TypedDict):
    withdrawn: Identifier
    swapped: list[list[Identifier]]
    causes: list[str]
    winner_changes: bool


class FormulaPart(TypedDict):
    formula: PriceFormulaName
    parameters: str
    order: list[Identifier]
    figures: list[float]
    declared: bool


class ScenarioRanking(TypedDict):
    bid: Identifier
    rank: int | None
    total: float


class ScenarioPart(TypedDict):
    name: Identifier
    description: str | None
    weights: dict[Identifier, float]
    winners: list[Identifier]
    ranking: list[ScenarioRanking]
    excluded: list[Identifier]


class SensitivityPart(TypedDict):
    schema: str
    schema_version: int
    tool: Tool
    tender: dict[str, str]
    headline: str
    ranked: list[Identifier]
    settings: SmaaSettingsPart
    most_critical: Identifier | None
    stability: list[StabilityPart]
    section_stability: NotRequired[list[StabilityPart]]  # absent in older exports
    sweeps: list[SweepPart]
    switching_values: list[SwitchingPart]
    smaa: SmaaPart | None
    rank_reversals: list[ReversalPart]
    formulas: list[FormulaPart]
    scenarios: list[ScenarioPart]


class InputRecord(TypedDict):
    path: str
    role: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AuditPart(TypedDict):
    tool: str
    generated_at: str
    command: str
    criteria_lock: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None
    seed: Seed | None
    samples: Samples | None
    sampling: Sampling | None
    inputs: list[InputRecord]


class RunPart(TypedDict):
    """Official (the tender's own weights and settings) or a what-if, and how it differs."""

    official: bool
    draft: NotRequired[bool]  # absent in exports from before drafts existed
    label: str | None
    name: Identifier | None
    weights: dict[Identifier, float]


class DeclarationPart(TypedDict):
    """One person's declaration of interests and its assessment (input/models.py)."""

    person: Identifier
    role: str
    declared: str
    interest: str
    bids: list[Identifier]
    assessment: str | None
    mitigation: Literal["managed", "removed"] | None


class ApprovalPart(TypedDict):
    """The decision record (input/approval.py) and whether it still holds."""

    approved_by: str
    role: str
    approved_at: str
    meeting: str
    notes: str
    recommended: list[Identifier]
    current: bool
    stale_because: str | None


class ReadinessPart(TypedDict):
    """One thing to settle before an award can be recommended (engine/readiness.py)."""

    code: str
    message: str
    bid: Identifier | None
    criterion: Identifier | None


class MeetingPart(TypedDict):
    date: str | None
    chair: str | None
    attendees: str | None


class DisclosurePart(TypedDict):
    winner_price: bool
    losing_prices: bool


class ExportDocument(TypedDict):
    """The whole export: what ``<reference>-evaluation.json`` holds."""

    schema: str
    schema_version: int
    run: RunPart
    tool: Tool
    tender: TenderPart
    method: MethodPart
    criteria: list[CriterionPart]
    sections: list[Identifier]
    ranking: list[RankingEntry]
    bids: list[BidPart]
    set_aside: list[SetAsidePart]
    warnings: list[FindingPart]
    panel: list[PanelMember]
    moderation: ModerationPart
    sensitivity: SensitivityPart | None
    audit: AuditPart
    readiness: NotRequired[list[ReadinessPart]]
    conflicts: NotRequired[list[DeclarationPart]]  # absent in exports from before it existed
    approval: NotRequired[ApprovalPart | None]
    disclosure: DisclosurePart
    meeting: MeetingPart | None
    timeline: NotRequired[TimelinePart]  # absent in exports from before version 5
    publication: NotRequired[PublicationPart | None]
    suppliers: NotRequired[dict[Identifier, SupplierPart]]
    """Each bidder's identity, by bid id, where it gave one (set-aside bids too)."""


def sensitivity_of(document: ExportDocument) -> SensitivityPart:
    """The sensitivity section, which every committee export has (a bidder's summary is
    built without one, and never asks)."""
    sensitivity = document["sensitivity"]
    if sensitivity is None:
        raise ValueError("the export document was built without a sensitivity analysis")
    return sensitivity


_CHECK: TypeAdapter[ExportDocument] = TypeAdapter(ExportDocument)
SHOWN = 10  # problems listed before the rest are counted


def check_saved(path: Path, document: dict[str, Any]) -> ExportDocument:
    """``document`` as an ``ExportDocument``, or InputError naming each field that is wrong.

    Validation only: the document is returned as it was read, not as pydantic rebuilt it.
    """
    try:
        _CHECK.validate_python(document, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        problems = [
            Problem(
                path,
                f"{_location(error['loc'])}: {error['msg']} (was it edited? run "
                "tenderscore evaluate again)",
            )
            for error in errors[:SHOWN]
        ]
        if len(errors) > SHOWN:
            problems.append(Problem(path, f"and {len(errors) - SHOWN} more problems like these"))
        raise InputError(problems) from None
    if document["sensitivity"] is None or document["audit"]["samples"] is None:
        raise InputError(
            [Problem(path, "sensitivity: an export has its analysis and settings (was it edited?)")]
        )
    from tenderscore.report.integrity import broken_references  # it reads these types

    typed: ExportDocument = document  # type: ignore[assignment]  # checked above
    broken = list(broken_references(typed))
    if broken:
        raise InputError(
            Problem(path, f"{where}: {what} (was it edited? run tenderscore evaluate again)")
            for where, what in broken[:SHOWN]
        )
    return typed


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
