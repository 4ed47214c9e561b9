"""Result types: every number carries the inputs and formula that produced it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tenderscore.engine.tracing import LeafTrace
from tenderscore.input.outcomes import Exclusion, GateOutcome
from tenderscore.rules.aggregation import AggregationName
from tenderscore.rules.costs import CostLine


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One bid on one weighted leaf criterion, from raw input to weighted points.

    ``points`` = 100 x ``weight`` x ``value``; ``working`` shows the formula with the numbers.
    """

    criterion: str
    kind: str
    raw: float
    value: float
    weight: float
    points: float
    formula: str
    evaluator_scores: dict[str, float] | None
    consensus_reason: str | None
    """The panel's agreed reason, whether or not it moved the score (``moderated``)."""
    trace: LeafTrace = field(repr=False, compare=False)
    evaluator_comments: dict[str, str | None] | None = None
    moderated: bool = False
    """Whether a moderated score replaced the panel's mean or median."""
    feedback: str | None = None
    """What the bidder reads, when the panel wrote it apart from the reason."""

    @property
    def working(self) -> str:
        return self.trace.working(
            raw=self.raw,
            value=self.value,
            weight=self.weight,
            points=self.points,
            evaluator_scores=self.evaluator_scores,
            consensus=self.moderated,
        )


@dataclass(frozen=True, slots=True)
class PriceBreakdown:
    """The price a bid is scored on, with the cost lines it was built from."""

    price: float
    discount_rate: float | None
    lines: tuple[CostLine, ...]


@dataclass(frozen=True, slots=True)
class BidResult:
    """One bid's evaluation. ``total`` is what ranks: points (weighted sum) or a money figure.

    ``rank`` is None for an excluded bid; ``rank_shared`` marks a tie that the declared
    tie-break rule could not separate, ``tie_broken_by`` the rule that did separate one.
    """

    id: str
    name: str
    eligible: bool
    rank: int | None
    rank_shared: bool
    tie_broken_by: str | None
    total: float
    quality: float
    gap_to_leader: float | None
    node_points: dict[str, float]
    criteria: tuple[CriterionScore, ...]
    gates: tuple[GateOutcome, ...]
    exclusions: tuple[Exclusion, ...]
    price: PriceBreakdown | None

    def score(self, criterion: str) -> CriterionScore:
        for entry in self.criteria:
            if entry.criterion == criterion:
                return entry
        raise KeyError(criterion)


@dataclass(frozen=True, slots=True)
class SetAsideBid:
    """A bid not scored: withdrawn, late, or (without full scoring) failed a gate or excluded
    before scoring. ``gates`` holds the gate answers it gave."""

    id: str
    name: str
    gates: tuple[GateOutcome, ...]
    exclusions: tuple[Exclusion, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """A warning for the committee: something that may change how the result is read."""

    code: str
    message: str
    criterion: str | None = None
    bids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeWeight:
    """A node of the criteria tree with its stated, normalised and effective weight."""

    id: str
    name: str
    kind: str
    parent: str | None
    depth: int
    stated_weight: float | None
    local_weight: float
    effective_weight: float
    locked: bool


@dataclass(frozen=True)
class Evaluation:
    """The result of ``evaluate``: scored bids (excluded ones last), weights and findings;
    the bids set aside before scoring are in ``set_aside``, not in ``bids``.

    ``values`` is the matrix of partial values v (bids x weighted leaves, in ``bids`` order)
    and ``weights`` the effective leaf weights, which sensitivity analysis starts from.
    """

    reference: str
    title: str
    buyer: str
    currency: str
    method: AggregationName
    higher_is_better: bool
    price_formula: str
    nodes: tuple[NodeWeight, ...]
    sections: tuple[str, ...]
    leaves: tuple[str, ...]
    bids: tuple[BidResult, ...]
    findings: tuple[Finding, ...]
    values: NDArray[np.float64] = field(repr=False)
    weights: NDArray[np.float64] = field(repr=False)
    set_aside: tuple[SetAsideBid, ...] = ()
    """Bids not scored, in file order (see ``tenderscore.input.outcomes``)."""

    @property
    def ranked(self) -> tuple[BidResult, ...]:
        return tuple(bid for bid in self.bids if bid.eligible)

    @property
    def excluded(self) -> tuple[BidResult, ...]:
        return tuple(bid for bid in self.bids if not bid.eligible)

    @property
    def winners(self) -> tuple[BidResult, ...]:
        return tuple(bid for bid in self.bids if bid.rank == 1)

    def bid(self, bid_id: str) -> BidResult:
        for bid in self.bids:
            if bid.id == bid_id:
                return bid
        raise KeyError(bid_id)
