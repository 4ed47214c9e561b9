"""Gather each bid's raw inputs into arrays: prices, criterion scores, answers and gates.

This is the one place that walks the bid models bid by bid; everything after it is vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tenderscore.engine.results import PriceBreakdown
from tenderscore.input.bidfile import BidFile
from tenderscore.input.hierarchy import TreeNode
from tenderscore.input.models import ScaleCriterion
from tenderscore.input.outcomes import GateOutcome, gate_outcome
from tenderscore.input.panel import assigned_evaluators
from tenderscore.input.tender import Tender
from tenderscore.rules.costs import whole_life_cost


@dataclass(frozen=True, slots=True)
class PanelScores:
    """The individual scores on one scale criterion: bids x evaluators."""

    evaluators: tuple[str, ...]
    scores: NDArray[np.float64]
    consensus: dict[int, float]
    """Moderated scores by bid row."""
    agreed: dict[int, tuple[str, str | None]]
    """The panel's agreed reason and the bidder's feedback by bid row, moderated or not."""
    comments: tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True)
class RawInputs:
    """Raw inputs: ``raw[i, j]`` is bid i's price, criterion score or answer on leaf j."""

    raw: NDArray[np.float64]
    panels: dict[int, PanelScores]
    gates: tuple[tuple[GateOutcome, ...], ...]
    prices: tuple[PriceBreakdown | None, ...]


def gather_inputs(tender: Tender) -> RawInputs:
    bids = tender.bids
    leaves = tender.tree.leaves
    raw = np.zeros((len(bids), len(leaves)))
    panels: dict[int, PanelScores] = {}
    prices = tuple(price_breakdown(tender, bid) for bid in bids)
    for j, leaf in enumerate(leaves):
        if leaf.kind == "price":
            raw[:, j] = [p.price if p else np.nan for p in prices]
        elif leaf.kind == "numeric":
            raw[:, j] = [float(bid.answers[leaf.id]) for bid in bids]
        elif leaf.kind == "scale":
            panel = panel_scores(tender, leaf)
            panels[j] = panel
            raw[:, j] = criterion_scores(panel, _aggregate(tender, leaf))
    gates = tuple(answered_gates(tender, bid) for bid in bids)
    return RawInputs(raw=raw, panels=panels, gates=gates, prices=prices)


def _aggregate(tender: Tender, leaf: TreeNode) -> str:
    assert isinstance(leaf.model, ScaleCriterion)
    return leaf.model.aggregate or tender.config.score_aggregation


def panel_scores(tender: Tender, leaf: TreeNode) -> PanelScores:
    evaluators = tuple(assigned_evaluators(tender.config, tender.tree, leaf.id))
    scores = np.array(
        [[bid.scores[leaf.id][e].score for e in evaluators] for bid in tender.bids],
        dtype=np.float64,
    ).reshape(len(tender.bids), len(evaluators))
    recorded = {
        i: bid.consensus[leaf.id] for i, bid in enumerate(tender.bids) if leaf.id in bid.consensus
    }
    consensus = {i: c.score for i, c in recorded.items() if c.score is not None}
    agreed = {i: (c.reason, c.feedback) for i, c in recorded.items()}
    comments = tuple(
        tuple(bid.scores[leaf.id][e].comment for e in evaluators) for bid in tender.bids
    )
    return PanelScores(evaluators, scores, consensus, agreed, comments)


def criterion_scores(panel: PanelScores, aggregate: str) -> NDArray[np.float64]:
    """The panel's score per bid: the recorded consensus, else the mean or median."""
    combine = np.median if aggregate == "median" else np.mean
    scores = np.asarray(combine(panel.scores, axis=1), dtype=np.float64)
    for i, score in panel.consensus.items():
        scores[i] = score
    return scores


def price_breakdown(tender: Tender, bid: BidFile) -> PriceBreakdown | None:
    if bid.price is None:
        return None
    rate = tender.config.discount_rate
    if bid.price.whole_life is None:
        assert bid.price.total is not None
        return PriceBreakdown(price=bid.price.total, discount_rate=None, lines=())
    lines = whole_life_cost(
        bid.price.whole_life, term_years=tender.config.term_years, rate=rate or 0.0
    )
    return PriceBreakdown(
        price=sum(line.present_value for line in lines), discount_rate=rate, lines=tuple(lines)
    )


def answered_gates(tender: Tender, bid: BidFile) -> tuple[GateOutcome, ...]:
    found = (gate_outcome(bid, gate) for gate in tender.tree.gates)
    return tuple(outcome for outcome in found if outcome is not None)
